"""The lead's lists read a fixed number of queries, however many rows they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.core.audit import audit_record
from knotwork.privacy.tests.helpers import (
    NOW,
    make_break_glass,
    make_lead,
    now,  # noqa: F401
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_uses(cast, count):
    for i in range(count):
        opened_at = NOW - datetime.timedelta(days=2 + i)
        user = cast.outsider if i % 2 else cast.caseworker
        make_break_glass(user, cast.pupil_a, cast.partnership, opened_at=opened_at)


def add_entries(cast, count):
    users = [cast.officer, cast.caseworker, cast.coordinator, cast.head_of_year]
    for i in range(count):
        audit_record(actor=users[i % 4], action="view", pupil=cast.pupil_a, what="profile")


def test_the_report_reads_the_same_queries_for_2_uses_or_20(client, cast):
    make_lead(cast.partnership)
    client = signed_in(client, "dpo")
    add_uses(cast, 2)
    few = queries_for(client, reverse("privacy:report"))
    add_uses(cast, 18)
    assert queries_for(client, reverse("privacy:report")) == few
    assert few <= 12


def test_the_view_log_reads_the_same_queries_for_4_rows_or_40(client, cast):
    make_lead(cast.partnership)
    client = signed_in(client, "dpo")
    url = reverse("privacy:view-log", args=[cast.pupil_a.uuid])
    add_entries(cast, 4)
    few = queries_for(client, url)
    add_entries(cast, 36)
    assert queries_for(client, url) == few
    assert few <= 12

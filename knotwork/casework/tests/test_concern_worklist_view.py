"""A setting's concern worklist: what it lists, the stale tag, filters, pages, the CSV,
who may see it, and its query budget."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.casework.models import Concern
from knotwork.casework.tests.concern_helpers import make_concern, make_rules
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def url(setting, query=""):
    return reverse("casework:worklist", args=[setting.uuid]) + query


@pytest.fixture
def concerns(cast):
    rules = make_rules(cast.partnership)
    fresh = make_concern(cast.pupil_a, cast.school_a)
    with time_machine.travel(datetime.datetime(2026, 11, 10, 9, 0), tick=False):
        stale = make_concern(
            cast.linked_pupil,
            cast.school_a,
            source="trigger",
            rule=rules["suspension"],
            key="exclusion:x",
            sign="",
            summary="Suspended for 2 days from 9 November 2026.",
            fired_on=datetime.date(2026, 11, 9),
        )
    done = make_concern(cast.pupil_a, cast.school_a, status="dismissed", dismissed_reason="Fine")
    elsewhere = make_concern(cast.pupil_b, cast.school_b)
    return {"fresh": fresh, "stale": stale, "done": done, "elsewhere": elsewhere}


def test_it_lists_active_concerns_newest_first_with_the_stale_tag(client, cast, concerns):
    response = signed_in(client).get(url(cast.school_a))
    assert response.status_code == 200
    rows = [r.concern for r in response.context["page"]]
    assert rows == [concerns["fresh"], concerns["stale"]]
    text = response.content.decode()
    assert "Flagged 14 days ago and nobody has acted yet" in text
    assert "Suspended for 2 days from 9 November 2026." in text
    entry = AuditEntry.objects.get(what="concern worklist")
    assert (entry.actor, entry.action, entry.object_id) == (
        cast.officer,
        "view",
        str(cast.school_a.uuid),
    )


def test_an_acknowledged_concern_does_not_stand_out(client, cast, concerns):
    Concern.objects.filter(pk=concerns["stale"].pk).update(status="acknowledged")
    text = signed_in(client).get(url(cast.school_a)).content.decode()
    assert "nobody has acted yet" not in text


def test_filters_by_status_source_and_rule_kind(client, cast, concerns):
    client = signed_in(client)
    assert [r.concern for r in client.get(url(cast.school_a, "?source=staff")).context["page"]] == [
        concerns["fresh"]
    ]
    page = client.get(url(cast.school_a, "?kind=suspension")).context["page"]
    assert [r.concern for r in page] == [concerns["stale"]]
    assert list(client.get(url(cast.school_a, "?status=acknowledged")).context["page"]) == []


def test_a_pupil_no_longer_on_roll_is_not_listed(client, cast, concerns):
    cast.pupil_a.enrolments.update(end_date=datetime.date(2026, 11, 20))
    page = signed_in(client).get(url(cast.school_a)).context["page"]
    assert [r.concern for r in page] == [concerns["stale"]]


def test_read_only_staff_see_the_list_without_the_buttons(client, cast, concerns):
    response = signed_in(client, "head_of_year").get(url(cast.school_a))
    assert response.status_code == 200
    assert "You can see this concern but not act on it" in response.content.decode()
    assert "concern-acknowledge" not in str(response.content) and "Acknowledge<" not in str(
        response.content
    )


def test_a_caseworker_sees_only_their_linked_pupils_concerns(client, cast, concerns):
    page = signed_in(client, "caseworker").get(url(cast.school_a)).context["page"]
    assert [r.concern for r in page] == [concerns["stale"]]


def test_an_outsider_gets_404(client, cast, concerns):
    assert signed_in(client, "outsider").get(url(cast.school_a)).status_code == 404


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(url(cast.school_a))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_it_pages_and_keeps_to_its_query_budget(client, cast, settings):
    settings.KNOTWORK_PAGE_SIZE = 5
    client = signed_in(client)
    for _ in range(3):
        make_concern(make_pupil(setting=cast.school_a), cast.school_a)
    with CaptureQueriesContext(connection) as few:
        client.get(url(cast.school_a))
    for _ in range(12):
        make_concern(make_pupil(setting=cast.school_a), cast.school_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(cast.school_a, "?page=2"))
    assert len(response.context["page"]) == 5
    assert response.context["page"].paginator.count == 15
    assert len(many) == len(few) <= 14


def test_the_csv_holds_the_list_and_audits_each_pupil(client, cast, concerns):
    response = signed_in(client).get(reverse("casework:worklist-csv", args=[cast.school_a.uuid]))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("UPN,Surname,Forename,Flagged on")
    assert len(lines) == 3
    assert lines[2].endswith(",14,yes")
    exported = AuditEntry.objects.filter(action="export", what="concern worklist CSV")
    assert {e.pupil_id for e in exported} == {cast.pupil_a.pk, cast.linked_pupil.pk}


def test_the_csv_signed_out_goes_to_sign_in(client, cast):
    response = client.get(reverse("casework:worklist-csv", args=[cast.school_a.uuid]))
    assert response.status_code == 302


def test_the_home_page_links_to_each_settings_worklist(client, cast):
    response = signed_in(client).get(reverse("core:home"))
    assert url(cast.school_a) in response.content.decode()


def test_staff_who_see_the_roll_get_the_count_and_the_page_from_the_database(
    client, cast, settings
):
    settings.KNOTWORK_PAGE_SIZE = 5
    client = signed_in(client)
    made = [make_concern(make_pupil(setting=cast.school_a), cast.school_a) for _ in range(12)]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(cast.school_a, "?page=3"))
    concern_reads = [
        q["sql"] for q in captured.captured_queries if 'FROM "casework_concern"' in q["sql"]
    ]
    assert len(concern_reads) == 2
    assert any("COUNT(" in sql for sql in concern_reads)
    assert any("LIMIT 5" in sql or "LIMIT 2" in sql for sql in concern_reads)
    shown = [row.concern for row in response.context["page"]]
    assert shown == sorted(made, key=lambda c: (c.fired_on, c.pk), reverse=True)[10:]
    assert all(row.editable for row in response.context["page"])

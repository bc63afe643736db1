"""The data protection lead reads a pupil's view log: every audit row, who and where they
work, filtered by date and action, and as CSV. Pupils are picked by a posted UPN."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.privacy.queries import ViewLogFilters, view_log_entries
from knotwork.privacy.tests.helpers import (
    LONDON,
    make_elsewhere,
    make_lead,
    now,  # noqa: F401
    signed_in,
)
from knotwork.pupils.models import Enrolment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

FIND = reverse("privacy:pupil-find")


def at(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


@pytest.fixture
def lead(cast):
    return make_lead(cast.partnership)


@pytest.fixture
def trail(cast):
    """Four rows on Amira's trail on three days, and one on Bea's."""
    rows = [
        (cast.officer, "view", at(datetime.date(2026, 11, 2), 9), "profile"),
        (cast.officer, "update", at(datetime.date(2026, 11, 2), 10), "details"),
        (cast.caseworker, "view", at(datetime.date(2026, 11, 10), 23), "attendance"),
        (cast.coordinator, "export", at(datetime.date(2026, 11, 20), 0), "concern worklist CSV"),
    ]
    made = []
    for actor, action, when, what in rows:
        entry = audit_record(actor=actor, action=action, pupil=cast.pupil_a, what=what)
        AuditEntry.objects.filter(pk=entry.pk).update(at=when)
        made.append(entry)
    audit_record(actor=cast.outsider, action="view", pupil=cast.pupil_b, what="profile")
    return made


def whats(entries):
    return [e.what for e in entries]


def test_the_log_holds_every_row_about_the_pupil_newest_first(cast, trail):
    assert whats(view_log_entries(cast.pupil_a, ViewLogFilters())) == [
        "concern worklist CSV",
        "attendance",
        "details",
        "profile",
    ]


def test_dates_filter_by_the_local_day_both_ends_included(cast, trail):
    # 23:00 on 10 November in London is still the 10th; midnight on the 20th is the 20th.
    only_10th = ViewLogFilters(since=datetime.date(2026, 11, 10), until=datetime.date(2026, 11, 10))
    assert whats(view_log_entries(cast.pupil_a, only_10th)) == ["attendance"]
    from_3rd = ViewLogFilters(since=datetime.date(2026, 11, 3))
    assert whats(view_log_entries(cast.pupil_a, from_3rd)) == ["concern worklist CSV", "attendance"]
    to_19th = ViewLogFilters(until=datetime.date(2026, 11, 19))
    assert whats(view_log_entries(cast.pupil_a, to_19th)) == ["attendance", "details", "profile"]


def test_action_filters(cast, trail):
    views = ViewLogFilters(action="view")
    assert whats(view_log_entries(cast.pupil_a, views)) == ["attendance", "profile"]


def test_the_page_shows_who_where_what_and_when(client, cast, lead, trail):
    url = reverse("privacy:view-log", args=[cast.pupil_a.uuid])
    response = signed_in(client, "dpo").get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Amira Ahmed" in text
    for expected in (
        "Cass",
        "Child and Adolescent Mental Health Service",
        "Olu",
        "Ashdown Academy",
    ):
        assert expected in text
    assert "10 Nov 2026 23:00:00" in text
    assert "Changed" in text and "concern worklist CSV" in text
    assert "Bea" not in text
    entry = AuditEntry.objects.filter(what="view log").get()
    assert (entry.actor, entry.pupil, entry.action) == (lead, cast.pupil_a, "view")


def test_the_page_filters_from_the_query(client, cast, lead, trail):
    url = reverse("privacy:view-log", args=[cast.pupil_a.uuid])
    response = signed_in(client, "dpo").get(url, {"action": "update"})
    assert whats(response.context["page"]) == ["details"]
    assert "action=update" in response.context["query"]


def test_an_end_before_the_start_is_an_error_and_shows_everything(client, cast, lead, trail):
    url = reverse("privacy:view-log", args=[cast.pupil_a.uuid])
    response = signed_in(client, "dpo").get(url, {"since": "2026-11-20", "until": "2026-11-01"})
    assert "The end date must be on or after the start date." in response.content.decode()
    assert len(response.context["page"]) == 4 + 0  # the rows before this read


def test_the_csv_holds_the_filtered_log_and_is_audited(client, cast, lead, trail):
    url = reverse("privacy:view-log-csv", args=[cast.pupil_a.uuid])
    response = signed_in(client, "dpo").get(url, {"since": "2026-11-02", "until": "2026-11-02"})
    assert response["Content-Type"] == "text/csv"
    assert cast.pupil_a.upn not in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["When", "Who", "Organisation", "Action", "Record", "What", "From"]
    assert [(r[1], r[2], r[3], r[5]) for r in rows[1:]] == [
        ("Olu", "Ashdown Academy", "Changed", "details"),
        ("Olu", "Ashdown Academy", "Viewed", "profile"),
    ]
    assert rows[1][0] == "2026-11-02T10:00:00+00:00"
    entry = AuditEntry.objects.get(what="view log CSV")
    assert (entry.action, entry.pupil) == ("export", cast.pupil_a)


def test_the_lead_finds_a_pupil_by_a_posted_upn(client, cast, lead):
    response = signed_in(client, "dpo").post(FIND, {"upn": cast.pupil_a.upn.lower()})
    assert response["Location"] == reverse("privacy:view-log", args=[cast.pupil_a.uuid])
    assert cast.pupil_a.upn not in response["Location"]


def test_a_pupil_who_left_the_partnership_is_still_found(client, cast, lead):
    Enrolment.objects.filter(pupil=cast.pupil_a).update(end_date=datetime.date(2025, 7, 20))
    response = signed_in(client, "dpo").post(FIND, {"upn": cast.pupil_a.upn})
    assert response.status_code == 302


def test_a_pupil_of_another_partnership_is_not_found(client, cast, lead):
    elsewhere = make_elsewhere()
    response = signed_in(client, "dpo").post(FIND, {"upn": elsewhere.pupil.upn})
    assert response.status_code == 200
    assert "No pupil of your partnership has this UPN." in response.content.decode()
    assert elsewhere.pupil.upn in response.content.decode()  # what was typed is kept


def test_the_lead_of_another_partnership_gets_404(client, cast, lead, trail):
    make_elsewhere()
    client = signed_in(client, "westfen_dpo")
    for name in ("privacy:view-log", "privacy:view-log-csv"):
        assert client.get(reverse(name, args=[cast.pupil_a.uuid])).status_code == 404
    assert not AuditEntry.objects.filter(what__startswith="view log").exists()


def test_someone_who_is_not_a_lead_cannot_read_the_log(client, cast, trail):
    client = signed_in(client, "coordinator")  # sees Amira, but is no lead
    assert client.get(FIND).status_code == 403
    assert client.get(reverse("privacy:view-log", args=[cast.pupil_a.uuid])).status_code == 404


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(reverse("privacy:view-log", args=[cast.pupil_a.uuid]))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_a_lead_whose_designation_ended_gets_404(client, cast, lead, trail):
    lead.data_protection_leads.update(ends_on=datetime.date(2026, 11, 23))
    url = reverse("privacy:view-log", args=[cast.pupil_a.uuid])
    assert signed_in(client, "dpo").get(url).status_code == 404


def test_the_pupils_profile_links_the_lead_to_the_view_log_and_no_one_else(client, cast):
    from knotwork.accounts.models import Role

    make_lead(cast.partnership, role=Role.LA_OFFICER, organisation=cast.la_service)
    link = reverse("privacy:view-log", args=[cast.pupil_a.uuid])
    profile = reverse("pupils:profile", args=[cast.pupil_a.uuid])
    assert link in signed_in(client, "dpo").get(profile).content.decode()
    assert link not in signed_in(client, "coordinator").get(profile).content.decode()

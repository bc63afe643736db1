"""The exclusions compliance page and its CSV: every open clock at the user's settings
(or the partnership's), overdue first, in groups; nobody sees another setting's pupils."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.behaviour.testing import make_exclusion
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/behaviour/exclusions/compliance/"
CSV_URL = "/behaviour/exclusions/compliance.csv"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def told(**extra):
    """Everyone told on the day, so only the clock under test is open."""
    return {
        "parents_told_on": D(2026, 11, 16),
        "parents_told_how": "phone",
        "la_told_on": D(2026, 11, 16),
        "governors_told_on": D(2026, 11, 16),
        **extra,
    }


@pytest.fixture
def clocks(cast):
    """At School A: a six-day suspension with the sixth day overdue (Mon 23 Nov) and a
    permanent exclusion whose board must meet by Monday 23 November... met, its window
    open. At School B: a suspension nobody was told of."""
    day_six = make_exclusion(
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        start_date=D(2026, 11, 16),
        sessions=14,
        **told(),
    )
    permanent = make_exclusion(
        pupil=cast.linked_pupil,
        recorded_by=cast.officer,
        kind="permanent",
        sessions=None,
        start_date=D(2026, 11, 2),
        **told(
            parents_told_on=D(2026, 11, 2),
            la_told_on=D(2026, 11, 2),
            governors_told_on=D(2026, 11, 2),
            provision_by="la",
            provision_where="Pupil referral unit",
            provision_from=D(2026, 11, 9),
            board_met_on=D(2026, 11, 16),
            board_outcome="upheld",
            board_decision_sent_on=D(2026, 11, 17),
        ),
    )
    elsewhere = make_exclusion(
        pupil=cast.pupil_b, recorded_by=cast.outsider, start_date=D(2026, 11, 23)
    )
    return day_six, permanent, elsewhere


def groups(response):
    return {g.slug: g for g in response.context["page"].groups}


def test_the_officer_sees_the_open_clocks_of_their_school_only(client, cast, clocks):
    response = signed_in(client).get(URL)
    assert response.status_code == 200
    found = groups(response)
    (provision,) = found["provision"].items
    assert (provision.pupil_name, provision.clock.status, provision.clock.due) == (
        "Amira Ahmed",
        "overdue",
        D(2026, 11, 23),
    )
    (window,) = found["review"].items
    assert (window.pupil_name, window.clock.due, window.clock.tag_text) == (
        "Liam Lewis",
        D(2026, 12, 8),
        "Window open",
    )
    assert not found["notices"].items and not found["board"].items and not found["cap"].items
    content = response.content.decode()
    assert "Bea Brown" not in content
    assert "Education from the sixth day not arranged (1)" in content and "1 overdue" in content
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor, entry.what, entry.object_id) == (
        cast.officer,
        "exclusion compliance",
        str(cast.school_a.uuid),
    )


def test_the_outsider_sees_their_own_school_and_not_school_a(client, cast, clocks):
    response = signed_in(client, "outsider").get(URL)
    items = response.context["page"].items
    assert {i.pupil_name for i in items} == {"Bea Brown"}
    assert {i.clock.kind for i in items} == {"tell_parents", "tell_la", "tell_governors"}
    # Suspended from Monday 23 November: they are due today.
    assert {(i.clock.status, i.clock.due) for i in items} == {("due_soon", D(2026, 11, 24))}


def test_the_coordinator_sees_the_partnership_and_may_choose_a_setting(client, cast, clocks):
    client = signed_in(client, "coordinator")
    everyone = client.get(URL)
    assert {i.pupil_name for i in everyone.context["page"].items} == {
        "Amira Ahmed",
        "Liam Lewis",
        "Bea Brown",
    }
    assert everyone.context["scope"].title == "All settings in the partnership"
    chosen = client.get(URL, {"setting": str(cast.school_b.uuid)})
    assert {i.pupil_name for i in chosen.context["page"].items} == {"Bea Brown"}
    assert chosen.context["scope"].title == "Beacon High School"
    assert client.get(URL, {"setting": "7c3e5a4e-0000-4000-8000-000000000000"}).status_code == 404


def test_overdue_items_come_first_in_a_group(client, cast):
    # School A's pupil told nobody about one from 23 November (overdue) and one from
    # today (due tomorrow); the overdue ones lead.
    make_exclusion(
        pupil=cast.pupil_a, recorded_by=cast.officer, start_date=D(2026, 11, 24), sessions=2
    )
    make_exclusion(
        pupil=cast.linked_pupil, recorded_by=cast.officer, start_date=D(2026, 11, 20), sessions=2
    )
    response = signed_in(client).get(URL)
    statuses = [i.clock.status for i in groups(response)["notices"].items]
    assert statuses == ["overdue"] * 3 + ["due_soon"] * 3


def test_a_pupil_near_the_cap_is_listed(client, cast):
    for start in (D(2026, 9, 7), D(2026, 9, 21), D(2026, 10, 5), D(2026, 11, 2)):
        make_exclusion(
            pupil=cast.pupil_a, recorded_by=cast.officer, start_date=start, sessions=18, **told()
        )
    (item,) = groups(signed_in(client).get(URL))["cap"].items
    assert (item.pupil_name, item.clock.tag_text, item.exclusion_uuid) == (
        "Amira Ahmed",
        "Approaching the limit",
        None,
    )
    assert "36 days of 45" in item.clock.line


def test_board_members_and_practitioners_get_403(client, cast, clocks):
    for username in ("board_member", "caseworker"):
        client = signed_in(client, username)
        assert client.get(URL).status_code == 403
        assert client.get(CSV_URL).status_code == 403
    assert not AuditEntry.objects.exists()


def test_signed_out_goes_to_sign_in_and_post_is_405(client, cast):
    for target in (URL, CSV_URL):
        response = client.get(target)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    client = signed_in(client)
    assert client.post(URL).status_code == 405 and client.post(CSV_URL).status_code == 405


def test_the_csv_lists_the_same_items_and_audits_each_pupil(client, cast, clocks):
    response = signed_in(client, "coordinator").get(CSV_URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="exclusion-compliance-2026-11-24.csv"'
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Group,Status,Due,Pupil,UPN,Setting,Exclusion,What,Who acts,What needs doing"
    assert len(lines) == 1 + 5
    assert lines[1].startswith(
        "Education from the sixth day not arranged,Overdue,2026-11-23,Amira Ahmed,"
    )
    exported = AuditEntry.objects.filter(action="export", what="exclusion compliance")
    assert {e.pupil for e in exported} == {cast.pupil_a, cast.linked_pupil, cast.pupil_b}


def test_the_page_reads_a_fixed_number_of_queries_however_many_pupils(client, cast):
    signed_in(client, "coordinator")

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert response.status_code == 200
        return len(captured.captured_queries), response.context["page"].total

    for i in range(3):
        pupil = make_pupil(setting=cast.school_a, legal_surname=f"Few{i}")
        make_exclusion(
            pupil=pupil, recorded_by=cast.officer, start_date=D(2026, 11, 16), sessions=14
        )
    few, few_items = count()
    for i in range(30):
        pupil = make_pupil(
            setting=cast.school_b if i % 2 else cast.school_a, legal_surname=f"Many{i}"
        )
        make_exclusion(pupil=pupil, recorded_by=cast.officer, start_date=D(2026, 11, 9), sessions=4)
        make_exclusion(
            pupil=pupil,
            kind="permanent",
            sessions=None,
            recorded_by=cast.officer,
            start_date=D(2026, 11, 23),
        )
    many, many_items = count()
    assert many_items > few_items
    assert many == few <= 18  # with the header's count of unread notices

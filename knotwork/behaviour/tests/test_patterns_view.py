"""The incident patterns page: figures for a setting or the partnership, repeat pairs naming
only pupils the viewer may see, withdrawals by pupil group, and each table as CSV."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from knotwork.behaviour.models import Withdrawal
from knotwork.behaviour.testing import make_incident
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil

pytestmark = pytest.mark.django_db

PAGE = reverse("behaviour:incident-patterns")


def export(table):
    return reverse("behaviour:incident-patterns-export", args=[table])


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour, minute))


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def school(cast):
    """Ten boys eligible for FSM and five girls who are not at School A beside the cast;
    Amira and Liam together in three incidents."""
    boys = [make_pupil(setting=cast.school_a, sex="M", fsm_eligible=True) for _ in range(10)]
    for _ in range(5):
        make_pupil(setting=cast.school_a)
    a, liam = cast.pupil_a, cast.linked_pupil
    make_incident(  # Monday lunch, corridor
        setting=cast.school_a,
        recorded_by=cast.officer,
        occurred_at=at(16, 13, 10),
        pupils={a: "instigator", liam: "target", boys[0]: "witness"},
    )
    make_incident(  # Monday lunch, corridor
        setting=cast.school_a,
        recorded_by=cast.officer,
        occurred_at=at(23, 12, 45),
        pupils={a: "instigator", liam: "target"},
    )
    make_incident(  # Tuesday break, playground
        setting=cast.school_a,
        recorded_by=cast.officer,
        occurred_at=at(17, 10, 50),
        place="playground",
        pupils={liam: "instigator", a: "target"},
    )
    for i, boy in enumerate(boys[:6]):  # Wednesday mornings, classroom
        make_incident(
            setting=cast.school_a,
            recorded_by=cast.officer,
            occurred_at=at(18, 9, i),
            place="classroom",
            pupils={boy: "instigator"},
        )
    make_incident(  # at School B: never in School A's figures
        setting=cast.school_b,
        recorded_by=cast.outsider,
        occurred_at=at(18, 9),
        pupils={cast.pupil_b: "instigator"},
    )
    for boy in boys[:5]:
        Withdrawal.objects.create(
            pupil=boy,
            setting=cast.school_a,
            kind="internal",
            date=datetime.date(2026, 11, 18),
            sessions=2,
            recorded_by=cast.officer,
        )
    return boys  # fmt: skip


def test_the_setting_sees_its_patterns(client, cast, school):
    response = signed_in(client).get(PAGE, {"start": "2026-11-01", "end": "2026-11-24"})
    assert response.status_code == 200
    figures = response.context["figures"]
    assert (figures.incidents, figures.pupils_involved, figures.withdrawals) == (9, 8, 5)
    assert figures.places == [("Classroom", 6), ("Corridor", 2), ("Playground", 1)]
    assert dict((label, n) for label, _, n in figures.bands) == {
        "Before school": 0,
        "Morning lessons": 6,
        "Break": 1,
        "Lunch": 2,
        "Afternoon lessons": 0,
        "After school": 0,
    }
    assert figures.weekdays == [
        ("Monday", 2),
        ("Tuesday", 1),
        ("Wednesday", 6),
        ("Thursday", 0),
        ("Friday", 0),
    ]
    monday = figures.heat_rows[0]
    assert (monday.weekday, monday.counts) == ("Monday", [0, 0, 0, 2, 0, 0])
    assert response.context["chart"].element_id == "incident-heatmap"
    html = response.content.decode()
    assert "Ahmed, Amira" in html and "Lewis, Liam" in html and "Brown" not in html
    view = AuditEntry.objects.filter(action="view", pupil__isnull=True).get()
    assert (view.object_id, view.what) == (str(cast.school_a.uuid), "incident patterns")
    named = AuditEntry.objects.filter(action="view", pupil__isnull=False)
    assert sorted(e.pupil_id for e in named) == sorted([cast.pupil_a.pk, cast.linked_pupil.pk])


def test_the_same_two_pupils_again(client, cast, school):
    figures = signed_in(client).get(PAGE).context["figures"]
    [pair] = figures.pairs
    assert {pair.first, pair.second} == {cast.pupil_a, cast.linked_pupil}
    assert pair.together == 3
    assert pair.latest_when == datetime.datetime(2026, 11, 23, 12, 45)


def test_pairs_name_only_pupils_the_viewer_may_see(client, cast, school):
    figures = signed_in(client, "head_of_year").get(PAGE).context["figures"]
    assert len(figures.pairs) == 1
    board = signed_in(client, "board_member").get(PAGE)
    assert board.status_code == 200
    assert board.context["figures"].pairs == []
    assert board.context["figures"].pairs_not_named == 1
    assert "Ahmed" not in board.content.decode() and "Lewis" not in board.content.decode()


def test_pupil_groups_have_rates_per_100_on_roll_and_small_numbers_hidden(client, cast, school):
    response = signed_in(client).get(PAGE)
    figures = response.context["figures"]
    tables = {t.slug: t for t in figures.incident_groups}
    # Instigators and involved: the six boys once each, Amira twice, Liam once.
    year = tables["year-group"]
    assert year.headings[:3] == ["Pupils on roll", "Incident parts", "Per 100 on roll"]
    assert year.rows[0] == ("Year 9", ["17", "9", "52.9", "8", "47.1"], False)
    fsm = tables["fsm"]
    # Three parts by two pupils not eligible: hidden, and so is the eligible figure beside it.
    assert fsm.rows[0] == ("Eligible", ["10", "x", "x", "x", "x"], False)
    assert fsm.rows[1] == ("Not eligible", ["7", "x", "x", "x", "x"], False)
    assert fsm.rows[2] == ("All pupils on roll", ["17", "9", "52.9", "8", "47.1"], True)
    withdrawals = {t.slug: t for t in figures.withdrawal_groups}["fsm"]
    assert withdrawals.headings[-3:] == [
        "Sessions",
        "Sessions per pupil withdrawn",
        "Minutes (shorter uses)",
    ]
    assert withdrawals.rows[0][1] == ["10", "5", "50.0", "5", "50.0", "10", "2.0", "0"]
    assert withdrawals.rows[1][1] == ["7", "0", "0.0", "0", "0.0", "0", "\N{EN DASH}", "0"]
    html = response.content.decode()
    assert "x: fewer than 5" in html


def test_targets_can_be_counted_instead(client, cast, school):
    figures = signed_in(client).get(PAGE, {"counted": "target"}).context["figures"]
    total = {t.slug: t for t in figures.incident_groups}["fsm"].rows[-1]
    assert total[1][:2] == ["17", "x"]  # three target parts: too few to show


def test_the_partnership_sees_every_setting_and_can_choose_one(client, cast, school):
    client = signed_in(client, "coordinator")
    everything = client.get(PAGE).context["figures"]
    assert everything.incidents == 10
    one = client.get(PAGE, {"setting": cast.school_b.pk}).context["figures"]
    assert one.incidents == 1 and one.pairs == []


def test_another_settings_staff_see_only_their_own(client, cast, school):
    response = signed_in(client, "outsider").get(PAGE)
    assert response.context["figures"].incidents == 1
    refused = signed_in(client, "outsider").get(PAGE, {"setting": cast.school_a.pk})
    assert "figures" not in refused.context
    assert "Select a valid choice" in refused.content.decode()


def test_invalid_dates_are_shown_as_a_problem(client, cast):
    response = signed_in(client).get(PAGE, {"start": "2026-11-20", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.content.decode()
    assert "figures" not in response.context


def test_each_table_downloads_as_csv_and_is_audited(client, cast, school):
    client = signed_in(client)
    heat = client.get(export("heatmap"), {"start": "2026-11-01"})
    assert heat.status_code == 200 and heat["Content-Type"].startswith("text/csv")
    lines = heat.content.decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "Weekday,Before school,Morning lessons,Break,Lunch,Afternoon lessons,After school"
    )
    assert lines[1] == "Monday,0,0,0,2,0,0"
    groups = client.get(export("withdrawals-fsm")).content.decode("utf-8-sig").splitlines()
    assert groups[1] == "Eligible,10,5,50.0,5,50.0,10,2.0,0"
    pairs = client.get(export("pairs")).content.decode("utf-8-sig").splitlines()
    assert len(pairs) == 2 and "Ahmed, Amira" in pairs[1] and ",3," in pairs[1]
    exports = AuditEntry.objects.filter(action="export")
    assert exports.filter(pupil=cast.pupil_a, what="incident patterns, pairs CSV").exists()
    assert client.get(export("nonsense")).status_code == 404


def test_an_agency_practitioner_gets_403(client, cast):
    assert signed_in(client, "caseworker").get(PAGE).status_code == 403
    assert signed_in(client, "caseworker").get(export("places")).status_code == 403


def test_the_page_is_read_with_get(client, cast):
    assert signed_in(client).post(PAGE).status_code == 405
    assert signed_in(client).post(export("places")).status_code == 405


def test_signed_out_goes_to_sign_in(client, cast):
    for address in (PAGE, export("places")):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))

"""The managed-move pages: recording the move the panel agreed, the list, one move with
its reviews and outcome, and the monitor with its CSV."""

import datetime

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil
from knotwork.placements.move_models import ManagedMove, ManagedMoveReview
from knotwork.placements.tests.panel_helpers import NOW, build_panel_world, enrol, make_move
from knotwork.pupils.models import Enrolment

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The monitor keeps the roll by pupil group a while; each test counts its own."""
    caches["figures"].clear()
    yield
    caches["figures"].clear()


def signed_in(client, username="coordinator"):
    client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def agreed(cast):
    world = build_panel_world(cast, held_on=D(2026, 11, 19))
    world.item.decision = "agreed"
    world.item.decided_at = timezone.now()
    world.item.save()
    return world.item


def new_url(item):
    return reverse("placements:move-new", args=[item.uuid])


def typed(cast, **overrides):
    values = {
        "to_setting": str(cast.school_b.pk),
        "reason": "A fresh start.",
        "support": "A mentor and a weekly check-in.",
        "parent_agreed_on": "2026-11-20",
        "pupil_agreed_on": "2026-11-20",
        "starts_on": "2026-11-30",
        "trial_ends_on": "",
    }
    values.update(overrides)
    return values


def test_the_form_starts_from_the_panels_decision(client, cast, agreed):
    response = signed_in(client).get(new_url(agreed))
    assert response.status_code == 200
    assert response.context["from_setting"] == cast.school_a
    assert response.context["form"].initial["reason"] == agreed.summary


def test_recording_the_move_starts_the_trial(client, cast, agreed):
    response = signed_in(client).post(new_url(agreed), typed(cast))
    move = ManagedMove.objects.get()
    assert response["Location"] == reverse("placements:move-detail", args=[move.uuid])
    assert (move.agenda_item, move.trial_ends_on) == (agreed, D(2027, 1, 11))
    assert Enrolment.objects.get(pupil=cast.pupil_a, setting=cast.school_b).registration == "S"
    assert AuditEntry.objects.filter(object_id=str(move.uuid), action="create").exists()


def test_a_short_trial_reshows_the_form_and_saves_nothing(client, cast, agreed):
    response = signed_in(client).post(new_url(agreed), typed(cast, trial_ends_on="2026-12-14"))
    assert response.status_code == 200
    assert response.context["form"].errors["trial_ends_on"]
    assert "A mentor and a weekly check-in." in response.content.decode()
    assert not ManagedMove.objects.exists()


def test_signed_out_goes_to_sign_in(client, agreed):
    response = client.get(new_url(agreed))
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def test_an_outsider_gets_404(client, cast, agreed):
    assert signed_in(client, "outsider").post(new_url(agreed), typed(cast)).status_code == 404


def test_a_read_only_member_gets_403(client, cast, agreed):
    response = signed_in(client, "head_of_year").post(new_url(agreed), typed(cast))
    assert response.status_code == 403 and not ManagedMove.objects.exists()


# --- One move -----------------------------------------------------------------------------------


@pytest.fixture
def move(cast):
    enrol(cast.pupil_a, cast.school_b, D(2026, 9, 14), registration="S")
    cast.pupil_a.enrolments.filter(setting=cast.school_a).update(registration="M")
    return make_move(cast)


def detail_url(move):
    return reverse("placements:move-detail", args=[move.uuid])


def test_the_move_page_shows_the_year_before_and_after_and_is_audited(client, cast, move):
    response = signed_in(client, "outsider").get(detail_url(move))  # School B, receiving
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.before == (D(2025, 9, 14), D(2026, 9, 13))
    assert figures.after == (D(2026, 9, 14), NOW.date())
    assert AuditEntry.objects.filter(pupil=cast.pupil_a, what="managed move").exists()


def test_a_user_who_cannot_see_the_pupil_gets_404(client, move):
    assert signed_in(client, "caseworker").get(detail_url(move)).status_code == 404
    assert signed_in(client, "board_member").get(detail_url(move)).status_code == 404


def test_recording_a_review_and_the_outcome(client, cast, move):
    review = reverse("placements:move-review", args=[move.uuid])
    outcome = reverse("placements:move-outcome", args=[move.uuid])
    assert signed_in(client).get(review).status_code == 405
    response = signed_in(client).post(
        review, {"held_on": "2026-10-05", "progress": "going_well", "notes": "Settled."}
    )
    assert response.status_code == 302 and ManagedMoveReview.objects.get().notes == "Settled."
    response = signed_in(client).post(outcome, {"status": "permanent", "on": "2026-10-01"})
    assert response.status_code == 200 and response.context["outcome_form"].errors
    response = signed_in(client).post(outcome, {"status": "permanent", "on": "2026-10-26"})
    move.refresh_from_db()
    assert (move.status, move.finalised_on) == ("permanent", D(2026, 10, 26))


def test_a_read_only_user_gets_403_on_the_outcome(client, move):
    outcome = reverse("placements:move-outcome", args=[move.uuid])
    response = signed_in(client, "head_of_year").post(
        outcome, {"status": "returned", "on": "2026-10-01"}
    )
    assert response.status_code == 403


def test_the_list_shows_moves_from_or_to_the_users_schools(client, cast, move):
    url = reverse("placements:move-list")
    assert list(signed_in(client, "officer").get(url).context["page"]) == [move]
    assert list(signed_in(client, "outsider").get(url).context["page"]) == [move]
    assert not list(signed_in(client, "caseworker").get(url).context["page"])
    assert AuditEntry.objects.filter(what="managed moves list").count() == 2


# --- The monitor --------------------------------------------------------------------------------


def permanent(cast, pupil, days_ago, left_after=None, **characteristics):
    finalised = NOW.date() - datetime.timedelta(days=days_ago)
    start = finalised - datetime.timedelta(weeks=6)
    for name, value in characteristics.items():
        setattr(pupil, name, value)
    pupil.save()
    end = None if left_after is None else finalised + datetime.timedelta(days=left_after)
    enrol(pupil, cast.school_b, finalised, end)
    return make_move(
        cast,
        pupil,
        starts_on=start,
        trial_ends_on=finalised,
        status="permanent",
        ended_on=finalised,
        finalised_on=finalised,
        parent_agreed_on=start,
    )


def test_the_monitor_counts_success_from_the_enrolments(client, cast):
    pupils = [make_pupil(setting=cast.school_a, enrolled_on=D(2020, 9, 1)) for _ in range(4)]
    permanent(cast, pupils[0], 364)  # not yet judged
    permanent(cast, pupils[1], 366)  # judged: still on roll, a success
    permanent(cast, pupils[2], 500, left_after=200)  # judged: left, not a success
    make_move(cast, pupils[3], status="returned", ended_on=D(2026, 10, 1))  # not a success
    response = signed_in(client).get(reverse("placements:move-monitor"))
    assert response.status_code == 200
    m = response.context["m"]
    assert (m.moves, m.judged, m.successful, m.waiting) == (4, 3, 1, 1)
    assert str(m.per_cent) == "33.3" and m.band == "Below the developing band"
    school_b = next(r for r in m.settings if r.setting == cast.school_b)
    school_a = next(r for r in m.settings if r.setting == cast.school_a)
    assert (school_a.sent, school_b.received, school_b.judged, school_b.successful) == (4, 4, 3, 1)
    assert response.context["chart"] is not None


def test_the_monitor_flags_a_group_moved_out_of_proportion(client, cast):
    for _ in range(20):
        make_pupil(setting=cast.school_a)
    looked_after = [
        make_pupil(setting=cast.school_a, looked_after=True, enrolled_on=D(2020, 9, 1))
        for _ in range(6)
    ]
    for pupil in looked_after[:5]:
        make_move(cast, pupil)
    m = signed_in(client).get(reverse("placements:move-monitor")).context["m"]
    table = next(t for t in m.groups if t.slug == "looked-after")
    assert table.flagged == ["Looked after"]
    shown = {row.label: row.cells for row in table.rows}
    assert shown["Looked after"]["uses"] == "5"
    gender = next(t for t in m.groups if t.slug == "gender")
    assert {row.label: row.cells["uses"] for row in gender.rows}["Female"] == "5"


def test_small_numbers_are_suppressed(client, cast):
    pupil = make_pupil(setting=cast.school_a, sen_provision="E")
    make_move(cast, pupil)
    m = signed_in(client).get(reverse("placements:move-monitor")).context["m"]
    sen = next(t for t in m.groups if t.slug == "sen")
    assert {row.label: row.cells["uses"] for row in sen.rows}[
        "Education, health and care plan"
    ] == "x"
    assert not sen.flagged


def test_the_monitor_keeps_to_a_query_budget(client, cast):
    for _ in range(3):
        make_move(cast, make_pupil(setting=cast.school_a))
    signed_in(client)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("placements:move-monitor"))
    for _ in range(12):
        make_move(cast, make_pupil(setting=cast.school_a))
    caches["figures"].clear()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("placements:move-monitor"))
    assert len(many) == len(few) and len(many) <= 15
    with CaptureQueriesContext(connection) as kept:
        client.get(reverse("placements:move-monitor"))
    assert len(kept) == len(few) - 1  # the roll by group is kept a while


def test_the_roll_by_group_is_counted_again_the_next_day(client, cast):
    make_move(cast)
    for _ in range(6):
        make_pupil(setting=cast.school_a)
    signed_in(client)
    first = client.get(reverse("placements:move-monitor")).context["m"]
    make_pupil(setting=cast.school_a)
    same_day = client.get(reverse("placements:move-monitor")).context["m"]
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        next_day = signed_in(client).get(reverse("placements:move-monitor")).context["m"]
    total = [r.cells["on_roll"] for r in first.groups[0].rows if r.total]
    assert total == [r.cells["on_roll"] for r in same_day.groups[0].rows if r.total]
    assert [r.cells["on_roll"] for r in next_day.groups[0].rows if r.total] != total


def test_the_csv_holds_figures_and_no_pupil(client, cast):
    make_move(cast)
    response = signed_in(client).get(reverse("placements:move-monitor-export"))
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0].startswith("Setting,Moves sent")
    assert "Ashdown Academy,1,0" in body and "Amira" not in body


def test_the_monitor_is_for_people_in_the_partnership(client, cast):
    assert (
        signed_in(client, "board_member").get(reverse("placements:move-monitor")).status_code == 200
    )
    client.logout()
    response = client.get(reverse("placements:move-monitor"))
    assert response.status_code == 302


def test_the_move_list_pages_and_keeps_to_a_query_budget(client, cast, settings):
    settings.KNOTWORK_PAGE_SIZE = 5
    url = reverse("placements:move-list")
    make_move(cast, make_pupil(setting=cast.school_a))
    signed_in(client)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(11):
        make_move(cast, make_pupil(setting=cast.school_a))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["page"].paginator.num_pages == 3
    assert len(many) == len(few) and len(many) <= 15


def test_the_year_after_compares_suspensions_and_attendance_for_moves_a_year_old(client, cast):
    from knotwork.behaviour.testing import make_exclusion

    pupils = [make_pupil(setting=cast.school_a, enrolled_on=D(2023, 9, 1)) for _ in range(5)]
    for pupil in pupils:
        make_move(cast, pupil, starts_on=D(2025, 9, 15), trial_ends_on=D(2025, 10, 27))
    make_move(cast, make_pupil(setting=cast.school_a))  # started this term: not yet tracked
    for day in (D(2025, 3, 3), D(2025, 6, 2)):  # the year before
        make_exclusion(pupil=pupils[0], recorded_by=cast.officer, start_date=day)
    make_exclusion(pupil=pupils[1], recorded_by=cast.officer, start_date=D(2026, 1, 12))
    response = signed_in(client).get(reverse("placements:move-year-after"))
    y = response.context["y"]
    assert (y.tracked, y.suspensions_before, y.suspensions_after, y.fewer_suspensions) == (
        5,
        2,
        1,
        1,
    )
    assert y.suspensions_change == -1 and y.shown
    assert "Sam" not in response.content.decode()

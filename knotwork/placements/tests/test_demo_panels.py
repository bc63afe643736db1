"""The demo's panel and managed moves, built on a small demo partnership."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from knotwork.accounts.models import User
from knotwork.directory.demo import PARTNERSHIP_NAME, demo_build
from knotwork.directory.models import Partnership
from knotwork.placements.demo_panels import panels_demo
from knotwork.placements.move_models import ManagedMove
from knotwork.placements.move_queries import monitor
from knotwork.placements.panel_models import MeetingAttendance, PanelMeeting
from knotwork.placements.panel_rules import too_often_absent
from knotwork.pupils.models import Enrolment
from knotwork.pupils.rules import Span, enrolment_conflict

TODAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        demo_build(pupils=2500, seed=1, today=TODAY, casework=False)
        partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
        coordinator = User.objects.get(username="coordinator")
        summary = panels_demo(partnership=partnership, today=TODAY, actor=coordinator, seed=1)
        yield summary, partnership
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
def test_a_year_of_monthly_meetings_with_some_absences(built):
    summary, _ = built
    assert summary.meetings == PanelMeeting.objects.count() >= 11
    assert summary.held == PanelMeeting.objects.filter(status="held").count() >= 10
    assert PanelMeeting.objects.filter(status="planned").exists()
    assert summary.missed == MeetingAttendance.objects.exclude(status="attended").count() > 0
    missed: dict[int, int] = {}
    for member_id in MeetingAttendance.objects.exclude(status="attended").values_list(
        "member_id", flat=True
    ):
        missed[member_id] = missed.get(member_id, 0) + 1
    assert any(too_often_absent(n) for n in missed.values())
    assert summary.items > summary.meetings and summary.decided > 0 and summary.actions > 0


@pytest.mark.django_db
def test_fifteen_to_twenty_five_moves_with_mixed_outcomes(built):
    summary, partnership = built
    assert 15 <= summary.moves == ManagedMove.objects.count() <= 25
    assert summary.in_trial and summary.returned and summary.broke_down
    assert summary.judged_permanent and summary.permanent > summary.judged_permanent
    figures = monitor(partnership, TODAY)
    assert figures.judged > figures.successful > 0  # some successes and some not
    assert figures.waiting > 0
    assert ManagedMove.objects.filter(agenda_item__isnull=False).exists()


@pytest.mark.django_db
def test_the_demos_enrolments_still_keep_the_rules(built):
    pupils = ManagedMove.objects.values_list("pupil_id", flat=True)
    by_pupil: dict[int, list[Span]] = {}
    for e in Enrolment.objects.filter(pupil_id__in=pupils).order_by("pk"):
        span = Span(e.start_date, e.end_date, e.registration, e.setting_id)
        assert enrolment_conflict(span, by_pupil.get(e.pupil_id, [])) is None
        by_pupil.setdefault(e.pupil_id, []).append(span)


@pytest.mark.django_db
def test_the_pages_open_on_the_demo(built, client):
    client.force_login(User.objects.get(username="coordinator"))
    meeting = PanelMeeting.objects.filter(status="held").order_by("-held_on").first()
    assert client.get(reverse("placements:panel-meeting", args=[meeting.uuid])).status_code == 200
    assert client.get(reverse("placements:move-monitor")).status_code == 200
    year_after = client.get(reverse("placements:move-year-after"))
    assert year_after.status_code == 200 and year_after.context["y"].tracked > 0
    move = ManagedMove.objects.filter(status="trial").first()
    assert client.get(reverse("placements:move-detail", args=[move.uuid])).status_code == 200

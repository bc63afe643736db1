"""The demo partnership's behaviour records hang together: with the calendar, with the
registers, with each other; the same seed and day give the same records; and this year a
few clocks are overdue on purpose."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from knotwork.attendance.models import Register
from knotwork.attendance.queries import SessionMaps, start_year_of
from knotwork.behaviour import rules
from knotwork.behaviour.exclusion_queries import calendars_for, facts_of
from knotwork.behaviour.models import Exclusion, Incident, IncidentPupil, Withdrawal
from knotwork.core.models import AuditEntry
from knotwork.directory.demo import demo_build
from knotwork.pupils.models import Enrolment
from knotwork.termdates.rules import SessionMap

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)  # a Tuesday in the autumn term
THIS_YEAR = (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))
PUPILS = 600
AFTER_LUNCH = datetime.time(13, 20)  # incidents from then are in the afternoon session
EVENING = datetime.time(17, 0)  # online abuse, out of school
PRESENT, EXCLUDED = {"/", "\\", "L"}, {"E", "B", "K"}


@pytest.fixture
def demo() -> None:
    demo_build(pupils=PUPILS, seed=1, today=TODAY, casework=False)


def code_of(marks: bytes, session: int) -> str:
    from knotwork.attendance.codes import BY_ID

    return BY_ID[marks[session]].code if session < len(marks) and marks[session] else ""


def covered(exclusion: Exclusion, sessions: SessionMap) -> list[int]:
    """The register sessions an exclusion takes: its length in open sessions from its start
    (the first two of a cancelled one), or to the year's end for a permanent exclusion."""
    start = sessions.index_of(exclusion.start_date, exclusion.start_half)  # type: ignore[arg-type]
    following = [i for i in range(start, len(sessions)) if i not in sessions.closed]
    if exclusion.kind == "permanent":
        return following
    return following[: 2 if exclusion.cancelled_on else exclusion.sessions]


def school_days_after(sessions: SessionMap, day: datetime.date, n: int) -> datetime.date:
    days = [
        d for d in sessions.days if d > day and sessions.index_of(d, "AM") not in sessions.closed
    ]
    return days[n - 1]


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Everything but UUIDs and database ids, in an order that does not depend on them."""
    pupils: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for incident, upn, role in IncidentPupil.objects.values_list(
        "incident_id", "pupil__upn", "role"
    ):
        pupils[incident].append((upn, role))
    incidents = sorted(
        (setting, when, place, kind, severity, bullying, racist, text, action, follow_up,
         tuple(sorted(pupils[pk])))
        for pk, setting, when, place, kind, severity, bullying, racist, text, action, follow_up
        in Incident.objects.values_list(
            "pk", "setting__name", "occurred_at", "place", "kind", "severity", "bullying",
            "racist", "description", "action_taken", "follow_up_on",
        )
    )  # fmt: skip
    exclusions = sorted(
        Exclusion.objects.values_list(
            "pupil__upn", "enrolment__setting__name", "kind", "start_date", "start_half",
            "sessions", "reason_1", "reason_2", "reason_3", "decided_by", "parents_told_on",
            "la_told_on", "provision_from", "board_met_on", "review_outcome", "cancelled_on",
            "incident__occurred_at",
        )
    )  # fmt: skip
    withdrawals = sorted(
        Withdrawal.objects.values_list(
            "pupil__upn", "date", "kind", "sessions", "minutes", "incident__occurred_at"
        )
    )
    registers = sorted(
        (upn, setting, year, bytes(marks))
        for upn, setting, year, marks in Register.objects.values_list(
            "enrolment__pupil__upn", "enrolment__setting__name", "academic_year__start_year",
            "marks",
        )
    )  # fmt: skip
    return {
        "incidents": incidents,
        "exclusions": exclusions,
        "withdrawals": withdrawals,
        "registers": registers,
    }


def build_and_roll_back(
    seed: int, today: datetime.date = TODAY
) -> dict[str, list[tuple[object, ...]]]:
    with transaction.atomic():
        demo_build(pupils=PUPILS, seed=seed, today=today)
        found = snapshot()
        transaction.set_rollback(True)
    return found


def test_the_same_seed_and_day_give_the_same_records():
    first = build_and_roll_back(seed=3)
    assert first == build_and_roll_back(seed=3)
    assert len(first["incidents"]) > PUPILS and len(first["exclusions"]) > 20
    assert first["withdrawals"]
    other = build_and_roll_back(seed=4)
    assert other["incidents"] != first["incidents"]
    assert other["exclusions"] != first["exclusions"]


def test_records_stop_at_yesterday_and_the_loader_writes_no_audit_rows(demo):
    latest = max(
        timezone.localtime(t).date() for t in Incident.objects.values_list("occurred_at", flat=True)
    )
    assert latest == TODAY - datetime.timedelta(days=1)
    assert not Exclusion.objects.filter(parents_told_on__gte=TODAY).exists()
    assert not Exclusion.objects.filter(start_date__gt=TODAY).exists()
    assert not AuditEntry.objects.exists()


def test_every_incident_has_a_pupil_once_and_the_setting_is_theirs(demo):
    assert not Incident.objects.annotate(n=Count("pupils")).filter(n=0).exists()
    assert (
        Incident.objects.filter(pupils__role__in=["instigator", "involved"]).distinct().count()
        == Incident.objects.count()
    )
    for role in IncidentPupil.objects.select_related("incident").order_by("pk")[:2000]:
        day = timezone.localtime(role.incident.occurred_at).date()
        assert (
            Enrolment.objects.filter(
                pupil_id=role.pupil_id, setting_id=role.incident.setting_id, start_date__lte=day
            )
            .exclude(end_date__lt=day)
            .exists()
        )


def test_every_exclusion_starts_on_a_school_day_at_its_setting(demo):
    maps = SessionMaps()
    exclusions = Exclusion.objects.select_related("enrolment__setting", "incident")
    for exclusion in exclusions:
        setting = exclusion.enrolment.setting
        year = maps.for_setting(setting, start_year_of(exclusion.start_date))
        assert year is not None
        assert year.sessions.is_school_day(exclusion.start_date)
        start = year.sessions.index_of(exclusion.start_date, exclusion.start_half)
        assert start not in year.sessions.closed
        assert exclusion.enrolment.pupil_id == exclusion.pupil_id
        assert exclusion.incident is not None and exclusion.incident.setting_id == setting.pk
        assert timezone.localtime(exclusion.incident.occurred_at).date() <= exclusion.start_date
        assert exclusion.parents_told_on <= exclusion.start_date
        assert 1 <= len(exclusion.reasons) <= 3
        if exclusion.kind == "suspension":
            assert 1 <= exclusion.sessions <= 30


def assert_registers_agree_with_exclusions() -> int:
    """Each exclusion's marked sessions are E (B or K once provision is arranged), and no
    register says E, B or K anywhere else; how many such marks there are."""
    maps = SessionMaps()
    expected: dict[tuple[int, int], set[int]] = defaultdict(set)
    registers = {
        (enrolment, year): bytes(marks)
        for enrolment, year, marks in Register.objects.values_list(
            "enrolment_id", "academic_year__start_year", "marks"
        )
    }
    for exclusion in Exclusion.objects.select_related("enrolment__setting"):
        start_year = start_year_of(exclusion.start_date)
        year = maps.for_setting(exclusion.enrolment.setting, start_year)
        assert year is not None
        marks = registers.get((exclusion.enrolment_id, start_year), b"")
        for session in covered(exclusion, year.sessions):
            code = code_of(marks, session)
            if not code:
                continue  # not marked yet, or off roll
            provided = exclusion.provision_from is not None and (
                year.sessions.session_at(session).date >= exclusion.provision_from
            )
            arranged = "K" if exclusion.kind == "permanent" else "B"  # by the LA, the school
            assert code == (arranged if provided else "E")
            expected[(exclusion.enrolment_id, start_year)].add(session)
    marked = 0
    for key, marks in registers.items():
        excluded = {i for i in range(len(marks)) if code_of(marks, i) in EXCLUDED}
        assert excluded <= expected[key]
        marked += len(excluded)
    return marked


def test_registers_mark_exclusions_and_nothing_else_as_excluded(demo):
    assert assert_registers_agree_with_exclusions() > 100


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 9, 8), datetime.date(2026, 8, 10), datetime.date(2026, 11, 22)],
    ids=["second week of term", "summer holiday", "a sunday"],
)
def test_a_demo_built_on_any_day_holds_together(today):
    demo_build(pupils=300, seed=2, today=today)
    latest = max(
        timezone.localtime(t).date() for t in Incident.objects.values_list("occurred_at", flat=True)
    )
    assert latest < today
    assert not Exclusion.objects.filter(parents_told_on__gte=today).exists()
    maps = SessionMaps()
    for exclusion in Exclusion.objects.select_related("enrolment__setting"):
        year = maps.for_setting(exclusion.enrolment.setting, start_year_of(exclusion.start_date))
        assert year is not None and year.sessions.is_school_day(exclusion.start_date)
    assert assert_registers_agree_with_exclusions() > 0


def test_pupils_are_in_incidents_only_in_sessions_they_were_in(demo):
    maps = SessionMaps()
    registers = {
        (enrolment, year): bytes(marks)
        for enrolment, year, marks in Register.objects.values_list(
            "enrolment_id", "academic_year__start_year", "marks"
        )
    }
    enrolments: dict[tuple[int, int], list[Enrolment]] = defaultdict(list)
    for enrolment in Enrolment.objects.all():
        enrolments[(enrolment.pupil_id, enrolment.setting_id)].append(enrolment)
    checked = 0
    for role in IncidentPupil.objects.select_related("incident__setting"):
        when = timezone.localtime(role.incident.occurred_at)
        if when.time() >= EVENING:
            continue
        year = maps.for_setting(role.incident.setting, start_year_of(when.date()))
        assert year is not None
        session = year.sessions.index_of(when.date(), "PM" if when.time() >= AFTER_LUNCH else "AM")
        enrolment = next(
            e
            for e in enrolments[(role.pupil_id, role.incident.setting_id)]
            if e.start_date <= when.date() and (e.end_date is None or when.date() <= e.end_date)
        )
        code = code_of(registers[(enrolment.pk, year.year.start_year)], session)
        assert code in PRESENT, (role.role, role.incident.kind, code)
        checked += 1
    assert checked > PUPILS


def test_this_year_some_clocks_are_overdue_on_purpose(demo):
    maps = SessionMaps()
    this_year = Exclusion.objects.filter(start_date__range=THIS_YEAR).select_related(
        "enrolment__setting"
    )
    no_provision, la_not_told, board_late = [], [], []
    for exclusion in this_year:
        year = maps.for_setting(exclusion.enrolment.setting, 2026)
        assert year is not None
        sessions = year.sessions
        taken = covered(exclusion, sessions)
        if (
            exclusion.kind == "suspension"
            and exclusion.sessions > 10
            and not exclusion.cancelled_on
        ):
            day_six = sessions.session_at(taken[10]).date
            last = sessions.session_at(taken[-1]).date
            if exclusion.provision_from is None:
                assert day_six < TODAY <= last  # due, and the suspension still running
                no_provision.append(exclusion)
        if exclusion.la_told_on is None:
            assert school_days_after(sessions, exclusion.parents_told_on, 1) < TODAY
            la_not_told.append(exclusion)
        if exclusion.kind == "permanent" and exclusion.board_met_on is None:
            notice = exclusion.governors_told_on or exclusion.parents_told_on
            if school_days_after(sessions, notice, 15) < TODAY:
                board_late.append(exclusion)
    assert 1 <= len(no_provision) <= 2
    assert len(la_not_told) == 1
    assert len(board_late) == 1
    assert board_late[0].enrolment.end_date is None  # still on roll while the board is due


def test_last_years_records_are_all_in_order(demo):
    last_year = Exclusion.objects.filter(start_date__lt=THIS_YEAR[0])
    assert last_year.exists()
    assert not last_year.filter(la_told_on__isnull=True).exists()
    assert not last_year.filter(parents_told_on__isnull=True).exists()
    assert not last_year.filter(
        kind="suspension", sessions__gt=10, cancelled_on__isnull=True, provision_from__isnull=True
    ).exists()
    assert not last_year.filter(kind="permanent", board_met_on__isnull=True).exists()


def test_permanently_excluded_pupils_leave_the_roll_when_the_review_route_ends(demo):
    """The school's enrolment ends on the day ``rules.off_roll_day`` gives (the review
    panel's decision, the board's reconsideration, or the window's last day); while the
    route is open the pupil stays on roll. Nothing is marked after the last day, and the
    pupil's next enrolment (at the unit) starts after it."""
    exclusions = list(
        Exclusion.objects.filter(kind="permanent", cancelled_on__isnull=True).select_related(
            "enrolment__setting"
        )
    )
    calendars = calendars_for(
        {x.enrolment.setting.calendar_id for x in exclusions},
        [x.start_date for x in exclusions],
        TODAY,
    )
    maps = SessionMaps()
    ended, on_roll = [], []
    for x in exclusions:
        days = calendars[x.enrolment.setting.calendar_id]
        off = rules.off_roll_day(days, facts_of(x), TODAY)
        assert x.enrolment.end_date == off
        if off is None:
            on_roll.append(x)
            continue
        ended.append(x)
        assert x.board_outcome == "upheld" and x.board_decision_sent_on < off
        year = maps.for_setting(x.enrolment.setting, start_year_of(off))
        assert year is not None
        marks = bytes(
            Register.objects.get(
                enrolment=x.enrolment, academic_year__start_year=start_year_of(off)
            ).marks
        )
        after = year.sessions.index_of(off, "PM") + 1
        assert not any(marks[after:])
        assert code_of(marks, year.sessions.index_of(off, "AM")) in EXCLUDED
        later = Enrolment.objects.filter(pupil=x.pupil, start_date__gt=x.start_date).exclude(
            pk=x.enrolment_id
        )
        assert later.exists() and not later.filter(start_date__lte=off).exists()
    assert ended and on_roll


def test_one_pupil_is_near_the_45_day_cap_this_year(demo):
    days: dict[int, float] = defaultdict(float)
    for pupil, sessions in Exclusion.objects.filter(
        kind="suspension", start_date__range=THIS_YEAR, cancelled_on__isnull=True
    ).values_list("pupil", "sessions"):
        days[pupil] += sessions / 2
    near = [pupil for pupil, total in days.items() if total >= 35]
    assert len(near) == 1
    assert 35 <= days[near[0]] <= 45
    long = Exclusion.objects.filter(pupil=near[0], start_date__range=THIS_YEAR, sessions__gt=10)
    assert long.exists() and not long.filter(provision_from__isnull=True).exists()


def test_an_incident_recorded_after_the_demo_takes_the_next_number(demo):
    from knotwork.accounts.models import User
    from knotwork.behaviour.testing import make_incident

    enrolment = Enrolment.objects.filter(end_date__isnull=True).select_related("pupil").first()
    assert enrolment is not None
    most = Incident.objects.order_by("-pk").values_list("pk", flat=True).first()
    incident = make_incident(
        setting=enrolment.setting,
        recorded_by=User.objects.get(username="leader"),
        pupils={enrolment.pupil: "instigator"},
    )
    assert most is not None and incident.pk > most

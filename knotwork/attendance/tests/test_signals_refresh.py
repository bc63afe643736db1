import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knotwork.attendance.models import Signal
from knotwork.attendance.signal_services import enrolment_signals, signals_refresh
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.testing import add_academic_year, make_pupil

pytestmark = pytest.mark.django_db
D = datetime.date
WEEK_9 = D(2026, 11, 2)  # Monday after half term


def penalty_marks() -> dict:
    """england.md's worked example: 6 G in week 1, then 1 O in weeks 3, 5, 7 and 9."""
    marks = {}
    for day in (D(2026, 9, 2), D(2026, 9, 3), D(2026, 9, 4)):
        marks.update(whole_day(day, "G"))
    for monday in (D(2026, 9, 14), D(2026, 9, 28), D(2026, 10, 12), WEEK_9):
        marks[(monday, "AM")] = "O"
    return marks


def enrolment_of(pupil):
    return pupil.enrolments.select_related("setting", "pupil").get()


def kinds(pupil) -> set[str]:
    return set(
        Signal.objects.filter(enrolment__pupil=pupil, cleared_on__isnull=True).values_list(
            "kind", flat=True
        )
    )


def test_it_raises_continues_and_clears_signals(cast):
    fill_register(enrolment_of(cast.pupil_a), 2026, through=WEEK_9, marks=penalty_marks())
    fill_register(enrolment_of(cast.linked_pupil), 2026, through=WEEK_9)

    first = signals_refresh(on=WEEK_9)
    assert first.enrolments == 3
    assert first.by_kind["penalty_threshold"].raised == 1
    signal = Signal.objects.get(kind="penalty_threshold")
    assert signal.enrolment.pupil == cast.pupil_a
    assert (signal.first_seen, signal.last_seen, signal.cleared_on) == (WEEK_9, WEEK_9, None)
    assert signal.evidence["sessions"] == 10
    assert signal.evidence["window_from"] == "2026-09-02"
    assert kinds(cast.linked_pupil) == set()

    tuesday = WEEK_9 + datetime.timedelta(days=1)
    again = signals_refresh(on=tuesday)
    assert again.by_kind["penalty_threshold"].continuing == 1
    assert again.by_kind["penalty_threshold"].raised == 0
    signal.refresh_from_db()
    assert (signal.first_seen, signal.last_seen) == (WEEK_9, tuesday)
    assert Signal.objects.filter(kind="penalty_threshold").count() == 1

    # The O in week 9 turns out to be illness: the threshold no longer holds.
    marks = penalty_marks()
    marks[(WEEK_9, "AM")] = "I"
    fill_register(enrolment_of(cast.pupil_a), 2026, through=WEEK_9, marks=marks)
    cleared = signals_refresh(on=tuesday + datetime.timedelta(days=1))
    assert cleared.by_kind["penalty_threshold"].cleared == 1
    signal.refresh_from_db()
    assert signal.cleared_on == tuesday + datetime.timedelta(days=1)

    # It comes back: a new episode is a new row; the old one stays cleared.
    fill_register(enrolment_of(cast.pupil_a), 2026, through=WEEK_9, marks=penalty_marks())
    signals_refresh(on=D(2026, 11, 5))
    rows = Signal.objects.filter(kind="penalty_threshold").order_by("first_seen")
    assert [(s.first_seen, s.cleared_on) for s in rows] == [
        (WEEK_9, D(2026, 11, 4)),
        (D(2026, 11, 5), None),
    ]


def test_the_penalty_window_reaches_into_last_year_s_register(cast):
    add_academic_year(cast.school_a.calendar, 2025)
    enrolment = enrolment_of(cast.pupil_a)
    last_july = {}
    for day in (D(2026, 7, 20), D(2026, 7, 21), D(2026, 7, 22)):
        last_july.update(whole_day(day, "N"))
    fill_register(enrolment, 2025, through=D(2026, 7, 22), marks=last_july)
    fill_register(
        enrolment,
        2026,
        through=D(2026, 9, 3),
        marks={**whole_day(D(2026, 9, 2), "U"), **whole_day(D(2026, 9, 3), "U")},
    )
    signals_refresh(on=D(2026, 9, 3))
    signal = Signal.objects.get(enrolment=enrolment, kind="penalty_threshold")
    assert signal.evidence["sessions"] == 10


def test_the_partnership_s_threshold_decides_who_is_persistent(cast):
    on = D(2026, 11, 27)
    # 12 of 116 sessions (10.34%), all in the last 10 school days.
    marks = {}
    for day in (D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)):
        marks.update(whole_day(day, "N"))
    marks.update(whole_day(D(2026, 11, 20), "O"))
    marks.update(whole_day(D(2026, 11, 23), "O"))
    fill_register(enrolment_of(cast.pupil_a), 2026, through=on, marks=marks)
    cast.partnership.persistent_absence_threshold = Decimal(20)
    cast.partnership.save()
    signals_refresh(on=on)
    assert "newly_persistent" not in kinds(cast.pupil_a)
    cast.partnership.persistent_absence_threshold = Decimal(10)
    cast.partnership.save()
    signals_refresh(on=on)
    assert "newly_persistent" in kinds(cast.pupil_a)
    evidence = Signal.objects.get(kind="newly_persistent").evidence
    assert (evidence["rate"], evidence["threshold"]) == ("10.34", "10")


def test_a_setting_at_a_time_leaves_the_others_alone(cast):
    fill_register(enrolment_of(cast.pupil_a), 2026, through=WEEK_9, marks=penalty_marks())
    fill_register(enrolment_of(cast.pupil_b), 2026, through=WEEK_9, marks=penalty_marks())
    outcome = signals_refresh(on=WEEK_9, settings=[cast.school_b])
    assert outcome.enrolments == 1
    assert kinds(cast.pupil_b) >= {"penalty_threshold"}
    assert kinds(cast.pupil_a) == set()
    # And refreshing school A does not clear school B's.
    signals_refresh(on=WEEK_9, settings=[cast.school_a])
    assert "penalty_threshold" in kinds(cast.pupil_b)


def test_an_enrolment_that_ends_has_its_signals_cleared(cast):
    enrolment = enrolment_of(cast.pupil_a)
    fill_register(enrolment, 2026, through=WEEK_9, marks=penalty_marks())
    signals_refresh(on=WEEK_9)
    enrolment.end_date = WEEK_9
    enrolment.save()
    outcome = signals_refresh(on=WEEK_9 + datetime.timedelta(days=1))
    assert outcome.by_kind["penalty_threshold"].cleared == 1
    assert kinds(cast.pupil_a) == set()


def test_the_refresh_takes_the_same_queries_for_three_pupils_or_twelve(cast):
    def run(on):
        with CaptureQueriesContext(connection) as captured:
            signals_refresh(on=on)
        return len(captured.captured_queries)

    for pupil in (cast.pupil_a, cast.linked_pupil):
        fill_register(enrolment_of(pupil), 2026, through=WEEK_9, marks=penalty_marks())
    few = run(WEEK_9)
    for _ in range(9):
        pupil = make_pupil(setting=cast.school_a)
        fill_register(enrolment_of(pupil), 2026, through=WEEK_9, marks=penalty_marks())
    many = run(WEEK_9 + datetime.timedelta(days=7))
    assert Signal.objects.filter(kind="penalty_threshold", cleared_on__isnull=True).count() == 11
    assert many <= few + 2  # the bulk writes may take one more batch; never one a pupil


def test_enrolment_signals_works_for_one_pupil_without_storing_anything(cast):
    enrolment = enrolment_of(cast.pupil_a)
    fill_register(enrolment, 2026, through=WEEK_9, marks=penalty_marks())
    found = enrolment_signals([enrolment], WEEK_9)
    assert "penalty_threshold" in {r.kind for r in found[enrolment.pk]}
    assert not Signal.objects.exists()


def test_the_command_refreshes_and_prints_the_counts(cast):
    fill_register(enrolment_of(cast.pupil_a), 2026, through=WEEK_9, marks=penalty_marks())
    out = StringIO()
    call_command("attendance", "signals", "--on", "2026-11-02", stdout=out)
    text = out.getvalue()
    assert "Early signs on 2026-11-02: 3 enrolments checked." in text
    line = next(x for x in text.splitlines() if x.startswith("Penalty notice threshold"))
    assert line.split()[-3:] == ["1", "0", "0"]
    assert Signal.objects.filter(kind="penalty_threshold").count() == 1


def test_the_command_takes_settings_by_urn(cast):
    out = StringIO()
    call_command(
        "attendance", "signals", "--on", "2026-11-02", "--setting", cast.school_b.urn, stdout=out
    )
    assert "1 enrolments checked" in out.getvalue()


def test_the_command_refuses_an_unknown_urn_and_a_bad_date(cast):
    with pytest.raises(CommandError, match="999999"):
        call_command("attendance", "signals", "--setting", "999999", stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("attendance", "signals", "--on", "2/11/2026", stdout=StringIO())
    assert not Signal.objects.exists()

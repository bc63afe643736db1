"""The demo's register marks, made without a database: where marks go, and their spread."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from knotwork.analytics.attendance import sessions_of, summarise, summarise_groups
from knotwork.attendance.codes import BY_ID
from knotwork.attendance.demo import (
    CLOSED,
    DUAL,
    NOT_KNOWN,
    PRESENT_AM,
    Enrolments,
    year_marks,
)
from knotwork.termdates.rules import SessionMap, school_days

D = datetime.date
TODAY = D(2026, 11, 24)  # a Tuesday
TERMS = [
    (D(2026, 9, 1), D(2026, 10, 23)),
    (D(2026, 11, 2), D(2026, 12, 18)),
    (D(2027, 1, 4), D(2027, 2, 12)),
    (D(2027, 2, 22), D(2027, 3, 25)),
    (D(2027, 4, 12), D(2027, 5, 28)),
    (D(2027, 6, 7), D(2027, 7, 21)),
]
BANK_HOLIDAYS = {D(2027, 5, 3)}
INSET = [D(2026, 9, 1), D(2026, 9, 2), D(2026, 11, 2)]
SESSIONS = SessionMap(school_days(TERMS, BANK_HOLIDAYS), [(day, "day") for day in INSET])
SCHOOL, UNIT = 0, 1
ID_OF = {code.code: code.id for code in BY_ID.values()}


def enrolments(
    n: int,
    *,
    start: str = "2020-09-01",
    end: str = "NaT",
    registration: str = "C",
    setting: int = SCHOOL,
    seed: int = 0,
) -> Enrolments:
    """n pupils in Years 7 to 11 with national shares of FSM (25%) and SEN (13% support,
    3% plans)."""
    rng = np.random.default_rng(seed)
    sen = rng.choice(np.array([0, 1, 2], dtype=np.int8), size=n, p=[0.84, 0.13, 0.03])
    return Enrolments(
        pupil=np.arange(n, dtype=np.int64),
        setting=np.full(n, setting, dtype=np.int64),
        start=np.full(n, np.datetime64(start)),
        end=np.full(n, np.datetime64(end), dtype="datetime64[D]"),
        registration=np.full(n, registration, dtype="<U1"),
        born=np.array([f"{2011 + i % 5}-01-01" for i in range(n)], dtype="datetime64[D]"),
        fsm=rng.random(n) < 0.25,
        sen=sen,
        looked_after=rng.random(n) < 0.007,
    )


def marks_of(people: Enrolments, *, today: D = TODAY, seed: int = 1) -> np.ndarray:
    (block,) = list(
        year_marks(
            people,
            SESSIONS,
            start_year=2026,
            unit_settings=frozenset({UNIT}),
            seed=seed,
            today=today,
        )
    )
    assert block.rows.tolist() == list(range(len(people)))
    return block.marks


def column(day: D, half: str) -> int:
    return SESSIONS.index_of(day, half)  # type: ignore[arg-type]


def test_the_same_seed_and_day_give_the_same_marks():
    people = enrolments(200)
    assert np.array_equal(marks_of(people), marks_of(people))
    assert not np.array_equal(marks_of(people), marks_of(people, seed=2))


def test_sessions_are_marked_to_yesterday_and_this_morning():
    marks = marks_of(enrolments(50))
    assert (marks[:, : column(TODAY, "AM") + 1] > 0).all()
    assert (marks[:, column(TODAY, "PM") :] == 0).all()


def test_a_year_that_is_over_is_marked_in_full():
    marks = marks_of(enrolments(50), today=D(2027, 9, 1))
    assert marks.shape == (50, len(SESSIONS))
    assert (marks > 0).all()


def test_planned_closures_are_hash():
    marks = marks_of(enrolments(30))
    closed = sorted(SESSIONS.closed)
    assert len(closed) == 6
    assert (marks[:, closed] == CLOSED).all()
    assert (np.delete(marks, closed, axis=1)[:, :100] != CLOSED).all()


def test_an_enrolment_has_marks_only_while_on_roll():
    joined = enrolments(20, start="2026-10-05")
    marks = marks_of(joined)
    assert (marks[:, : column(D(2026, 10, 5), "AM")] == 0).all()
    assert (marks[:, column(D(2026, 10, 5), "AM")] > 0).all()
    left = enrolments(20, end="2026-10-09")
    marks = marks_of(left)
    assert (marks[:, column(D(2026, 10, 9), "PM")] > 0).all()
    assert (marks[:, column(D(2026, 10, 12), "AM") :] == 0).all()


def test_an_enrolment_that_starts_after_today_gets_no_register():
    people = enrolments(5, start="2026-12-01")
    assert list(year_marks(people, SESSIONS, start_year=2026, unit_settings=frozenset(),
                           seed=1, today=TODAY)) == []  # fmt: skip


def test_reasons_not_yet_known_are_only_in_the_last_few_days():
    marks = marks_of(enrolments(2000))
    not_known = np.flatnonzero((marks == NOT_KNOWN).any(axis=0))
    assert not_known.size > 0
    three_days_ago = column(D(2026, 11, 19), "AM")
    assert not_known.min() >= three_days_ago
    assert (marks[:, column(TODAY, "AM")] == NOT_KNOWN).sum() > 10  # today's first-day list
    finished = marks_of(enrolments(2000), today=D(2027, 9, 1))
    assert not (finished == NOT_KNOWN).any()


def test_dual_registered_pupils_are_d_where_they_are_at_the_other_setting():
    at_school = marks_of(enrolments(10, registration="M"))
    monday, thursday = D(2026, 11, 16), D(2026, 11, 19)
    assert (at_school[:, column(monday, "AM")] == DUAL).all()
    assert (at_school[:, column(thursday, "AM")] != DUAL).all()
    at_unit = marks_of(enrolments(10, registration="S", setting=UNIT))
    assert (at_unit[:, column(thursday, "PM")] == DUAL).all()
    assert (at_unit[:, column(monday, "PM")] != DUAL).all()


@pytest.fixture(scope="module")
def a_year() -> tuple[Enrolments, np.ndarray]:
    people = enrolments(4000, seed=7)
    return people, marks_of(people, today=D(2027, 9, 1))


def test_absence_over_a_year_is_like_a_secondary_schools(a_year):
    _, marks = a_year
    summary = summarise(sessions_of(marks))
    assert 7.5 <= float(summary.absence_rate) <= 9.5
    assert 19 <= float(summary.persistent_rate) <= 27
    assert 1.5 <= float(summary.severe_rate) <= 3.5
    assert summary.unauthorised < summary.authorised


def test_pupils_eligible_for_free_school_meals_are_absent_more(a_year):
    people, marks = a_year
    not_eligible, eligible = summarise_groups(sessions_of(marks), people.fsm.astype(int), 2)
    assert float(eligible.absence_rate) > 1.5 * float(not_eligible.absence_rate)


def test_mondays_and_fridays_have_the_most_absence(a_year):
    _, marks = a_year
    weekday = np.array([d.weekday() for d in SESSIONS.days]).repeat(2)
    rates = [
        float(summarise(sessions_of(marks[:, weekday == day])).absence_rate) for day in range(5)
    ]
    assert min(rates[0], rates[4]) > max(rates[1:4])


def test_every_kind_of_mark_the_demo_promises_is_there(a_year):
    _, marks = a_year
    used = {BY_ID[i].code for i in np.unique(marks).tolist() if i}
    assert {"/", "\\", "L", "U", "I", "M", "O", "G", "C", "E", "C2", "V", "W", "#"} <= used
    assert PRESENT_AM in np.unique(marks)


def test_holidays_in_term_time_come_in_runs_of_days(a_year):
    _, marks = a_year
    holiday = ID_OF["G"]
    days_away = (marks[:, 0::2] == holiday).sum(axis=1)
    takers = days_away[days_away > 0]
    assert takers.size > 100
    assert np.median(takers) >= 2


def test_the_pupil_referral_unit_has_much_more_absence():
    pupils = enrolments(300, setting=UNIT)
    summary = summarise(sessions_of(marks_of(pupils, today=D(2027, 9, 1))))
    assert float(summary.absence_rate) > 25

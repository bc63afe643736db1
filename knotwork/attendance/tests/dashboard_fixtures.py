"""A small partnership with known marks for the dashboard's tests.

Two schools of the cast (and, for suppression, a third), registers for
2026/27 and a little of 2025/26. The window most tests use is Monday 7 to
Friday 18 September 2026: ten school days, 20 sessions.

School A (7 enrolments, 120 possible sessions in the window):
- A1 (the cast's pupil_a): 2 I -> 10% exactly, persistent
- A2 (linked_pupil, Year 8): none
- A3: 10 O -> 50%, severe and persistent
- A4: 1 M -> 5%
- A5 (male, FSM): 4 G -> 20%, persistent
- A6: 10 D (dual registered elsewhere: not possible) and 1 I -> 1 of 10, persistent
- the mover's first enrolment, to Friday 11 September: 2 N of 10 -> 20%, persistent
School B (5 enrolments, 90 possible):
- B1 (the cast's pupil_b), B2, B3: none; B4: 3 U of 20 -> 15%, persistent
- the mover's second enrolment, from Monday 14 September: none of 10

Last year (window Monday 8 to Thursday 18 September 2025, 18 sessions):
A1 6 I (33.3%, persistent), A2 none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.testing import Cast, add_academic_year, make_pupil, make_setting
from knotwork.directory.models import PartnershipMember, Setting
from knotwork.pupils.models import Enrolment, Pupil

D = datetime.date
FIRST, LAST = D(2026, 9, 7), D(2026, 9, 18)
TODAY = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)
THROUGH = D(2026, 11, 23)
WINDOW = {"year": "2026", "period": "custom", "start": "2026-09-07", "end": "2026-09-18"}


def sessions(day: D, *halves: str, code: str) -> dict[tuple[D, str], str]:
    return {(day, half): code for half in halves}


def days(first: D, count: int, code: str) -> dict[tuple[D, str], str]:
    """Both sessions of ``count`` school days (Monday to Friday) from ``first``."""
    marks: dict[tuple[D, str], str] = {}
    day = first
    while count:
        if day.weekday() < 5:
            marks |= whole_day(day, code)
            count -= 1
        day += datetime.timedelta(days=1)
    return marks


@dataclass
class Partnership:
    cast: Cast
    mover: Pupil
    school_c: Setting | None = None


def enrolment_of(pupil: Pupil, setting: Setting | None = None) -> Enrolment:
    enrolments = pupil.enrolments.all()
    if setting is not None:
        enrolments = enrolments.filter(setting=setting)
    return enrolments.get()


def build(cast: Cast) -> Partnership:
    a, b = cast.school_a, cast.school_b
    calendar = a.calendar
    add_academic_year(calendar, 2025)

    fill_register(enrolment_of(cast.pupil_a), 2026, through=THROUGH, marks=days(FIRST, 1, "I"))
    cast.linked_pupil.date_of_birth = D(2014, 3, 1)  # Year 8 in 2026/27
    cast.linked_pupil.save()
    fill_register(enrolment_of(cast.linked_pupil), 2026, through=THROUGH)
    a3 = make_pupil(setting=a, legal_forename="Ada")
    fill_register(enrolment_of(a3), 2026, through=THROUGH, marks=days(FIRST, 5, "O"))
    a4 = make_pupil(setting=a, legal_forename="Abe")
    fill_register(enrolment_of(a4), 2026, through=THROUGH, marks=sessions(FIRST, "PM", code="M"))
    a5 = make_pupil(setting=a, legal_forename="Alf", sex="M", fsm_eligible=True)
    fill_register(enrolment_of(a5), 2026, through=THROUGH, marks=days(D(2026, 9, 14), 2, "G"))
    a6 = make_pupil(setting=a, legal_forename="Ali")
    a6_marks = days(FIRST, 5, "D") | sessions(D(2026, 9, 14), "AM", code="I")
    fill_register(enrolment_of(a6), 2026, through=THROUGH, marks=a6_marks)

    mover = make_pupil(legal_forename="Max")
    at_a = Enrolment.objects.create(
        pupil=mover, setting=a, start_date=D(2024, 9, 1), end_date=D(2026, 9, 11)
    )
    at_b = Enrolment.objects.create(pupil=mover, setting=b, start_date=D(2026, 9, 14))
    fill_register(at_a, 2026, through=THROUGH, marks=days(D(2026, 9, 10), 1, "N"))
    fill_register(at_b, 2026, through=THROUGH)

    fill_register(enrolment_of(cast.pupil_b), 2026, through=THROUGH)
    for name in ("Bo", "Bea"):
        pupil = make_pupil(setting=b, legal_forename=name)
        fill_register(enrolment_of(pupil), 2026, through=THROUGH)
    b4 = make_pupil(setting=b, legal_forename="Ben")
    late = sessions(FIRST, "AM", code="U") | sessions(D(2026, 9, 8), "AM", code="U")
    late |= sessions(D(2026, 9, 9), "AM", code="U")
    fill_register(enrolment_of(b4), 2026, through=THROUGH, marks=late)

    last_year_end = D(2026, 7, 31)
    fill_register(
        enrolment_of(cast.pupil_a), 2025, through=last_year_end, marks=days(D(2025, 9, 8), 3, "I")
    )
    fill_register(enrolment_of(cast.linked_pupil), 2025, through=last_year_end)
    return Partnership(cast=cast, mover=mover)


def add_school_c(partnership: Partnership, enrolments: int = 2) -> Setting:
    """A third school in the partnership with a few pupils, all present."""
    cast = partnership.cast
    school_c = make_setting(name="Causeway School", calendar=cast.school_a.calendar)
    PartnershipMember.objects.create(
        partnership=cast.partnership,
        organisation=school_c,
        representative_name="A Head",
        representative_role="Headteacher",
        joined_on=D(2024, 9, 1),
    )
    for _ in range(enrolments):
        pupil = make_pupil(setting=school_c, legal_forename="Cy")
        fill_register(enrolment_of(pupil), 2026, through=THROUGH)
    partnership.school_c = school_c
    return school_c

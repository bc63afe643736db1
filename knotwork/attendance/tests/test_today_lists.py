"""Who is on the setting's day lists: picked out by the day's marks in the database,
ordered by the names pupils are known by, and paged."""

import datetime

import pytest

from knotwork.attendance.first_day import absent_rows, day_ids, school_day_at, today_lists
from knotwork.attendance.models import FirstDayContact
from knotwork.attendance.testing import fill_register
from knotwork.core.testing import make_pupil

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)

# (AM, PM) for each pupil; the lists follow from the letters alone.
DAYS = [
    ("/", "/"),
    ("N", "/"),
    ("/", "N"),
    ("N", "N"),
    ("L", "/"),
    ("/", "U"),
    ("L", "N"),
    ("I", "O"),
    ("C", "B"),
    ("U", "U"),
    ("M", "N"),
    ("\\", "L"),
]


@pytest.fixture
def marked(cast):
    pupils = []
    for i, (am, pm) in enumerate(DAYS):
        pupil = make_pupil(setting=cast.school_a, legal_surname=f"Day{i:02d}")
        fill_register(
            pupil.enrolments.get(),
            2026,
            through=MONDAY,
            marks={(MONDAY, "AM"): am, (MONDAY, "PM"): pm},
        )
        pupils.append(pupil)
    return pupils


def test_the_lists_hold_exactly_the_pupils_marked_n_or_late(cast, marked):
    ids = day_ids(school_day_at(cast.school_a, MONDAY), cast.officer, MONDAY)
    expected_absent = [p.pk for p, day in zip(marked, DAYS, strict=True) if "N" in day]
    expected_late = [p.pk for p, day in zip(marked, DAYS, strict=True) if {"L", "U"} & set(day)]
    assert ids.absent == expected_absent
    assert ids.late == expected_late
    assert ids.contacted == [] and ids.plans == []
    assert set(ids.marks) == set(expected_absent) | set(expected_late)


def test_a_pupil_called_today_leaves_the_absent_list_but_stays_late(cast, marked):
    late_and_absent = marked[6]  # L then N
    FirstDayContact.objects.create(
        pupil=late_and_absent,
        setting=cast.school_a,
        date=MONDAY,
        channel="phone",
        outcome=FirstDayContact.Outcome.REASON_GIVEN,
        made_by=cast.officer,
    )
    ids = day_ids(school_day_at(cast.school_a, MONDAY), cast.officer, MONDAY)
    assert late_and_absent.pk not in ids.absent
    assert late_and_absent.pk in ids.late
    assert [pupil for pupil, _ in ids.contacted] == [late_and_absent.pk]


def test_pupils_are_ordered_by_the_names_they_are_known_by(cast):
    known_as = {"Young": "", "Adams": "", "Zephyr": "Baker"}  # legal surname -> preferred
    for legal, preferred in known_as.items():
        pupil = make_pupil(setting=cast.school_a, legal_surname=legal, preferred_surname=preferred)
        fill_register(pupil.enrolments.get(), 2026, through=MONDAY, marks={(MONDAY, "AM"): "N"})
    lists = today_lists(school_day_at(cast.school_a, MONDAY), cast.officer, MONDAY)
    assert [r.pupil.surname for r in lists.absent] == ["Adams", "Baker", "Young"]


def test_a_pupil_who_has_left_is_not_listed(cast):
    pupil = make_pupil(setting=cast.school_a, legal_surname="Gone")
    enrolment = pupil.enrolments.get()
    fill_register(enrolment, 2026, through=MONDAY, marks={(MONDAY, "AM"): "N"})
    enrolment.end_date = MONDAY - datetime.timedelta(days=3)
    enrolment.save()
    ids = day_ids(school_day_at(cast.school_a, MONDAY), cast.officer, MONDAY)
    assert pupil.pk not in ids.absent


def test_each_list_is_paged_and_the_file_holds_the_whole_list(cast, marked):
    when = school_day_at(cast.school_a, MONDAY)
    absent = [p for p, day in zip(marked, DAYS, strict=True) if "N" in day]
    first = today_lists(when, cast.officer, MONDAY, size=2)
    assert first.absent.paginator.count == len(absent) == 5
    assert [r.pupil for r in first.absent] == absent[:2]
    last = today_lists(when, cast.officer, MONDAY, size=2, pages={"absent": "3", "late": "2"})
    assert [r.pupil for r in last.absent] == absent[4:]
    assert last.late.number == 2 and len(last.late) == 2
    beyond = today_lists(when, cast.officer, MONDAY, size=2, pages={"absent": "99"})
    assert beyond.absent.number == 3  # past the end: the last page
    assert [r.pupil for r in absent_rows(when, cast.officer, MONDAY)] == absent


def test_a_day_that_is_not_a_school_day_lists_nobody(cast, marked):
    saturday = school_day_at(cast.school_a, datetime.date(2026, 11, 21))
    lists = today_lists(saturday, cast.officer, MONDAY)
    assert lists.absent.paginator.count == 0 and lists.late.paginator.count == 0


def test_on_a_past_day_a_pupil_who_has_since_left_is_not_shown(cast):
    pupil = make_pupil(setting=cast.school_a, legal_surname="Since")
    enrolment = pupil.enrolments.get()
    fill_register(enrolment, 2026, through=MONDAY, marks={(MONDAY, "AM"): "N"})
    enrolment.end_date = MONDAY + datetime.timedelta(days=1)
    enrolment.save()
    later = MONDAY + datetime.timedelta(days=3)
    when = school_day_at(cast.school_a, MONDAY)
    for user in (cast.officer, cast.coordinator):
        assert pupil.pk in day_ids(when, user, MONDAY).absent  # on roll on both days
        assert pupil.pk not in day_ids(when, user, later).absent  # gone by then

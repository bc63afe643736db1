import datetime

import pytest

from knotwork.core.testing import make_calendar
from knotwork.termdates.models import Closure
from knotwork.termdates.queries import session_map_for

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_calendar_year_maps_to_its_register_sessions():
    year = make_calendar().years.get(start_year=2026)
    Closure.objects.create(academic_year=year, date=D(2026, 9, 2), kind=Closure.Kind.INSET)
    sessions = session_map_for(year)
    # The test calendar's 2026/27 half terms hold 196 weekdays. Two bank holidays
    # fall inside them (Good Friday 26 March, early May 3 May 2027); the others
    # fall in holidays (Christmas, Easter Monday, 31 May in half term).
    assert sessions.index_of(D(2026, 9, 2), "AM") == 0
    assert sessions.closed == frozenset({0, 1})
    assert not sessions.is_school_day(D(2027, 5, 3))  # early May bank holiday inside summer 1
    assert not sessions.is_school_day(D(2027, 3, 26))  # Good Friday, last day of spring 2
    assert not sessions.is_school_day(D(2026, 10, 28))  # half term
    assert sessions.session_at(len(sessions) - 1).date == D(2027, 7, 21)
    weekdays_in_terms = sum(
        1
        for t in year.terms.all()
        for n in range((t.ends_on - t.starts_on).days + 1)
        if (t.starts_on + datetime.timedelta(days=n)).weekday() < 5
    )
    assert weekdays_in_terms == 196
    assert len(sessions) == 2 * (196 - 2)

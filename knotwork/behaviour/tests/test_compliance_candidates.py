"""The compliance page works out clocks only for pupils whose exclusions may have an open
one (chosen in the database); on varied records it lists exactly what working out every
pupil's clocks would."""

import datetime
import random

import pytest
import time_machine

from knotwork.behaviour.compliance import (
    compliance_page,
    compliance_scope,
    listed,
    listing_starts,
)
from knotwork.behaviour.exclusion_queries import calendars_for, clocks_of, exclusions_for_pupil
from knotwork.behaviour.models import Exclusion
from knotwork.core.testing import add_academic_year, make_pupil
from knotwork.directory.models import Setting
from knotwork.pupils.access import visible_pupils
from knotwork.pupils.models import Enrolment
from knotwork.termdates.queries import school_days_for
from knotwork.termdates.testing import school_days_for_years

pytestmark = pytest.mark.django_db
D = datetime.date


def varied_records(cast, rng):
    """Forty pupils across both schools, with every kind of record over two years."""
    add_academic_year(cast.school_a.calendar, 2025)
    calendar = school_days_for([cast.school_a.calendar_id], [2025, 2026])[cast.school_a.calendar_id]
    sessions = [s for s in calendar.sessions if s.date <= D(2027, 3, 1)]
    for i in range(40):
        setting = cast.school_a if i % 3 else cast.school_b
        pupil = make_pupil(
            setting=setting,
            legal_surname=f"Varied{i}",
            enrolled_on=D(2025, 9, 1),
            looked_after=i % 7 == 0,
            child_in_need=i % 5 == 0,
        )
        enrolment = pupil.enrolments.get()
        heavy = i < 3  # near the cap this year
        place = (
            calendar.position(D(2026, 9, 7), "AM")
            if heavy
            else rng.randrange(0, len(sessions) - 120)
        )
        for _ in range(9 if heavy else rng.choice([1, 2, 3, 4, 6])):
            start = sessions[place]
            permanent = not heavy and rng.random() < 0.08
            length = 8 if heavy else rng.choice([1, 2, 2, 4, 6, 10, 11, 12, 20, 31])
            told = rng.random()
            facts = {
                "parents_told_on": start.date if told < 0.98 else None,
                "parents_told_how": "letter" if told < 0.98 else "",
                "la_told_on": start.date if told < 0.96 else None,
                "governors_told_on": start.date if rng.random() < 0.97 else None,
                "social_worker_told_on": start.date if rng.random() < 0.9 else None,
                "virtual_school_told_on": start.date if rng.random() < 0.9 else None,
                "parents_representations_on": start.date if rng.random() < 0.3 else None,
                "cancelled_on": start.date if rng.random() < 0.05 else None,
            }
            if rng.random() < 0.4:
                facts |= {
                    "provision_by": "school",
                    "provision_where": "Unit",
                    "provision_from": start.date,
                }
            if rng.random() < 0.3:
                met = start.date + datetime.timedelta(days=rng.choice([5, 20, 40]))
                facts |= {"board_met_on": met, "board_outcome": "upheld"}
                if permanent and rng.random() < 0.7:
                    facts["board_decision_sent_on"] = met + datetime.timedelta(days=1)
            Exclusion.objects.create(
                pupil=pupil,
                enrolment=enrolment,
                kind="permanent" if permanent else "suspension",
                start_date=start.date,
                start_half=start.half,
                sessions=None if permanent else length,
                reason_1="DB",
                decided_by="Headteacher",
                recorded_by=cast.officer,
                **facts,
            )
            if permanent:
                if rng.random() < 0.5:
                    # Off roll at once and on roll at the other school (as a unit would
                    # take them): the board and the review still run.
                    enrolment.end_date = start.date
                    enrolment.save()
                    other = cast.school_b if setting == cast.school_a else cast.school_a
                    Enrolment.objects.create(
                        pupil=pupil,
                        setting=other,
                        start_date=start.date + datetime.timedelta(days=3),
                    )
                break
            gap = rng.choice([0, 0, 1, 5, 30])  # 0: the next starts straight after
            gap = 2 if heavy else gap
            place += length + gap
            if place >= len(sessions):
                break


def every_open_clock(user, shown, today):
    """Every visible pupil's open clocks at the shown settings, worked out one by one, for
    the exclusions the page lists."""
    calendars = calendars_for(
        Setting.objects.filter(pk__in=shown).values_list("calendar_id", flat=True), [], today
    )
    since = listing_starts(calendars, today)
    listed_pks = set(Exclusion.objects.filter(listed(since)).values_list("pk", flat=True))
    found = set()
    for pupil in visible_pupils(user, today).filter(exclusions__isnull=False).distinct():
        exclusions = list(exclusions_for_pupil(pupil))
        clocks, _ = clocks_of(exclusions, pupil, today)
        by_pk = {x.pk: x for x in exclusions}
        for pk, pupil_clocks in clocks.by_exclusion.items():
            x = by_pk[pk]
            if x.enrolment.setting_id not in shown or pk not in listed_pks:
                continue
            for c in pupil_clocks:
                if c.is_open:
                    found.add((pupil.uuid, x.uuid, c.kind, c.due, c.status))
        this_year = [
            x
            for x in exclusions
            if x.enrolment.setting_id in shown
            and x.kind == "suspension"
            and x.start_date >= D(today.year if today.month >= 9 else today.year - 1, 9, 1)
        ]
        if clocks.cap.is_open and this_year:
            found.add((pupil.uuid, None, clocks.cap.kind, None, clocks.cap.status))
    return found


@pytest.mark.parametrize(
    "today",
    [D(2026, 11, 24), D(2026, 9, 10), D(2027, 1, 6), D(2027, 3, 3), D(2026, 6, 15)],
)
@pytest.mark.parametrize("seed", [1, 2])
def test_the_page_lists_what_working_out_every_pupil_would(cast, today, seed):
    varied_records(cast, random.Random(seed))
    kinds = set()
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(10)), tick=False):
        for user in (cast.coordinator, cast.officer, cast.outsider):
            scope = compliance_scope(user)
            page = compliance_page(user, scope, today)
            listed = {
                (i.pupil_uuid, i.exclusion_uuid, i.clock.kind, i.clock.due, i.clock.status)
                for i in page.items
            }
            expected = every_open_clock(user, {s.pk for s in scope.shown}, today)
            assert listed == expected
            assert len(listed) == page.total
            kinds |= {kind for _, _, kind, _, _ in listed}
    # Every kind of clock the page groups was there to be found (the pupils near the cap
    # are suspended in 2026/27).
    assert {"tell_la", "board", "day_six"} <= kinds
    assert "cap" in kinds or today < D(2026, 9, 1)


def test_the_page_lists_from_the_start_of_the_term_before_or_of_the_year():
    calendars = {1: school_days_for_years(2025, 2026)}
    # In the autumn: from the summer term; in the spring and summer: from September.
    assert listing_starts(calendars, D(2026, 11, 24)) == D(2026, 4, 13)
    assert listing_starts(calendars, D(2027, 2, 1)) == D(2026, 9, 1)
    assert listing_starts(calendars, D(2027, 6, 30)) == D(2026, 9, 1)
    # Without term dates: from the start of last academic year.
    assert listing_starts({}, D(2026, 11, 24)) == D(2025, 9, 1)

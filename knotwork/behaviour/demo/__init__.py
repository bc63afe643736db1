"""Behaviour records for the demo partnership: incidents with the pupils in them,
withdrawals from lessons, suspensions and permanent exclusions, for the previous
academic year in full and this year up to yesterday.

Rates follow national figures for secondary schools (../shared/domain/england.md
§4.7, 2023/24): about 22 suspensions per 100 pupils in a year, a suspended pupil
suspended about twice on average (many once, a few many times), persistent
disruptive behaviour (``DB``) about half the reasons, permanent exclusions
about 0.15 per 100 pupils a year (0.13 to 0.2 in secondary schools). The skews
are the published ones: boys about three times girls, SEN support and EHC plans
several times no SEN, pupils eligible for free school meals about three and a
half times others, Years 9 and 10 the highest, the pupil referral unit much
higher. A pupil's tendency lasts from year to year.

- Incidents are recorded many times more often than suspensions: about two a
  pupil a year, most pupils none and a few many. More on Mondays and in the
  mornings; fights and abuse at break, at lunch and in the corridor after
  lunch, disruption in lessons, online abuse in the evening. Fights and
  bullying have a target and witnesses, often the same two pupils again; some
  bullying has a type, racist incidents are flagged. Observations record a
  worry without a sanction. A pupil is in an incident only in a session the
  register marks present. A share of incidents send the pupil to the remove
  room, the learning support unit or internal exclusion (a ``Withdrawal``).
- Each suspension follows a serious incident the day before (or that morning,
  for an afternoon's suspension); lengths are mostly one to three days, some
  half days, a few over five days with the school's provision from the sixth
  day. Parents, the local authority, the governing board and (for pupils with
  one) the social worker and virtual school head are told; governing boards
  meet where the law says they must.
- Permanent exclusions, as many as that rate gives for the years pupils spent
  on roll at the schools (this year's so far counting those still before the
  board): some of the demo's pupils who went from a school to the pupil
  referral unit (the others went another way) and, where those are too few in
  a large partnership, some who went to another school were permanently
  excluded weeks before they left. The governing board upheld it, some parents
  asked for an independent review, and the pupil came off the school's roll on
  the day the route ended (``rules.off_roll_day``), the unit the local
  authority's provision from the sixth day. A few this year are still on the
  school's roll while the governing board and the review run their course.
- This year a few clocks are overdue on purpose: day-6 provision not arranged
  for one or two current long suspensions, the local authority not told of
  one, a governing board meeting late for one permanent exclusion; and one
  pupil is near the 45-day cap.

Registers agree with the records: suspended and excluded sessions are ``E``,
``B`` from the sixth day where the school arranged provision and ``K`` where
the local authority did; an ``E`` left in a register with no suspension
behind it becomes present.

The same seed and ``today`` always give the same records (bar UUIDs). Like the
rest of the demo this is a loader, not a user's action: no audit rows, no
access checks.

The package: ``tables`` (the rates, skews and words), ``roll`` (the pupils),
``year`` (one academic year: exclusions and registers), ``incidents``, ``records``
(what is made, before it is written) and ``writing`` (batched INSERTs, faster
than ``bulk_create`` for the hundreds of thousands of rows of a large demo).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from knotwork.accounts.models import Membership, User
from knotwork.attendance.queries import SessionMaps, YearOfSessions
from knotwork.behaviour.demo.records import BehaviourCounts, Records
from knotwork.behaviour.demo.roll import Context, Roll, Tendencies, roll_of, year_groups
from knotwork.behaviour.demo.writing import roomy_cache, write
from knotwork.behaviour.demo.year import Year
from knotwork.directory.models import PartnershipMember, Setting
from knotwork.termdates.models import AcademicYear

__all__ = ["BehaviourCounts", "behaviour_build", "year_groups"]

Date = datetime.date
Ints = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]


def context_for(
    settings: Sequence[Setting], roll: Roll, *, seed: int, today: Date, recorded_by: User
) -> Context:
    pks = tuple(s.pk for s in settings)
    members: dict[int, int] = {}
    for organisation, user in (
        Membership.objects.filter(organisation_id__in=pks, can_edit=True)
        .order_by("pk")
        .values_list("organisation_id", "user_id")
    ):
        members.setdefault(organisation, user)
    heads: dict[int, str] = {}
    for organisation, name, role in (
        PartnershipMember.objects.filter(organisation_id__in=pks)
        .order_by("pk")
        .values_list("organisation_id", "representative_name", "representative_role")
    ):
        heads.setdefault(organisation, f"{name}, {role}" if name else role)
    units = np.asarray([s.setting_type == Setting.Type.PRU for s in settings], dtype=np.bool_)
    return Context(
        roll=roll,
        setting_pks=pks,
        units=units,
        unit_name=next(
            (s.name for s in settings if s.setting_type == Setting.Type.PRU),
            "The pupil referral unit",
        ),
        la_name=settings[0].local_authority.name if settings else "",
        heads=tuple(heads.get(pk, "Headteacher") for pk in pks),
        users=tuple(members.get(pk, recorded_by.pk) for pk in pks),
        owners=tuple(members.get(pk, 0) for pk in pks),
        tendencies=Tendencies.draw(roll.pupils, seed),
        seed=seed,
        today=today,
    )


def behaviour_build(
    *,
    settings: Sequence[Setting],
    seed: int,
    today: Date,
    recorded_by: User,
    progress: Progress | None = None,
) -> BehaviourCounts:
    """Incidents, withdrawals, suspensions and permanent exclusions for every enrolment at
    the settings, in each academic year of their calendars up to yesterday, with the
    registers brought into line. ``recorded_by`` records for settings with no member who
    may edit. ``progress`` hears how many rows are written, of how many."""
    roll = roll_of(settings)
    if not settings or roll.enrolment.shape[0] == 0:
        return BehaviourCounts()
    context = context_for(settings, roll, seed=seed, today=today, recorded_by=recorded_by)
    calendars: dict[int, list[int]] = {}
    for i, setting in enumerate(settings):
        calendars.setdefault(setting.calendar_id, []).append(i)
    maps = SessionMaps()
    plans: list[tuple[YearOfSessions, Ints, bool]] = []
    for members in calendars.values():
        start_years = sorted(
            AcademicYear.objects.filter(
                calendar_id=settings[members[0]].calendar_id, start_year__lte=today.year
            ).values_list("start_year", flat=True)
        )
        years = [
            year
            for start_year in start_years
            if (year := maps.for_setting(settings[members[0]], start_year)) is not None
            and year.sessions.days
            and year.sessions.days[0] < today
        ]
        rows = np.flatnonzero(np.isin(roll.setting, members))
        plans += [(year, rows, year is years[-1]) for year in years]
    records = Records()
    for calendar, rows, current in plans:
        built = Year(context, rows, calendar)
        if len(built):
            built.build(scripted=current, pupils=roll.pupils)
            built.hand_over(records)
        del built  # one year's registers in memory at a time
    with roomy_cache():
        return write(records, context, progress)

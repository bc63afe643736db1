"""The demo's fair access and alternative provision, on top of the built demo partnership.

- Three alternative providers join the partnership beside its PRU, each with its quality
  assurance (one with an overdue safeguarding check, one never visited). The first has a
  sign-in, ``provider``: its staff member who takes its register.
- Fair access: in-year admissions to the schools become fair access placements, each
  out of school for a spell before starting (so some fall short of 380 sessions, or the
  proportionate number), a few pupils at the PRU waiting to start at a school, and an
  agreed weight for each school by its roll.
- Placements: the PRU's dual registered pupils become PRU placements; pupils at the
  schools are placed at the providers (full-time, part-time adding up, part-time with
  gaps), some ended (most back at school); longer suspensions get education from the
  sixth day. Reviews are due at each half term's end, most held, some overdue, and the
  providers' registers are taken up to today's morning (a few not yet).

Everything is written in bulk, with no query per pupil, and the same seed gives the same
data.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from knotwork.accounts.models import Membership, Role, User
from knotwork.attendance.codes import code_for
from knotwork.attendance.models import Register
from knotwork.attendance.queries import start_year_of
from knotwork.behaviour.models import Exclusion
from knotwork.directory.models import Organisation, Partnership, PartnershipMember, Setting
from knotwork.placements.fair_access_models import (
    FairAccessCategory,
    FairAccessPlacement,
    FairShareWeighting,
)
from knotwork.placements.fair_access_queries import year_figures
from knotwork.placements.provision_models import (
    ProviderProfile,
    ProvisionPlacement,
    ProvisionReview,
)
from knotwork.placements.provision_rules import review_due_dates
from knotwork.pupils.models import Enrolment
from knotwork.termdates.models import AcademicYear, Term
from knotwork.termdates.queries import session_map_for

Date = datetime.date
ONE_DAY = datetime.timedelta(days=1)

# name, registration, Ofsted, cost a day, places, offer, months since the safeguarding
# check (None: never), months since the last visit (None: never)
_PROVIDERS = [
    ("Harbour Lights Alternative Provision", "independent", "good", "96.00", 24,
     "Key stage 4 English, maths and science to GCSE with small-group teaching, for "
     "pupils at risk of exclusion.", 3, 2),
    ("Marsh Farm Vocational Centre", "unregistered", "not_inspected", "72.50", 16,
     "Land-based and construction skills, two or three days a week, with Level 1 "
     "qualifications.", 14, 5),
    ("Saltfleet Motor Project", "unregistered", "not_inspected", "68.00", 12,
     "Motor vehicle maintenance and mentoring for young people who find school hard.",
     6, None),
]  # fmt: skip
_PRU_PROFILE = ("pru", "good", "118.00", 60,
                "Full-time and part-time places for excluded pupils and those at risk; "
                "outreach to schools.", 2, 1)  # fmt: skip

_CATEGORIES = ["l", "l", "l", "a", "d", "g", "i", "e", "k", "b", "c", "f", "h", "j", "m"]
#: Calendar days out of school before the start: most start at once, some wait weeks.
_GAPS = [0] * 10 + [1, 2, 3, 4, 6, 8, 11, 15, 21, 28, 40]
_TIMETABLES = [
    ("P" * 10, 4),  # full-time
    ("PPPPPPSSSS", 2),
    ("PSPSPSPSPS", 2),
    ("PPPPSSSSSS", 1),
    ("PPPPPP----", 1),  # part-time with the rest nowhere
    ("PPPP--SSSS", 1),
]
_OUTCOMES = [("reintegrated", 6), ("new_school", 1), ("stayed", 1), ("broke_down", 2)]
_PASSPORT = {
    "passport_needs": "Literacy below age-related expectations; struggles in large groups.",
    "passport_strengths": "Practical work, sport, responds well to one adult he trusts.",
    "passport_risks": "Can leave the room when anxious: agreed exit card and a calm space.",
    "passport_strategies": "Warn of changes ahead; short tasks with quick praise.",
    "passport_attainment": "Working at grade 3 in English and maths; mock results attached.",
}
_PLAN = {
    "plan_targets": "Attend every timetabled session; complete Level 1 unit by half term.",
    "plan_curriculum": "English and maths functional skills, vocational unit.",
    "plan_support": "Key worker check-in daily; mentor weekly.",
    "plan_reintegration": "One day a week back at school from the next half term, rising.",
}


@dataclass(frozen=True)
class ProvisionDemo:
    providers: int
    fair_access: int
    fair_access_short_of_380: int
    fair_access_waiting: int
    placements: int
    part_time: int
    not_adding_up: int
    ended: int
    reintegrated: int
    day6: int
    reviews: int
    reviews_overdue: int
    registers: int


def _weekday_on_or_after(day: Date) -> Date:
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def _months_ago(today: Date, months: int | None) -> Date | None:
    return None if months is None else today - datetime.timedelta(days=30 * months + 3)


def _providers(
    partnership: Partnership, pru: Setting, today: Date, rng: random.Random
) -> list[ProviderProfile]:
    taken = set(Setting.objects.values_list("urn", flat=True))
    urns = [u for u in (str(n) for n in rng.sample(range(300000, 400000), 10)) if u not in taken]
    profiles = []
    for (name, registration, ofsted, cost, places, offer, checked, visited), urn in zip(
        _PROVIDERS, urns, strict=False
    ):
        setting = Setting.objects.create(
            name=name,
            kind=Organisation.Kind.SETTING,
            local_authority=pru.local_authority,
            urn=urn,
            phase=Setting.Phase.SECONDARY,
            setting_type=Setting.Type.AP,
            calendar=pru.calendar,
        )
        PartnershipMember.objects.create(
            partnership=partnership,
            organisation=setting,
            representative_name="Centre manager",
            representative_role="Manager",
            joined_on=Date(2024, 9, 1),
        )
        profiles.append((setting, registration, ofsted, cost, places, offer, checked, visited))
    profiles.insert(0, (pru, *_PRU_PROFILE))
    made = ProviderProfile.objects.bulk_create(
        ProviderProfile(
            setting=setting,
            registration=registration,
            ofsted=ofsted,
            ofsted_inspected_on=Date(2023, 5, 17) if ofsted == "good" else None,
            safeguarding_checked_on=_months_ago(today, checked),
            last_reviewed_on=_months_ago(today, visited),
            cost_per_day=Decimal(cost),
            places=places,
            offer=offer,
            contact_name="Centre office",
        )
        for setting, registration, ofsted, cost, places, offer, checked, visited in profiles
    )
    return made


#: The demo's sign-in at the first alternative provider (listed with the demo's others in
#: ``directory.demo.DEMO_USERNAMES``).
PROVIDER_USERNAME = "provider"


def _provider_user(provider: Setting, actor: User) -> User:
    """A member of staff at the provider who may change records, so takes its register.
    The password is the demo's own: every demo user shares it, and ``actor`` has it."""
    user = User.objects.create(
        username=PROVIDER_USERNAME,
        password=actor.password,
        first_name="Priya",
        last_name="Patel",
        email=f"{PROVIDER_USERNAME}@eastmarsh.example",
    )
    Membership.objects.create(
        user=user,
        organisation=provider,
        role=Role.SCHOOL_STAFF,
        can_edit=True,
        job_title="Centre manager",
    )
    return user


def _fair_access(
    partnership: Partnership,
    schools: list[Setting],
    pru: Setting,
    actor: User,
    today: Date,
    rng: random.Random,
) -> tuple[int, int]:
    """Placements from the year's in-year admissions, and a few pupils at the PRU waiting
    to start at a school; (placements, waiting)."""
    year_start = Date(start_year_of(today), 9, 1)
    admitted = list(
        Enrolment.objects.filter(
            setting__in=schools,
            registration=Enrolment.Registration.SINGLE,
            start_date__gt=year_start + datetime.timedelta(days=7),
            start_date__lte=today,
        )
        .order_by("pk")
        .values_list("pupil_id", "setting_id", "start_date")
    )
    wanted = max(6, min(40, len(admitted) // 4))
    chosen = sorted(rng.sample(admitted, min(wanted, len(admitted))))
    rows = []
    for pupil_id, setting_id, started in chosen:
        gap = rng.choice(_GAPS)
        out = max(year_start, started - datetime.timedelta(days=gap))
        arrived = out if rng.random() < 0.5 else None
        rows.append(
            FairAccessPlacement(
                partnership=partnership,
                pupil_id=pupil_id,
                category=rng.choice(_CATEGORIES),
                arrived_on=arrived,
                out_of_school_from=out,
                placed_at_id=setting_id,
                placed_on=out + (started - out) // 2,
                started_on=started,
                recorded_by=actor,
            )
        )
    at_pru = list(
        Enrolment.objects.current(today)
        .filter(setting=pru, registration=Enrolment.Registration.SINGLE)
        .order_by("pk")
        .values_list("pupil_id", flat=True)[:40]
    )
    waiting = sorted(rng.sample(at_pru, min(3, len(at_pru))))
    for pupil_id in waiting:
        out = _weekday_on_or_after(today - datetime.timedelta(days=rng.randint(5, 20)))
        rows.append(
            FairAccessPlacement(
                partnership=partnership,
                pupil_id=pupil_id,
                category=FairAccessCategory.D,
                out_of_school_from=min(out, today),
                placed_at=rng.choice(schools),
                placed_on=today,
                recorded_by=actor,
            )
        )
    FairAccessPlacement.objects.bulk_create(rows)
    return len(rows), len(waiting)


def _weights(partnership: Partnership, schools: list[Setting], today: Date) -> None:
    rolls = dict(
        Enrolment.objects.current(today)
        .filter(setting__in=schools)
        .values("setting_id")
        .annotate(n=Count("pk"))
        .values_list("setting_id", "n")
    )
    mean = (sum(rolls.values()) / len(rolls)) if rolls else 1
    FairShareWeighting.objects.bulk_create(
        FairShareWeighting(
            partnership=partnership,
            setting=s,
            weight=Decimal(str(round(rolls.get(s.pk, 0) / mean, 2))),
            from_year=start_year_of(today),
        )
        for s in schools
    )


@dataclass
class _Plan:
    pupil_id: int
    home: Enrolment
    provider: ProviderProfile
    kind: str
    starts_on: Date
    timetable: str
    planned: Date | None
    ends_on: Date | None = None
    outcome: str = ""
    exclusion_id: int | None = None
    enrolment: Enrolment | None = None  # an existing registration at the provider


def provision_demo(
    *, partnership: Partnership, today: Date, actor: User, seed: int
) -> ProvisionDemo:
    """Build the demo's providers, fair access and placements (see the module's note).
    ``actor`` is recorded as who made the records: the demo's coordinator."""
    rng = random.Random(f"provision-{seed}")
    settings = list(
        Setting.objects.filter(partnership_memberships__partnership=partnership).order_by("pk")
    )
    schools = [s for s in settings if s.setting_type == Setting.Type.SECONDARY]
    pru = next(s for s in settings if s.setting_type == Setting.Type.PRU)
    profiles = _providers(partnership, pru, today, rng)
    aps = profiles[1:]
    _provider_user(aps[0].setting, actor)
    fair_access, waiting = _fair_access(partnership, schools, pru, actor, today, rng)
    _weights(partnership, schools, today)
    year_start = Date(start_year_of(today), 9, 1)
    taken: set[int] = set()
    plans: list[_Plan] = []

    # The PRU's dual registered pupils: part-time placements already under way.
    for home, subsidiary in _dual_at(pru, today):
        taken.add(home.pupil_id)
        plans.append(
            _Plan(
                home.pupil_id, home, profiles[0], ProvisionPlacement.Kind.PRU,
                subsidiary.start_date, rng.choice(["PPPPPPSSSS", "PSPSPSPSPS", "P" * 10]),
                subsidiary.start_date + datetime.timedelta(weeks=rng.randint(8, 20)),
                enrolment=subsidiary,
            )
        )  # fmt: skip

    # Education from the sixth day of this year's longer suspensions.
    suspensions = list(
        Exclusion.objects.filter(
            kind=Exclusion.Kind.SUSPENSION,
            sessions__gte=12,
            start_date__gte=year_start,
            start_date__lte=today - datetime.timedelta(days=10),
            cancelled_on__isnull=True,
            enrolment__setting__in=schools,
            enrolment__end_date__isnull=True,
        )
        .select_related("enrolment")
        .order_by("pk")[:200]
    )
    for s in rng.sample(suspensions, min(len(suspensions), 12)):
        if s.pupil_id in taken:
            continue
        taken.add(s.pupil_id)
        starts = _weekday_on_or_after(s.start_date + datetime.timedelta(days=7))
        ends = min(today, starts + datetime.timedelta(days=max(1, (s.sessions or 12) // 2 - 5)))
        plans.append(
            _Plan(
                s.pupil_id, s.enrolment, rng.choice(aps), ProvisionPlacement.Kind.DAY6_SUSPENSION,
                starts, "P" * 10, ends, ends_on=ends, outcome="reintegrated", exclusion_id=s.pk,
            )
        )  # fmt: skip

    # Pupils at the schools placed with the providers.
    pool = list(
        Enrolment.objects.current(today)
        .filter(
            setting__in=schools,
            registration=Enrolment.Registration.SINGLE,
            start_date__lt=year_start,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    count = max(10, min(60, len(pool) // 40))
    chosen = sorted(rng.sample(pool, min(count, len(pool))))
    homes = Enrolment.objects.in_bulk(chosen)
    timetables, weights = zip(*_TIMETABLES, strict=True)
    outcomes, outcome_weights = zip(*_OUTCOMES, strict=True)
    for pk in chosen:
        home = homes[pk]
        if home.pupil_id in taken:
            continue
        taken.add(home.pupil_id)
        starts = _weekday_on_or_after(
            year_start
            + datetime.timedelta(days=rng.randint(5, max(6, (today - year_start).days - 7)))
        )
        plan = _Plan(
            home.pupil_id, home, rng.choice(aps), ProvisionPlacement.Kind.AP, starts,
            rng.choices(timetables, weights)[0],
            starts + datetime.timedelta(weeks=rng.randint(5, 16)) if rng.random() < 0.85 else None,
        )  # fmt: skip
        if rng.random() < 0.3 and (today - starts).days > 28:
            plan.ends_on = min(
                today - ONE_DAY, starts + datetime.timedelta(days=rng.randint(28, 60))
            )
            plan.outcome = rng.choices(outcomes, outcome_weights)[0]
        plans.append(plan)
    placements, registers = _write(plans, partnership, actor, today, rng)
    reviews, overdue = _reviews(placements, today, rng)
    ended = [p for p in placements if p.ends_on is not None]
    return ProvisionDemo(
        providers=len(profiles),
        fair_access=fair_access,
        fair_access_short_of_380=_short(partnership, today),
        fair_access_waiting=waiting,
        placements=len(placements),
        part_time=sum(not p.full_time for p in placements),
        not_adding_up=sum("-" in p.timetable for p in placements),
        ended=len(ended),
        reintegrated=sum(p.outcome == "reintegrated" for p in ended),
        day6=sum(p.exclusion_id is not None for p in placements),
        reviews=reviews,
        reviews_overdue=overdue,
        registers=registers,
    )


def _dual_at(pru: Setting, today: Date) -> list[tuple[Enrolment, Enrolment]]:
    """Pupils dual registered at the PRU today, with their main registration."""
    subsidiaries = {
        e.pupil_id: e
        for e in Enrolment.objects.current(today).filter(
            setting=pru, registration=Enrolment.Registration.SUBSIDIARY
        )
    }
    mains = Enrolment.objects.current(today).filter(
        pupil_id__in=list(subsidiaries), registration=Enrolment.Registration.MAIN
    )
    return sorted(((m, subsidiaries[m.pupil_id]) for m in mains), key=lambda pair: pair[0].pk)


def _short(partnership: Partnership, today: Date) -> int:
    counts = year_figures(partnership, start_year_of(today), today).counts
    return counts.pupils - counts.at_380


def _write(
    plans: list[_Plan], partnership: Partnership, actor: User, today: Date, rng: random.Random
) -> tuple[list[ProvisionPlacement], int]:
    """The placements, the registrations they need (home made main, subsidiary at the
    provider) and the providers' registers for the new registrations."""
    to_main = [p.home.pk for p in plans if p.enrolment is None]
    Enrolment.objects.filter(pk__in=to_main, registration=Enrolment.Registration.SINGLE).update(
        registration=Enrolment.Registration.MAIN
    )
    new = [
        Enrolment(
            pupil_id=p.pupil_id,
            setting=p.provider.setting,
            start_date=p.starts_on,
            end_date=p.ends_on,
            registration=Enrolment.Registration.SUBSIDIARY,
        )
        for p in plans
        if p.enrolment is None
    ]
    Enrolment.objects.bulk_create(new)
    made = iter(new)
    for p in plans:
        if p.enrolment is None:
            p.enrolment = next(made)
    rows = []
    for p in plans:
        filled = rng.random() < 0.8
        rows.append(
            ProvisionPlacement(
                partnership=partnership,
                pupil_id=p.pupil_id,
                home_setting_id=p.home.setting_id,
                provider=p.provider,
                kind=p.kind,
                exclusion_id=p.exclusion_id,
                enrolment=p.enrolment,
                timetable=p.timetable,
                starts_on=p.starts_on,
                planned_reintegration_on=max(p.planned, p.starts_on) if p.planned else None,
                ends_on=p.ends_on,
                outcome=p.outcome,
                passport_shared_on=p.starts_on - ONE_DAY if filled else None,
                plan_agreed_on=p.starts_on + datetime.timedelta(days=7) if filled else None,
                recorded_by=actor,
                **(_PASSPORT | _PLAN if filled else {}),
            )
        )
    ProvisionPlacement.objects.bulk_create(rows)
    return rows, _registers(plans, new, today, rng)


def _registers(
    plans: list[_Plan],
    new: list[Enrolment],
    today: Date,
    rng: random.Random,
) -> int:
    """Registers at the providers for the new registrations: each timetabled session
    marked, mostly present, up to today's morning (a few not yet marked today)."""
    if not new:
        return 0
    by_enrolment = {id(p.enrolment): p for p in plans}
    calendar_id = new[0].setting.calendar_id
    year = (
        AcademicYear.objects.filter(calendar_id=calendar_id, start_year=start_year_of(today))
        .prefetch_related("terms", "closures")
        .first()
    )
    if year is None:
        return 0
    sessions = session_map_for(year)
    present = {"AM": code_for("/", today).id, "PM": code_for("\\", today).id}
    absent = [code_for(c, today).id for c in ("O", "I", "M", "U")]
    rows = []
    for enrolment in new:
        plan = by_enrolment[id(enrolment)]
        marks = bytearray(len(sessions))
        last = min(today, enrolment.end_date or today)
        late_today = rng.random() < 0.15
        for index in range(len(sessions)):
            session = sessions.session_at(index)
            if session.date < enrolment.start_date or session.date > last:
                continue
            if index in sessions.closed:
                marks[index] = code_for("#", session.date).id
                continue
            if plan.timetable[2 * session.date.weekday() + (session.half == "PM")] != "P":
                continue
            if session.date == today and (session.half == "PM" or late_today):
                continue
            marks[index] = rng.choice(absent) if rng.random() < 0.08 else present[session.half]
        rows.append(
            Register(
                enrolment=enrolment, setting_id=enrolment.setting_id, academic_year=year,
                marks=bytes(marks),
            )
        )  # fmt: skip
    Register.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _reviews(
    placements: list[ProvisionPlacement], today: Date, rng: random.Random
) -> tuple[int, int]:
    """Reviews at each half term's end to the planned return; most past ones held, about
    a quarter left overdue."""
    calendar_of = dict(
        Setting.objects.filter(pk__in={p.home_setting_id for p in placements}).values_list(
            "pk", "calendar_id"
        )
    )
    calendars = set(calendar_of.values())
    halves: dict[int, list[tuple[Date, Date]]] = defaultdict(list)
    for calendar_id, first, last in Term.objects.filter(
        academic_year__calendar_id__in=calendars
    ).values_list("academic_year__calendar_id", "starts_on", "ends_on"):
        halves[calendar_id].append((first, last))
    rows = []
    overdue = 0
    for p in placements:
        year_end = Date(start_year_of(p.starts_on) + 1, 8, 31)
        until = p.ends_on or p.planned_reintegration_on or year_end
        for due in review_due_dates(
            halves[calendar_of[p.home_setting_id]], starts_on=p.starts_on, until=until
        ):
            if p.ends_on is not None and due > p.ends_on:
                break
            held = due <= today and rng.random() < 0.75
            overdue += due < today and not held and p.ends_on is None
            rows.append(
                ProvisionReview(
                    placement=p,
                    due_on=due,
                    held_on=due - datetime.timedelta(days=rng.randint(0, 4)) if held else None,
                    progress=rng.choice(["good", "some", "some", "none"]) if held else "",
                    notes="Attendance and progress reviewed with the provider." if held else "",
                )
            )
    ProvisionReview.objects.bulk_create(rows, batch_size=1000)
    return len(rows), overdue

"""Demo data for the intervention menu and the pooled budget, on the built demo partnership.

``budget_demo(partnership=..., today=..., actor=..., seed=...)`` writes the menu of seed
003's Appendix 4 priced as there (adviser £340 a day, £190 a half day; officer £225 and
£125; legal interventions £275 and £155); the partnership's pooled budget for the year of
``today`` with a school's behaviour and attendance lead as its accountable manager,
contributions from every setting and the local authority, spending on alternative
provision, shared staff and training and some commitments; behaviour and attendance
officers at the LA service; and about thirty orders from several schools, for pupils and
groups, some delivered, some in progress, some not started, one cancelled and one
refunded, each with its sessions and the ledger entries ``order_services`` would have
written. Some orders are for pupils with a case whose measures were read, linked to it,
so the cost per improved outcome has figures.

As the rest of the demo, it writes straight to the tables in bulk (no audit rows, no
per-pupil queries: a handful of queries whatever the number of pupils), and the same
seed gives the same menu, budget and orders.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from faker import Faker

from knotwork.accounts.models import Membership, Role, User
from knotwork.casework.case_models import CaseMeasure
from knotwork.casework.demo_staff import demo_staff_add
from knotwork.directory.models import Organisation, Outcome, Partnership, Setting
from knotwork.placements.budget_models import (
    BudgetEntry,
    DeliveredSession,
    InterventionOrder,
    MenuItem,
    MenuPrice,
    PooledBudget,
)
from knotwork.placements.budget_rules import (
    DAY,
    HALF_DAY,
    ZERO,
    budget_year_of,
    money,
    order_estimate,
    release_for,
    session_charge,
)
from knotwork.pupils.models import Enrolment

Date = datetime.date
D = Decimal
ONE_DAY = datetime.timedelta(days=1)

#: Seed 003's rates: per day and per half day.
PRICES = {
    "adviser": (D("340.00"), D("190.00")),
    "officer": (D("225.00"), D("125.00")),
    "legal": (D("275.00"), D("155.00")),
}
_OUTCOME_CODES = {
    "h": "be_healthy",
    "s": "stay_safe",
    "e": "enjoy_and_achieve",
    "p": "positive_contribution",
    "w": "economic_wellbeing",
}
B, A, L = MenuItem.Strand.BEHAVIOUR, MenuItem.Strand.ATTENDANCE, MenuItem.Strand.LEGAL
PAYU, FREE = MenuItem.Charging.PAYU, MenuItem.Charging.STATUTORY

# strand, heading, activity, details, intended outcomes, staff provider, likely duration,
# half days, charging, rates, outcomes (letters of _OUTCOME_CODES). Asterisked items
# are pay as you use; those the menu gives at no cost and the legal interventions (the
# LA's own duties) statutory; the rest are priced at the rates and so pay as you use.
MENU: list[tuple[str, str, str, str, str, str, str, int, str, tuple[str, ...], str]] = [
    (B, "Strategic", "KS2 to KS3 transition",
     "Liaison between families and schools. Identification and monitoring of pupils who may "
     "need additional support during terms 1 and 2 of KS3.",
     "Students are more confident in making the transition between schools, and schools are "
     "advised on appropriate support programmes where necessary.",
     "Behaviour and Attendance Officer", "1 day", 2, PAYU, ("officer",), "ep"),
    (B, "Capacity building",
     "Coaching and reflective practice for staff working with children displaying "
     "considerable behavioural challenge",
     "Agreed class observations followed by meetings with key staff (individuals or small "
     "group). Reflective conversations with staff about why behaviour is problematic and how "
     "to effect a change.",
     "Written report. Ongoing informed advice and suggested strategies to meet the student's "
     "needs.",
     "Behaviour and Attendance Adviser or Officer", "2 days", 4, PAYU, ("adviser", "officer"),
     "e"),
    (B, "Capacity building", "Emotional literacy assessment",
     "Programme of assessment using emotional literacy tools for pupil, teacher and parent. "
     "Strengths and weaknesses identified and appropriate support planned.",
     "Written report. Levels of emotional literacy identified, with advice and strategies.",
     "Behaviour and Attendance Adviser", "1 day", 2, PAYU, ("adviser",), "he"),
    (B, "Capacity building", "Supporting schools with CAF assessment and reviews",
     "Supporting school staff in the completion of the CAF, completing one with a student and "
     "family.",
     "Staff confident in undertaking CAFs with families.",
     "Behaviour and Attendance Adviser", "Half day", 1, PAYU, ("adviser",), "s"),
    (B, "Capacity building", "Support schools with behavioural risk assessments",
     "Support to individual staff or groups, working through the risk assessment process with "
     "an identified pupil in mind, gathering and recording robust evidence.",
     "Staff confident in undertaking risk assessment with students.",
     "Behaviour and Attendance Adviser or Officer", "Half day", 1, PAYU,
     ("adviser", "officer"), "s"),
    (B, "Working with children and parents",
     "Observation and assessment of an individual student for advice on teaching strategies",
     "Agreed class observations, consultation with teachers and other key adults, and a "
     "report with suggested strategies for teaching staff.",
     "Written report. Informed advice and suggested strategies to meet the student's needs.",
     "Behaviour and Attendance Adviser", "Half day", 1, PAYU, ("adviser",), "e"),
    (B, "Working with children and parents", "Helping students manage and control their anger",
     "Agreed class observations and discussion with teachers and carers; a programme of 1:1 "
     "work with the student, with a report and suggested strategies for teaching staff.",
     "The student has strategies to control their anger and copes better in stressful "
     "situations with adults and children.",
     "Behaviour and Attendance Adviser or Officer", "5 days", 10, PAYU,
     ("adviser", "officer"), "hsp"),
    (B, "Working with children and parents",
     "Reintegration support for permanently excluded students or a managed transfer",
     "Liaison with parents, CAF and risk assessment as appropriate, a reintegration plan with "
     "school staff and in-school student support as required.",
     "Written reintegration plan on transfer; students transfer to mainstream schools "
     "successfully; written report on closure.",
     "Behaviour and Attendance Officer", "5 days (no cost to schools)", 10, FREE, ("officer",),
     "sep"),
    (B, "Working with children and parents", "CAF or risk assessment for vulnerable pupils",
     "Home or school visit for assessment.", "CAF or risk assessment completed with an action "
     "plan.", "Behaviour and Attendance Officer", "Half day", 1, PAYU, ("officer",), "s"),
    (B, "Working with children and parents", "Coping strategies for students in the classroom",
     "Agreed class observations and discussion with teachers and carers; a programme of 1:1 "
     "solution-focused work with the student, with a report and strategies.",
     "Increased mainstream classroom inclusion and improved behaviour.",
     "Behaviour and Attendance Officer", "2 days", 4, PAYU, ("officer",), "ep"),
    (B, "Working with children and parents",
     "Support school staff in developing and delivering restorative mediation",
     "Working with groups of up to 10, staff are supported in delivering restorative "
     "mediation.", "School staff confident in using restorative mediation techniques.",
     "Deputy Head of SBAS and Behaviour and Attendance Officer", "1 day", 2, PAYU,
     ("adviser", "officer"), "sp"),
    (B, "Working with children and parents", "Programme of emotional literacy support",
     "1:1 work on social skills, motivation, self-awareness, self-regulation or empathy, with "
     "observation, group work, advice and coaching for staff, then reflective practice "
     "sessions, monitoring and evaluation.",
     "Students gain an accurate assessment of their own emotions, strengths and weaknesses "
     "and how these affect their learning and behaviour.",
     "Behaviour and Attendance Adviser", "2 days", 4, PAYU, ("adviser",), "he"),
    (B, "Working with children and parents", "Social skills group work",
     "A student group with school staff focusing on relationships and self-esteem.",
     "Students have increased confidence and better relationships with peers and adults.",
     "Behaviour and Attendance Adviser or Officer", "2 days", 4, PAYU, ("adviser", "officer"),
     "hp"),
    (B, "Working with children and parents", "Parenting programmes",
     "Parenting sessions for parents of primary or secondary pupils, 1:1 weekly over six "
     "weeks or in a small community group.",
     "The pupil's behaviour and attendance improve; the parent has the confidence and skills "
     "to support their child.",
     "Behaviour & Attendance Officer, Extended Support", "2 to 3 days", 6, PAYU, ("officer",),
     "hse"),
    (B, "Exclusion from school", "Exclusion from school: workshop for head teachers",
     "Workshop for head teachers and senior managers on the legal framework and procedures "
     "for suspension and permanent exclusion.",
     "Schools informed and updated on statutory and local procedures; good practice shared.",
     "Behaviour and Attendance Interventions Co-ordinator", "Half day *", 1, PAYU,
     ("adviser",), "s"),
    (A, "Strategic", "Multi-agency representation (MARAC, Prevent and Deter)",
     "Representation on behalf of the service, schools and pupils on attendance, attainment, "
     "punctuality and child protection issues affecting pupils' welfare.",
     "Support and resources to improve attendance and punctuality; pre-CAF assessments "
     "undertaken.", "Behaviour & Attendance Officer", "Half day", 1, PAYU, ("officer",), "s"),
    (A, "Strategic", "Register audit",
     "An audit of registers with advice and guidance to schools.",
     "Schools keep to their duties under the pupil registration regulations.",
     "Behaviour & Attendance Officer", "Half day *", 1, PAYU, ("officer",), "e"),
    (A, "Strategic", "Data analysis and strategy development",
     "Focused consultation with senior leaders of attendance on the effective use of data to "
     "decide strategies and resources.", "Written report and action plans.",
     "Team Leader and B&A Officer", "Half day *", 1, PAYU, ("adviser", "officer"), "e"),
    (A, "Strategic", "Parents' evening",
     "An information stand on attendance and punctuality at a parents' evening, with two "
     "members of the team to answer questions, and a private drop-in if parents want one.",
     "Parents engage with the officer and understand the importance of regular attendance.",
     "Behaviour & Attendance Officer", "Half day *", 1, PAYU, ("officer",), "e"),
    (A, "Strategic", "Get a Life attendance initiative",
     "Tailor-made packages on attendance and punctuality: transition work, assemblies, "
     "attendance panels, drop-in sessions, truancy sweeps, mentoring and lessons.",
     "A higher profile for attendance and punctuality, and improved attendance.",
     "Behaviour & Attendance Officer", "Up to 3 days *", 6, PAYU, ("officer",), "ep"),
    (A, "Strategic", "Specialist assembly on attendance",
     "An assembly on the links between attendance, attainment and future opportunities.",
     "Pupils and parents aware of the importance of attendance and punctuality.",
     "Behaviour & Attendance Officer", "Half day *", 1, PAYU, ("officer",), "ew"),
    (A, "Capacity building", "Staff training on attendance",
     "Whole or half day INSET or twilight training on the pupil registration regulations and "
     "the law on attendance.",
     "Staff understand attendance and the legal implications of non-attendance.",
     "Behaviour & Attendance Officer", "Half day *", 1, PAYU, ("officer",), "e"),
    (A, "Capacity building", "SIMS assistance",
     "Support for staff who record and monitor attendance data: letters, registration coding "
     "and reporting.",
     "Staff confident using data to highlight attendance concerns, with letters to alert "
     "parents.", "Behaviour & Attendance Officer", "Half day *", 1, PAYU, ("officer",), "e"),
    (A, "Capacity building", "Data consultation", "Initial consultation on attendance data.",
     "Data report provided.", "Behaviour & Attendance Officer", "Half day *", 1, PAYU,
     ("officer",), "e"),
    (A, "Capacity building", "Peer mentor training",
     "Pupils trained to mentor younger children with attendance and punctuality issues.",
     "Peers trained to model and mentor pupils with low attendance.",
     "Behaviour & Attendance Officer", "1 day *", 2, PAYU, ("officer",), "ep"),
    (A, "Working with children and parents", "Attendance intervention",
     "A bespoke intervention package based on an assessment of need with the parent and "
     "child.", "Improved attendance, and parents more aware of the importance of regular "
     "attendance.", "Behaviour & Attendance Officer", "2 days", 4, PAYU, ("officer",), "e"),
    (A, "Working with children and parents", "Specialist attendance assessment",
     "A home visit to assess need where parents are hard to reach: the reasons for poor "
     "attendance or behaviour established and a support plan suggested.",
     "Written assessment of need with support, SMART targets and referrals to other agencies.",
     "Behaviour & Attendance Officer Team Leader", "Half day", 1, PAYU, ("officer",), "se"),
    (A, "Working with children and parents", "Attendance panels",
     "A meeting in school with parents and pupil where attendance is a significant concern.",
     "The officer chairs; a parenting contract and targets are set.",
     "Behaviour & Attendance Officer Team Leader", "Half day per panel for up to 3 cases *", 1,
     PAYU, ("officer",), "e"),
    (L, "Parental responsibility and legal intervention", "Education supervision order",
     "A structured legal framework for agreements between school, parent, young person and "
     "officer.", "Intensive work with the young person and family, reducing as attendance "
     "improves.", "Legal & Interventions Officer and B&A Officer", "As required", 4, FREE,
     ("legal",), "se"),
    (L, "Parental responsibility and legal intervention", "Cautions",
     "A formal legal intervention without prosecution.",
     "A formal warning where there is little co-operation, to increase attendance and "
     "engagement.", "Legal & Interventions Officer and B&A Interventions Co-ordinator",
     "Half day", 1, FREE, ("legal",), "e"),
    (L, "Parental responsibility and legal intervention", "Penalty notice (non-attendance)",
     "A financial penalty for lack of co-operation following a formal letter.",
     "Improved attendance over a short term.", "Legal & Interventions Officer", "N/A", 1, FREE,
     ("legal",), "e"),
    (L, "Parental responsibility and legal intervention", "Prosecution",
     "A summons under section 444(1) or 444(1A) of the Education Act 1996 for failure to "
     "secure regular attendance.",
     "Used where non-legal interventions have failed and the parent is capable of but not "
     "accepting responsibility.", "Legal & Interventions Officer", "3 days", 6, FREE,
     ("legal",), "e"),
    (L, "Parental responsibility and legal intervention",
     "Parental engagement and responsibility workshops",
     "Offered in place of prosecution where parenting issues affect behaviour or attendance.",
     "Parents understand the consequences of truancy and take more responsibility.",
     "Legal & Interventions Officer and B&A Officer", "Half day", 1, FREE, ("legal",), "ep"),
    (L, "Parental responsibility and legal intervention",
     "Parenting order following exclusion (civil order)",
     "An assessment, evidence and an application to court, for a pupil permanently excluded "
     "or with escalating suspensions.",
     "Parents unwilling to engage voluntarily attend a counselling or guidance programme.",
     "Legal & Interventions Officer and B&A Officer", "3 days", 6, FREE, ("legal",), "sp"),
]  # fmt: skip

#: Items schools order for one pupil, and for a group or the whole school.
_PUPIL_ITEMS = (
    "Attendance intervention",
    "Helping students manage and control their anger",
    "Coping strategies for students in the classroom",
    "Specialist attendance assessment",
    "Parenting programmes",
    "Programme of emotional literacy support",
    "CAF or risk assessment for vulnerable pupils",
    "Reintegration support for permanently excluded students or a managed transfer",
)
_GROUP_ITEMS = (
    ("Register audit", "Registers, all year groups", 1),
    ("Staff training on attendance", "Whole staff, INSET day", 60),
    ("Specialist assembly on attendance", "Year 9 assembly", 180),
    ("Social skills group work", "Year 8 nurture group", 8),
    ("Peer mentor training", "Year 10 peer mentors", 12),
)
ORDERS = 30
OFFICERS = 3
#: Each order's state in turn, and how many days before today it was ordered (from, to).
_STATES = (
    [("delivered", 80, 42)] * 5
    + [("in_progress", 95, 75)]  # running past its ten weeks
    + [("in_progress", 35, 14)] * 3
    + [("ordered", 10, 1)]
)
#: The role an order of each item is priced at: an officer where the menu offers one.
_RATES = {row[2]: "officer" if "officer" in row[9] else row[9][0] for row in MENU}


@dataclass(frozen=True)
class BudgetDemo:
    menu_items: int
    officers: int
    orders: int
    delivered: int
    in_progress: int
    not_started: int
    cancelled: int
    refunded: int
    sessions: int
    entries: int
    contributed: Decimal
    balance: Decimal


def _weekday_on_or_after(day: Date) -> Date:
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def _weekday_between(rng: random.Random, first: Date, last: Date) -> Date:
    if last <= first:
        return _weekday_on_or_after(first)
    return _weekday_on_or_after(first + datetime.timedelta(days=rng.randrange((last - first).days)))


def _build_menu(provider: Organisation) -> list[MenuItem]:
    items = MenuItem.objects.bulk_create(
        MenuItem(
            provider=provider,
            strand=strand,
            heading=heading,
            activity=activity,
            details=details,
            intended_outcomes=intended,
            provider_role=role,
            likely_duration=duration,
            estimate_half_days=half_days,
            charging=charging,
            position=i,
        )
        for i, (strand, heading, activity, details, intended, role, duration, half_days, charging,
                _, _) in enumerate(MENU)
    )  # fmt: skip
    MenuPrice.objects.bulk_create(
        MenuPrice(
            item=item, rate=rate, price_per_day=PRICES[rate][0], price_per_half_day=PRICES[rate][1]
        )
        for item, row in zip(items, MENU, strict=True)
        for rate in row[9]
    )
    outcomes = {o.code: o.pk for o in Outcome.objects.all()}
    through = MenuItem.outcomes.through
    through.objects.bulk_create(
        through(menuitem_id=item.pk, outcome_id=outcomes[_OUTCOME_CODES[letter]])
        for item, row in zip(items, MENU, strict=True)
        for letter in row[10]
        if _OUTCOME_CODES[letter] in outcomes
    )
    return items


def _manager(settings: list[Setting], actor: User) -> User:
    """The behaviour and attendance lead of the first school who may edit: seed 004 para 82,
    a partnership may appoint someone from one school to manage its pooled funds."""
    lead = (
        Membership.objects.filter(
            organisation_id__in=[s.pk for s in settings], role=Role.BA_LEADER, can_edit=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return lead.user if lead is not None else actor


class _Ledger:
    """The entries of one budget, written at the end in one insert."""

    def __init__(self, budget: PooledBudget, actor: User) -> None:
        self.budget = budget
        self.actor = actor
        self.rows: list[BudgetEntry] = []

    def add(self, **fields: object) -> None:
        self.rows.append(BudgetEntry(budget=self.budget, recorded_by=self.actor, **fields))

    def save(self) -> int:
        BudgetEntry.objects.bulk_create(self.rows, batch_size=1000)
        return len(self.rows)


def _pooled_money(
    ledger: _Ledger, settings: list[Setting], rng: random.Random, start: Date, today: Date
) -> None:
    """Contributions from every setting and the LA; spending in each category; commitments."""
    for setting in settings:
        share = D(rng.randrange(16, 31) * 500)  # £8,000 to £15,000
        ledger.add(
            kind="contribution",
            source="school",
            setting=setting,
            amount=share,
            on=_weekday_on_or_after(start + datetime.timedelta(days=6)),
            note="Agreed share for the year",
        )
    ledger.add(
        kind="contribution",
        source="devolved",
        amount=D("30000.00"),
        on=_weekday_on_or_after(start + datetime.timedelta(days=13)),
        note="Behaviour and attendance funding devolved by the local authority",
    )
    month = _weekday_on_or_after(start + datetime.timedelta(days=27))
    while month <= today:
        ledger.add(
            kind="spend",
            category="ap",
            amount=money(D(rng.randrange(2400, 4200))),
            on=month,
            note="Alternative provision places, monthly invoice",
        )
        month = _weekday_on_or_after(month + datetime.timedelta(days=28))
    ledger.add(
        kind="spend",
        category="shared_staff",
        amount=D("7250.00"),
        on=_weekday_on_or_after(start + datetime.timedelta(days=30)),
        note="Shared attendance officer, autumn term",
    )
    ledger.add(
        kind="spend",
        category="training",
        amount=D("850.00"),
        on=_weekday_on_or_after(start + datetime.timedelta(days=40)),
        note="Restorative practice training, two days",
    )
    ledger.add(
        kind="commitment",
        category="ap",
        amount=D("14000.00"),
        on=_weekday_on_or_after(start + datetime.timedelta(days=14)),
        note="Alternative provision places to the end of the year",
    )
    ledger.add(
        kind="commitment",
        category="shared_staff",
        amount=D("14500.00"),
        on=_weekday_on_or_after(start + datetime.timedelta(days=14)),
        note="Shared attendance officer, spring and summer terms",
    )


def _officers(provider: Organisation, seed: int) -> list[User]:
    fake = Faker("en_GB")
    fake.seed_instance(seed + 6)
    new = demo_staff_add(
        provider,
        count=OFFICERS,
        role=Role.LA_OFFICER,
        job_title="Behaviour and attendance officer",
        prefix="baofficer",
        fake=fake,
        can_edit=True,
    )
    key_workers = list(
        User.objects.filter(
            memberships__organisation=provider,
            memberships__role=Role.LA_OFFICER,
            memberships__job_title="Behaviour and attendance key worker",
        ).order_by("pk")[:3]
    )
    return new + key_workers


def _candidates(
    settings: list[Setting], today: Date
) -> tuple[dict[int, list[int]], list[tuple[int, int, int]]]:
    """Pupils on roll at each setting (the first few hundred), and (pupil, setting, case) of
    cases whose measures were read, for orders the outcomes can be judged by."""
    on_roll = {
        s.pk: list(
            Enrolment.objects.current(today)
            .filter(setting=s)
            .order_by("pk")
            .values_list("pupil_id", flat=True)[:300]
        )
        for s in settings
    }
    measured = list(
        CaseMeasure.objects.filter(
            read_at__isnull=False, case__setting_id__in=[s.pk for s in settings]
        )
        .values_list("case__pupil_id", "case__setting_id", "case_id")
        .distinct()
        .order_by("case_id")[:40]
    )
    return on_roll, measured


def _lengths(half_days: int) -> list[str]:
    return [DAY] * (half_days // 2) + [HALF_DAY] * (half_days % 2)


def budget_demo(*, partnership: Partnership, today: Date, actor: User, seed: int) -> BudgetDemo:
    """The menu, the pooled budget for the year of ``today`` and orders with their
    delivery and money, for the demo partnership."""
    rng = random.Random(seed * 7919 + 3)
    provider = Organisation.objects.filter(
        partnership_memberships__partnership=partnership, kind=Organisation.Kind.LA_SERVICE
    ).first()
    if provider is None:
        raise ValueError("The partnership has no local authority service.")
    settings = list(
        Setting.objects.filter(partnership_memberships__partnership=partnership).order_by("name")
    )
    items = _build_menu(provider)
    by_name = {item.activity: item for item in items}
    start_year = budget_year_of(today)
    start = Date(start_year, 9, 1)
    budget = PooledBudget.objects.create(
        partnership=partnership,
        start_year=start_year,
        accountable_manager=_manager(settings, actor),
        plan="Pooled to buy in alternative provision, a shared attendance officer, training "
        "and the service's interventions for pupils the panel agrees.",
    )
    ledger = _Ledger(budget, actor)
    _pooled_money(ledger, settings, rng, start, today)
    officers = _officers(provider, seed)
    on_roll, measured = _candidates(settings, today)
    schools = [s for s in settings if on_roll[s.pk]]
    first_order = _weekday_on_or_after(start + datetime.timedelta(days=6))
    plans = []  # (order, session lengths to deliver, refunded)
    used: set[int] = set()
    school_ids = {s.pk: s for s in schools}
    for n in range(ORDERS if schools else 0):
        setting = schools[n % len(schools)]
        pupil_id: int | None = None
        case_id: int | None = None
        if n % 6 == 5:
            name, label, size = _GROUP_ITEMS[(n // 6) % len(_GROUP_ITEMS)]
        else:
            name, label, size = _PUPIL_ITEMS[n % len(_PUPIL_ITEMS)], "", None
            if n % 2 == 0 and measured:
                pupil_id, setting_id, case_id = measured.pop(0)
                setting = school_ids.get(setting_id, setting)
            else:
                pool = [p for p in on_roll[setting.pk] if p not in used] or on_roll[setting.pk]
                pupil_id = rng.choice(pool)
            used.add(pupil_id)
        item = by_name[name]
        rate = item_rate = _RATES[name]
        half_days = item.estimate_half_days or 1
        per_day, per_half = PRICES[item_rate]
        # Half ordered early in the term and delivered, one then and still running, three
        # a few weeks ago and in progress, one in the last week and not started; one
        # cancelled. An order of a single half day in progress has been delivered.
        status, earliest, latest = _STATES[n % len(_STATES)]
        if n == 7:
            status = InterventionOrder.Status.CANCELLED
        elif status == "in_progress" and half_days == 1:
            status = InterventionOrder.Status.DELIVERED
        ordered_on = min(
            today,
            _weekday_between(
                rng,
                max(first_order, today - datetime.timedelta(days=earliest)),
                today - datetime.timedelta(days=latest),
            ),
        )
        order = InterventionOrder(
            item=item,
            budget=budget,
            setting=setting,
            pupil_id=pupil_id,
            case_id=case_id,
            group_label=label,
            group_size=size,
            rate=rate,
            half_days=half_days,
            estimate=order_estimate(
                statutory=item.is_statutory,
                half_days=half_days,
                price_per_day=per_day,
                price_per_half_day=per_half,
            ),
            paid_from="setting" if n % 4 == 3 else "pooled",
            ordered_by=actor,
            ordered_on=ordered_on,
            officer=officers[n % len(officers)] if status != "ordered" or n % 3 else None,
            starts_on=min(today, _weekday_on_or_after(ordered_on + datetime.timedelta(days=5))),
            status=status,
        )
        lengths = _lengths(half_days)
        if status == InterventionOrder.Status.IN_PROGRESS:
            lengths = lengths[: max(1, len(lengths) - 2)]
        elif status in (InterventionOrder.Status.ORDERED, InterventionOrder.Status.CANCELLED):
            lengths = []
        plans.append((order, lengths, n == 4 and status == "delivered"))
    # The refund goes to the first delivered, charged order if the fourth was not one.
    if plans and not any(refund for _, _, refund in plans):
        for i, (order, lengths, _) in enumerate(plans):
            if order.status == "delivered" and order.estimate > 0:
                plans[i] = (order, lengths, True)
                break
    InterventionOrder.objects.bulk_create([order for order, _, _ in plans])
    sessions = []
    money_plan = []
    for order, lengths, refund in plans:
        assert order.starts_on is not None
        day = order.starts_on
        charges = []
        for length in lengths:
            day = min(day, today)
            charge = session_charge(
                statutory=order.item.is_statutory,
                length=length,
                price_per_day=PRICES[order.rate][0],
                price_per_half_day=PRICES[order.rate][1],
            )
            sessions.append(
                DeliveredSession(
                    order=order,
                    on=day,
                    length=length,
                    rate=order.rate,
                    officer=order.officer,
                    charge=charge,
                    recorded_by=order.officer or actor,
                )
            )
            charges.append((day, charge))
            day = _weekday_on_or_after(day + datetime.timedelta(days=7))
        if order.status in ("delivered", "cancelled"):
            order.finished_on = min(today, max([order.starts_on, *(d for d, _ in charges)]))
        money_plan.append((order, charges, refund))
    DeliveredSession.objects.bulk_create(sessions, batch_size=1000)
    InterventionOrder.objects.bulk_update(
        [o for o, _, _ in money_plan if o.finished_on], ["finished_on"]
    )
    refunded = 0
    for order, charges, refund in money_plan:
        account = "pooled" if order.paid_from == "pooled" else "setting"
        common = {"account": account, "category": "interventions", "setting": order.setting}
        if order.estimate:
            ledger.add(kind="commitment", amount=order.estimate, on=order.ordered_on, order=order,
                       **common)  # fmt: skip
        left = order.estimate
        for day, charge in charges:
            if not charge:
                continue
            released = release_for(charge, left)
            left -= released
            ledger.add(kind="spend", amount=charge, on=day, order=order, **common)
            if released:
                ledger.add(kind="release", amount=released, on=day, order=order, **common)
        if order.finished_on and left:
            ledger.add(kind="release", amount=left, on=order.finished_on, order=order, **common)
        charged = sum((c for _, c in charges), ZERO)
        if refund and charged:
            refunded += 1
            ledger.add(kind="refund", amount=charged, on=min(today, order.finished_on or today),
                       order=order, note="Not delivered", **common)  # fmt: skip
    entries = ledger.save()
    pooled = [e for e in ledger.rows if e.account == "pooled"]
    contributed = sum((e.amount for e in pooled if e.kind == "contribution"), ZERO)
    signs = {"contribution": 1, "spend": -1, "commitment": -1, "release": 1, "refund": 1}
    balance = sum((e.amount * signs[e.kind] for e in pooled), ZERO)
    statuses = [o.status for o, _, _ in plans]
    return BudgetDemo(
        menu_items=len(items),
        officers=len(officers),
        orders=len(plans),
        delivered=statuses.count("delivered"),
        in_progress=statuses.count("in_progress"),
        not_started=statuses.count("ordered"),
        cancelled=statuses.count("cancelled"),
        refunded=refunded,
        sessions=len(sessions),
        entries=entries,
        contributed=contributed,
        balance=balance,
    )

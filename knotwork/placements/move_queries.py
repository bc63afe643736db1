"""What the managed-move pages read: the moves a user may see, one move with its
reviews and its before-and-after figures, and the partnership's monitor."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404

from knotwork.accounts.models import Membership, User
from knotwork.attendance.dashboard_queries import ETHNIC_GROUPS
from knotwork.behaviour.models import Exclusion
from knotwork.behaviour.patterns import GroupCount, GroupRow, suppressed_rows
from knotwork.casework.case_queries import attendance_rate
from knotwork.directory.models import Partnership, PartnershipMember, Setting
from knotwork.placements import move_rules as rules
from knotwork.placements.move_models import ManagedMove
from knotwork.pupils.access import PARTNERSHIP_ROLES, SETTING_ROLES, visible_among
from knotwork.pupils.models import Enrolment, Pupil, SenProvision, Sex

Date = datetime.date
YEAR = datetime.timedelta(days=365)
DAY = datetime.timedelta(days=1)


def success_days() -> int:
    return int(settings.KNOTWORK_MANAGED_MOVE_SUCCESS_DAYS)


# --- Which moves a user sees ---------------------------------------------------------------------


def _settings_in_scope(user: User | AnonymousUser) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    memberships = list(Membership.objects.filter(user=user))
    ids = {m.organisation_id for m in memberships if m.role in SETTING_ROLES}
    officer_orgs = [m.organisation_id for m in memberships if m.role in PARTNERSHIP_ROLES]
    if officer_orgs:
        ids.update(
            Setting.objects.filter(
                partnership_memberships__partnership__memberships__organisation_id__in=officer_orgs
            ).values_list("pk", flat=True)
        )
    return ids


def moves_for_user(user: User | AnonymousUser, today: Date) -> list[ManagedMove]:
    """Moves from or to the settings the user works for (or, for the partnership's
    officers, its settings) whose pupil the user sees today, newest first."""
    scope = _settings_in_scope(user)
    if not scope:
        return []
    moves = list(
        ManagedMove.objects.filter(Q(from_setting_id__in=scope) | Q(to_setting_id__in=scope))
        .select_related("pupil", "from_setting", "to_setting")
        .order_by("-starts_on", "pk")
    )
    seen = visible_among(user, {m.pupil_id for m in moves}, today)
    return [m for m in moves if m.pupil_id in seen]


def move_for_user(user: User | AnonymousUser, move_uuid: uuid_module.UUID | str) -> ManagedMove:
    """The move if the user sees its pupil and works for one of its schools (or is an
    officer of their partnership); 404 otherwise."""
    move = (
        ManagedMove.objects.filter(uuid=move_uuid)
        .select_related("pupil", "from_setting", "to_setting", "agenda_item__meeting")
        .first()
    )
    if move is None:
        raise Http404("No such move")
    scope = _settings_in_scope(user)
    if not ({move.from_setting_id, move.to_setting_id} & scope) or not visible_among(
        user, [move.pupil_id]
    ):
        raise Http404("No such move")
    return move


def stays_at(move: ManagedMove, enrolments: Sequence[Enrolment]) -> list[rules.Stay]:
    return [
        rules.Stay(e.start_date, e.end_date)
        for e in enrolments
        if e.pupil_id == move.pupil_id and e.setting_id == move.to_setting_id
    ]


def success_of(move: ManagedMove, enrolments: Sequence[Enrolment], today: Date) -> bool | None:
    return rules.move_success(
        status=move.status,
        finalised_on=move.finalised_on,
        stays=stays_at(move, enrolments),
        today=today,
        success_days=success_days(),
    )


# --- One move: the year before and the year after ------------------------------------------------


@dataclass(frozen=True)
class BeforeAfter:
    before: tuple[Date, Date]
    after: tuple[Date, Date]
    attendance_before: Decimal | None
    attendance_after: Decimal | None
    suspensions_before: int
    suspensions_after: int

    @property
    def attendance_change(self) -> Decimal | None:
        return rules.change(self.attendance_before, self.attendance_after)

    @property
    def suspensions_change(self) -> Decimal | None:
        return rules.change(self.suspensions_before, self.suspensions_after)


def before_and_after(move: ManagedMove, today: Date) -> BeforeAfter:
    """Attendance (from the registers, ``casework.case_queries.attendance_rate``) and
    suspensions in the year before the move started and the year from its start (to
    today, while that year runs)."""
    before = (move.starts_on - YEAR, move.starts_on - DAY)
    after = (move.starts_on, min(move.starts_on + YEAR - DAY, today))
    suspensions = list(
        Exclusion.objects.filter(
            pupil_id=move.pupil_id,
            kind=Exclusion.Kind.SUSPENSION,
            start_date__range=(before[0], after[1]),
        ).values_list("start_date", flat=True)
    )
    return BeforeAfter(
        before=before,
        after=after,
        attendance_before=attendance_rate(move.pupil, *before),
        attendance_after=attendance_rate(move.pupil, *after) if after[1] >= after[0] else None,
        suspensions_before=sum(1 for d in suspensions if d <= before[1]),
        suspensions_after=sum(1 for d in suspensions if d >= after[0]),
    )


# --- The monitor ---------------------------------------------------------------------------------


def monitor_partnerships(user: User | AnonymousUser) -> list[Partnership]:
    """Partnerships whose figures the user may read: any place in them."""
    if not user.is_authenticated or not user.is_active:
        return []
    orgs = Membership.objects.filter(user=user).values("organisation_id")
    return list(
        Partnership.objects.filter(memberships__organisation_id__in=orgs)
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class SettingRow:
    setting: Setting
    sent: int
    received: int
    judged: int  # of the moves it received
    successful: int
    in_trial: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.successful, self.judged) if self.judged else None

    @property
    def per_cent(self) -> Decimal | None:
        return rules.per_cent(self.rate)


@dataclass(frozen=True)
class GroupTable:
    slug: str
    title: str
    rows: list[GroupRow]
    flagged: list[str]  # labels of groups whose use stands out


@dataclass(frozen=True)
class Monitor:
    partnership: Partnership
    today: Date
    settings: list[SettingRow]
    moves: int
    by_status: dict[str, int]
    judged: int
    successful: int
    waiting: int  # made permanent, the year not yet up
    groups: list[GroupTable]
    minimum: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.successful, self.judged) if self.judged else None

    @property
    def per_cent(self) -> Decimal | None:
        return rules.per_cent(self.rate)

    @property
    def band(self) -> str | None:
        return rules.band(self.rate)


#: A pupil group: its label, the filter that counts it on roll, and the test of a pupil.
Group = tuple[str, Q, Callable[[Pupil], bool]]


def _is(field: str, value: Any) -> Callable[[Pupil], bool]:
    def test(pupil: Pupil) -> bool:
        return bool(getattr(pupil, field) == value)

    return test


def _within(codes: tuple[str, ...]) -> Callable[[Pupil], bool]:
    def test(pupil: Pupil) -> bool:
        return pupil.ethnicity in codes

    return test


def _by(field: str, choices: Sequence[tuple[Any, str]]) -> list[Group]:
    return [(label, Q(**{field: code}), _is(field, code)) for code, label in choices]


def _groups() -> list[tuple[str, str, list[Group]]]:
    """The monitor's pupil groups: (slug, title, groups)."""
    ethnic: list[Group] = [
        (major, Q(ethnicity__in=codes), _within(codes)) for major, codes in ETHNIC_GROUPS
    ]
    yes_no = [(True, ""), (False, "Not ")]
    return [
        ("gender", "By gender", _by("sex", Sex.choices)),
        ("sen", "By special educational needs provision",
         _by("sen_provision", SenProvision.choices)),
        ("fsm", "By eligibility for free school meals",
         _by("fsm_eligible", [(v, f"{n}eligible".capitalize()) for v, n in yes_no])),
        ("ethnicity", "By ethnicity (major group)", ethnic),
        ("looked-after", "Looked after children",
         _by("looked_after", [(v, f"{n}looked after".capitalize()) for v, n in yes_no])),
        ("child-in-need", "Children in need",
         _by("child_in_need", [(v, f"{n}in need".capitalize()) for v, n in yes_no])),
    ]  # fmt: skip


#: How long the roll by pupil group is kept: it is the denominator of the monitor's group
#: rates, a figure of the day (its key names the day), and counting it is most of the
#: page's time with a large roll, so ``knotwork placements figures`` works it out before
#: the day starts, in the cache every web process reads.
ROLL_CACHE_SECONDS = 26 * 60 * 60


def _roll_key(partnership: Partnership, setting_ids: list[int], today: Date) -> str:
    settings_ = "-".join(str(pk) for pk in sorted(setting_ids))
    return f"placements:roll:{partnership.uuid}:{today.isoformat()}:{settings_}"


def monitor_setting_ids(partnership: Partnership) -> list[int]:
    """The partnership's settings, whose moves and roll the monitor reads."""
    return list(
        PartnershipMember.objects.filter(
            partnership=partnership, organisation__kind="setting"
        ).values_list("organisation_id", flat=True)
    )


def monitor_figures_keep(partnership: Partnership, today: Date) -> dict[str, int]:
    """Count the monitor's roll by pupil group for the day and keep it, for the pages."""
    setting_ids = monitor_setting_ids(partnership)
    found = _roll_counted(setting_ids, today)
    caches["figures"].set(_roll_key(partnership, setting_ids, today), found, ROLL_CACHE_SECONDS)
    return found


def _roll_counts(partnership: Partnership, setting_ids: list[int], today: Date) -> dict[str, int]:
    """Pupils on roll today at the settings, in each group: kept for the day (130,000
    pupils take over 100 ms to count on PostgreSQL), counted when not kept yet."""
    key = _roll_key(partnership, setting_ids, today)
    found = caches["figures"].get(key)
    if found is not None:
        return dict(found)
    found = _roll_counted(setting_ids, today)
    caches["figures"].set(key, found, ROLL_CACHE_SECONDS)
    return found


def _roll_counted(setting_ids: list[int], today: Date) -> dict[str, int]:
    """Pupils on roll today at the settings, in each group, in one pass."""
    on_roll = Enrolment.objects.current(today).filter(
        pupil=OuterRef("pk"), setting_id__in=setting_ids
    )
    counts: dict[str, Count] = {"all": Count("pk")}
    for slug, _, groups in _groups():
        for i, (_, condition, _) in enumerate(groups):
            counts[f"{slug}_{i}"] = Count("pk", filter=condition)
    return dict(Pupil.objects.filter(Exists(on_roll)).aggregate(**counts))


def _group_tables(
    moves: Sequence[ManagedMove], roll: dict[str, int], minimum: int
) -> list[GroupTable]:
    tables = []
    total_moves = len(moves)
    total_pupils = len({m.pupil_id for m in moves})
    for slug, title, groups in _groups():
        counts = []
        flagged = []
        for i, (label, _, test) in enumerate(groups):
            in_group = [m for m in moves if test(m.pupil)]
            on_roll = roll[f"{slug}_{i}"]
            counts.append(
                GroupCount(
                    label=label,
                    on_roll=on_roll,
                    uses=len(in_group),
                    pupils=len({m.pupil_id for m in in_group}),
                )
            )
            if rules.disproportionate(
                len(in_group), on_roll, total_moves - len(in_group), roll["all"] - on_roll
            ):
                flagged.append(label)
        counts.append(
            GroupCount(
                label="All pupils on roll",
                on_roll=roll["all"],
                uses=total_moves,
                pupils=total_pupils,
                total=True,
            )
        )
        rows = suppressed_rows(counts, minimum)
        shown = {r.label for r in rows if r.cells["uses_rate"] != "x"}
        tables.append(GroupTable(slug, title, rows, [f for f in flagged if f in shown]))
    return tables


def monitor(partnership: Partnership, today: Date) -> Monitor:
    """Every move from the partnership's settings: sent and received by setting, success
    as Annex A defines it (from the enrolments), and use by pupil group against the
    pupils on roll today."""
    setting_ids = monitor_setting_ids(partnership)
    settings_ = {s.pk: s for s in Setting.objects.filter(pk__in=setting_ids).order_by("name")}
    moves = list(
        ManagedMove.objects.filter(from_setting_id__in=setting_ids).select_related("pupil")
    )
    enrolments = list(
        Enrolment.objects.filter(
            pupil_id__in={m.pupil_id for m in moves},
            setting_id__in={m.to_setting_id for m in moves},
        )
    )
    outcomes = {m.pk: success_of(m, enrolments, today) for m in moves}
    tally: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m in moves:
        tally[m.from_setting_id]["sent"] += 1
        tally[m.to_setting_id]["received"] += 1
        if m.status == ManagedMove.Status.TRIAL:
            tally[m.to_setting_id]["in_trial"] += 1
        if outcomes[m.pk] is not None:
            tally[m.to_setting_id]["judged"] += 1
            tally[m.to_setting_id]["successful"] += int(bool(outcomes[m.pk]))
    rows = [
        SettingRow(
            setting=s,
            sent=tally[pk]["sent"],
            received=tally[pk]["received"],
            judged=tally[pk]["judged"],
            successful=tally[pk]["successful"],
            in_trial=tally[pk]["in_trial"],
        )
        for pk, s in settings_.items()
    ]
    by_status = {status: 0 for status in ManagedMove.Status.values}
    for m in moves:
        by_status[m.status] += 1
    minimum = int(settings.KNOTWORK_ATTENDANCE_SUPPRESS_BELOW)
    return Monitor(
        partnership=partnership,
        today=today,
        settings=rows,
        moves=len(moves),
        by_status=by_status,
        judged=sum(1 for o in outcomes.values() if o is not None),
        successful=sum(1 for o in outcomes.values() if o),
        waiting=sum(
            1 for m in moves if m.status == ManagedMove.Status.PERMANENT and outcomes[m.pk] is None
        ),
        groups=_group_tables(moves, _roll_counts(partnership, setting_ids, today), minimum),
        minimum=minimum,
    )


@dataclass(frozen=True)
class YearAfter:
    """Moves whose year from the start is over, and how their pupils did in it against
    the year before (Annex A 3.1: "tracked over a year and demonstrates an improving
    trend from the previous placement")."""

    partnership: Partnership
    tracked: int
    with_attendance: int  # moves with registers in both years
    attendance_before: Decimal | None  # mean of the pupils' rates
    attendance_after: Decimal | None
    attendance_improved: int
    suspensions_before: int
    suspensions_after: int
    fewer_suspensions: int
    minimum: int

    @property
    def shown(self) -> bool:
        return self.tracked >= self.minimum

    @property
    def attendance_change(self) -> Decimal | None:
        return rules.change(self.attendance_before, self.attendance_after)

    @property
    def suspensions_change(self) -> int:
        return self.suspensions_after - self.suspensions_before


def _mean(values: Sequence[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"))


def year_after(partnership: Partnership, today: Date) -> YearAfter:
    """Every move from the partnership's settings that started at least a year ago, each
    pupil's attendance and suspensions in the year before and the year after."""
    setting_ids = PartnershipMember.objects.filter(partnership=partnership).values(
        "organisation_id"
    )
    moves = list(
        ManagedMove.objects.filter(
            from_setting_id__in=setting_ids, starts_on__lte=today - YEAR + DAY
        ).select_related("pupil")
    )
    figures = [before_and_after(m, today) for m in moves]
    both = [
        f for f in figures if f.attendance_before is not None and f.attendance_after is not None
    ]
    return YearAfter(
        partnership=partnership,
        tracked=len(figures),
        with_attendance=len(both),
        attendance_before=_mean(
            [f.attendance_before for f in both if f.attendance_before is not None]
        ),
        attendance_after=_mean(
            [f.attendance_after for f in both if f.attendance_after is not None]
        ),
        attendance_improved=sum(1 for f in both if (f.attendance_change or 0) > 0),
        suspensions_before=sum(f.suspensions_before for f in figures),
        suspensions_after=sum(f.suspensions_after for f in figures),
        fewer_suspensions=sum(1 for f in figures if f.suspensions_after < f.suspensions_before),
        minimum=int(settings.KNOTWORK_ATTENDANCE_SUPPRESS_BELOW),
    )


MONITOR_HEADER = [
    "Setting",
    "Moves sent",
    "Moves received",
    "In trial",
    "Judged (one year on)",
    "Successful",
    "Success rate (%)",
    "Annex A band",
]


def monitor_lines(m: Monitor) -> list[list[str]]:
    """The per-setting table, then the partnership, as the page's text."""
    lines = [
        [
            r.setting.name,
            str(r.sent),
            str(r.received),
            str(r.in_trial),
            str(r.judged),
            str(r.successful),
            "" if r.per_cent is None else str(r.per_cent),
            rules.band(r.rate) or "",
        ]
        for r in m.settings
    ]
    lines.append(
        [
            m.partnership.name,
            str(m.moves),
            str(m.moves),
            str(m.by_status["trial"]),
            str(m.judged),
            str(m.successful),
            "" if m.per_cent is None else str(m.per_cent),
            m.band or "",
        ]
    )
    return lines

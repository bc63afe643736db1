"""One academic year of the demo's behaviour records, for the enrolments at the settings
that share a calendar: permanent exclusions, suspensions (random, and this year's
scripted cases), their incidents, and the registers brought into line."""

from __future__ import annotations

import datetime
import functools
import random
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knotwork.attendance.models import Register
from knotwork.attendance.queries import YearOfSessions
from knotwork.behaviour import rules
from knotwork.behaviour.demo import incidents
from knotwork.behaviour.demo.records import Columns, ExclusionPlan, Records
from knotwork.behaviour.demo.roll import (
    Context,
    as_date,
    risk_factors,
    scale_for,
    utc_offset,
    year_groups,
)
from knotwork.behaviour.demo.tables import (
    BULLYING,
    BULLYING_TYPES,
    CANCELLED_SHARE,
    EVENING,
    EXCLUDED_ACTION,
    EXCLUSION_REASONS,
    FURTHER_SUSPENSIONS,
    KIND_INDEX,
    LA_PROVISION,
    LA_TUITION,
    LENGTHS,
    MORNING_SLOTS,
    MOST_DAYS,
    NEAR_CAP_DAYS,
    ONE_OR_MORE,
    ONLINE_SLOT,
    PENDING_PER_PUPIL,
    PERMANENT,
    PERMANENT_PER_100,
    PRESENT,
    PRESENT_AM,
    PRESENT_PM,
    REASON_COUNTS,
    REASON_INCIDENT,
    SCHOOL_PROVISION,
    SCHOOL_PROVISION_AT,
    SLOTS,
    SUSPENDED,
    SUSPENDED_ACTION,
    SUSPENSION,
    SUSPENSION_REASONS,
    TOLD_HOW,
    WEEKDAYS,
    K,
)
from knotwork.termdates.models import AcademicYear
from knotwork.termdates.queries import school_days_for
from knotwork.termdates.school_days import SchoolDays

Date = datetime.date
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Days = npt.NDArray[np.datetime64]


@dataclass(frozen=True)
class Route:
    """A permanent exclusion's way through the governing board and the independent review,
    in school days: the board meets ``board`` days after the parents were told and upholds
    it, its letter goes the next day; if the parents apply for a review (``review``), they
    do ``applied`` days after the letter and the panel decides ``decided`` days after that;
    if it asks the board to reconsider, the board meets again ``again`` days on and upholds
    it once more."""

    board: int
    review: bool
    applied: int
    decided: int
    outcome: str
    again: int

    @property
    def off_roll(self) -> int:
        """School days from the parents told to the pupil's last day on roll."""
        letter = self.board + 1
        if not self.review:
            return letter + rules.REVIEW_WINDOW_SCHOOL_DAYS
        decided = letter + self.applied + self.decided
        return decided if self.outcome == "upheld" else decided + self.again


class Year:
    """One calendar's academic year: its school days, the enrolments on roll in it up to
    yesterday with their registers, and the records made for them.

    ``r`` numbers the enrolments on roll in the year; ``self.rows[r]`` is the index of
    the enrolment in the roll. Days are indices into the year's school days, sessions
    indices into its registers.
    """

    def __init__(self, context: Context, rows: Ints, calendar: YearOfSessions) -> None:
        self.context = context
        roll = context.roll
        self.today = context.today
        self.calendar_id = calendar.year.calendar_id
        self.start_year = calendar.year.start_year
        self.sessions = calendar.sessions
        self.dates: tuple[Date, ...] = calendar.sessions.days
        self.days: Days = np.asarray(self.dates, dtype="datetime64[D]")
        d = self.days.shape[0]
        self.through = int(np.searchsorted(self.days, np.datetime64(self.today), side="left"))
        self.closed = np.zeros(2 * d, dtype=np.bool_)
        self.closed[sorted(calendar.sessions.closed)] = True
        self.open_sessions = np.flatnonzero(~self.closed).astype(np.int64)
        self.position = np.full(2 * d, -1, dtype=np.int64)
        self.position[self.open_sessions] = np.arange(self.open_sessions.shape[0])
        open_day = ~(self.closed[0::2] & self.closed[1::2])
        self.open_days = np.flatnonzero(open_day).astype(np.int64)
        self.weekday = ((self.days.astype(np.int64) + 3) % 7).clip(0, 4)  # 1/1/1970: Thursday
        self.cumulative = np.concatenate(
            [[0.0], np.cumsum(np.asarray(WEEKDAYS)[self.weekday] * open_day)]
        )
        self.term = self._terms(calendar.year)
        self.offset = np.asarray([utc_offset(day) for day in self.dates], dtype=np.int64)

        first = np.searchsorted(self.days, roll.start[rows], side="left").astype(np.int64)
        ends = np.where(np.isnat(roll.end[rows]), self.days[-1], roll.end[rows])
        last = np.searchsorted(self.days, ends, side="right").astype(np.int64) - 1
        keep = (first <= last) & (first < self.through)
        self.rows = rows[keep]
        self.first, self.last = first[keep], last[keep]
        self.stop = np.minimum(self.last + 1, self.through)  # incidents on days first..stop-1
        self.bound = 2 * (self.last + 1)  # suspended sessions come before this one
        self.blocked = np.zeros(len(self), dtype=np.bool_)  # no random suspensions
        self.pupil = roll.pupil[self.rows]
        self.setting = roll.setting[self.rows]
        self.factor = risk_factors(roll, self.rows, self.start_year, context.units)
        self.rng = np.random.default_rng([context.seed, 4, self.start_year])
        self.py = random.Random(f"{context.seed}-behaviour-{self.start_year}")

        self.register_ids, self.marks = self._registers(calendar.year)
        self.original = self.marks.copy()
        self._clear_stray_suspensions()
        self.present = PRESENT[self.marks]
        self.chance = np.ones(len(self))
        self.suspended = np.zeros(len(self), dtype=np.bool_)
        self.exclusions: list[ExclusionPlan] = []
        self.linked: list[tuple[int, int, int, int, int, int, int, bool, int]] = []
        self.incidents = Columns()
        self.roles = Columns()
        self.withdrawals = Columns()

    def __len__(self) -> int:
        return int(self.rows.shape[0])

    # Reading the year ---------------------------------------------------------------------

    def _terms(self, year: AcademicYear) -> Ints:
        """Each school day's term (0 autumn, 1 spring, 2 summer), for the board's clocks."""
        names = {"autumn": 0, "spring": 1, "summer": 2}
        term = np.zeros(self.days.shape[0], dtype=np.int64)
        for t in year.terms.all():
            inside = (self.days >= np.datetime64(t.starts_on)) & (
                self.days <= np.datetime64(t.ends_on)
            )
            term[inside] = names.get(t.name, 0)
        return term

    def _registers(self, year: AcademicYear) -> tuple[Ints, npt.NDArray[np.uint8]]:
        roll = self.context.roll
        row_of = {e: r for r, e in enumerate(roll.enrolment[self.rows].tolist())}
        ids = np.full(len(self), -1, dtype=np.int64)
        marks = np.zeros((len(self), len(self.sessions)), dtype=np.uint8)
        settings = sorted({self.context.setting_pks[s] for s in self.setting.tolist()})
        registers = Register.objects.filter(
            academic_year=year, enrolment__setting_id__in=settings
        ).values_list("pk", "enrolment_id", "marks")
        for register_id, enrolment_id, row in registers:
            r = row_of.get(enrolment_id)
            if r is None:
                continue
            data = np.frombuffer(bytes(row)[: marks.shape[1]], dtype=np.uint8)
            marks[r, : data.shape[0]] = data
            ids[r] = register_id
        return ids, marks

    def _clear_stray_suspensions(self) -> None:
        """Registers say E only for the suspensions made here: any other E becomes present."""
        stray = self.marks == SUSPENDED
        present = np.where(np.arange(self.marks.shape[1]) % 2 == 0, PRESENT_AM, PRESENT_PM)
        self.marks[stray] = np.broadcast_to(present.astype(np.uint8), self.marks.shape)[stray]

    @functools.cached_property
    def school_days(self) -> SchoolDays:
        """The calendar's school days this year and next, as the exclusion rules count them."""
        found = school_days_for([self.calendar_id], [self.start_year, self.start_year + 1])
        return found[self.calendar_id]

    def exposure(self) -> Floats:
        """Share of the year's school days each enrolment is on roll, up to yesterday; dual
        registered pupils spend two days a week at school and three at the unit."""
        days = np.maximum(self.stop - self.first, 0) / max(1, self.open_days.shape[0])
        registration = self.context.roll.registration[self.rows]
        share = np.where(registration == "M", 0.4, np.where(registration == "S", 0.6, 1.0))
        return np.asarray(days * share, dtype=np.float64)

    # Dates ---------------------------------------------------------------------------------

    def _after(self, day: Date, n: int) -> Date:
        """The school day n school days after day (weekdays, past the end of the year)."""
        open_dates = self.days[self.open_days]
        at = int(np.searchsorted(open_dates, np.datetime64(day), side="right")) - 1 + n
        if at < open_dates.shape[0]:
            return self.dates[int(self.open_days[at])]
        extra = at - open_dates.shape[0] + 1
        return as_date(np.busday_offset(self.days[-1], extra, roll="forward"))

    def _next_open_session(self, session: int) -> int | None:
        at = int(np.searchsorted(self.open_sessions, session, side="left"))
        return int(self.open_sessions[at]) if at < self.open_sessions.shape[0] else None

    def _covered(self, start: int, sessions: int, bound: int) -> Ints:
        at = int(self.position[start])
        covered = self.open_sessions[at : at + sessions]
        return covered[covered < bound]

    def _force_present(self, r: int, day: int) -> None:
        """The day of an incident behind a scripted exclusion: the pupil was in."""
        for half, code in ((0, PRESENT_AM), (1, PRESENT_PM)):
            session = 2 * day + half
            if self.marks[r, session] and not self.closed[session]:
                self.marks[r, session] = code
                self.present[r, session] = True

    # Exclusions ----------------------------------------------------------------------------

    def _reasons(self, table: Mapping[str, float]) -> tuple[str, ...]:
        count = self.py.choices((1, 2, 3), weights=REASON_COUNTS)[0]
        codes, weights = list(table), list(table.values())
        chosen: list[str] = []
        while len(chosen) < count:
            code = self.py.choices(codes, weights=weights)[0]
            if code not in chosen:
                chosen.append(code)
        return tuple(chosen)

    def _exclude(
        self,
        r: int,
        *,
        kind: str,
        start: int,
        incident_day: int,
        covered: Ints,
        provided_from: int = -1,
        code: int = SCHOOL_PROVISION,
        morning: bool | None = None,
    ) -> ExclusionPlan:
        """A suspension or exclusion from the session ``start``, after an incident."""
        reasons = self._reasons(SUSPENSION_REASONS if kind == SUSPENSION else EXCLUSION_REASONS)
        severity = 4 if kind == PERMANENT else self.py.choice((3, 3, 4))
        action = SUSPENDED_ACTION if kind == SUSPENSION else EXCLUDED_ACTION
        incident = self._linked_incident(r, incident_day, reasons[0], severity, action, morning)
        session = self.sessions.session_at(start)
        plan = ExclusionPlan(
            row=int(self.rows[r]),
            year_row=r,
            kind=kind,
            start=session.date,
            start_half=session.half,
            sessions=int(covered.shape[0]) if kind == SUSPENSION else None,
            reasons=reasons,
            incident=incident,
            covered=covered,
            provided_from=provided_from,
            provision_code=code,
        )
        self._notify(plan, incident_day)
        self.exclusions.append(plan)
        return plan

    def _linked_incident(
        self, r: int, day: int, reason: str, severity: int, action: int, morning: bool | None
    ) -> int:
        """The incident behind an exclusion, on a day the pupil was in; its index."""
        kind, bullying, racist = REASON_INCIDENT[reason]
        if kind == K.DISRUPTION and self.py.random() < 0.5:
            kind = K.DEFIANCE
        am, pm = bool(self.present[r, 2 * day]), bool(self.present[r, 2 * day + 1])
        slots = list(range(len(SLOTS)))
        if morning or (am and not pm):
            slots = slots[:MORNING_SLOTS]
        elif pm and not am:
            slots = slots[MORNING_SLOTS:]
        slot = self.py.choices(slots, weights=[SLOTS[s].weight for s in slots])[0]
        minute = self.py.randrange(SLOTS[slot].first, SLOTS[slot].last)
        if kind == K.ONLINE:
            slot, minute = ONLINE_SLOT, self.py.randrange(*EVENING)
        if reason == "BU":
            bullying = self.py.choices(list(BULLYING_TYPES), list(BULLYING_TYPES.values()))[0]
        self.linked.append(
            (r, day, slot, minute, KIND_INDEX[kind], severity, BULLYING.index(bullying),
             racist or bullying == "racist", action)
        )  # fmt: skip
        return len(self.linked) - 1

    def _notify(self, plan: ExclusionPlan, day: int, *, la: bool = True) -> None:
        """Parents told on the day of the decision; the local authority, the governing board
        and (where the pupil has one) the social worker and virtual school that day or the
        next school day."""
        roll = self.context.roll
        told = self.dates[day]
        others = self._after(told, 1) if self.py.random() < 0.3 else told
        others = others if others < self.today else told
        how = self.py.choices(list(TOLD_HOW), list(TOLD_HOW.values()))[0]
        plan.notices.update(
            parents_told_on=told,
            parents_told_how=how,
            la_told_on=others if la else None,
            governors_told_on=others,
        )
        if roll.child_in_need[plan.row] or roll.looked_after[plan.row]:
            plan.notices["social_worker_told_on"] = others
        if roll.looked_after[plan.row]:
            plan.notices["virtual_school_told_on"] = others

    def _school_provision(self) -> str:
        return self.py.choice(SCHOOL_PROVISION_AT).format(unit=self.context.unit_name)

    def _arrange_provision(self, plan: ExclusionPlan, by: str, where: str) -> None:
        if plan.provided_from < 0 or plan.provided_from >= plan.covered.shape[0]:
            plan.provided_from = -1
            return
        day = self.sessions.session_at(int(plan.covered[plan.provided_from])).date
        plan.notices.update(provision_by=by, provision_where=where, provision_from=day)

    def _board_meets(self, plan: ExclusionPlan, day: Date, reinstated: float = 0.04) -> None:
        if day >= self.today:
            return
        outcome = "reinstated" if self.py.random() < reinstated else "upheld"
        plan.notices.update(board_met_on=day, board_outcome=outcome)
        sent = self._after(day, 1)
        if sent < self.today:
            plan.notices["board_decision_sent_on"] = sent

    def _board_steps(self, plans: list[ExclusionPlan]) -> None:
        """Governing board meetings where a pupil's suspensions in a term go over 15 days
        (within 15 school days), or over 5 days and the parents ask (within 50)."""
        totals: dict[int, float] = {}
        for plan in plans:
            if plan.notices.get("cancelled_on"):
                continue
            term = int(self.term[self.sessions.index_of(plan.start, "AM") // 2])
            totals[term] = totals.get(term, 0.0) + (plan.sessions or 0) / 2
            told = plan.notices["parents_told_on"]
            if totals[term] > 15:
                self._board_meets(plan, self._after(told, self.py.randint(6, 12)))
            elif totals[term] > 5 and self.py.random() < 0.15:
                asked = self._after(told, self.py.randint(1, 4))
                if asked < self.today:
                    plan.notices["parents_representations_on"] = asked
                    self._board_meets(plan, self._after(asked, self.py.randint(10, 30)))

    def _route(self) -> Route:
        """How a permanent exclusion goes through the board and the review: the board meets
        within 15 school days, a fifth of parents ask for a review, the panel mostly upholds
        the decision."""
        return Route(
            board=self.py.randint(8, 14),
            review=self.py.random() < 0.2,
            applied=self.py.randint(5, 14),
            decided=self.py.randint(15, 20),
            outcome=self.py.choices(("upheld", "reconsider", "quashed"), (70, 20, 10))[0],
            again=self.py.randint(3, 8),
        )

    def _review_steps(self, plan: ExclusionPlan, route: Route) -> None:
        """A permanent exclusion's board and review, as far as they have gone by today."""
        told = plan.notices["parents_told_on"]
        self._board_meets(plan, self._after(told, route.board), reinstated=0)
        sent = plan.notices.get("board_decision_sent_on")
        if sent is None or not route.review:
            return
        applied = self._after(sent, route.applied)
        if applied >= self.today:
            return
        plan.notices["review_applied_on"] = applied
        decided = self._after(applied, route.decided)
        if decided >= self.today:
            return
        plan.notices.update(review_decided_on=decided, review_outcome=route.outcome)
        if route.outcome != "upheld":  # the board reconsiders, and upholds it
            self._board_meets(plan, self._after(decided, route.again), reinstated=0)

    def _off_roll(self, plan: ExclusionPlan) -> None:
        """A permanently excluded pupil comes off the school's roll on the day the review
        route gives (``rules.off_roll_day``), the register blank after it; while the route
        is still open they stay on roll."""
        n = plan.notices
        facts = rules.ExclusionFacts(
            ref=plan.row,
            calendar=self.calendar_id,
            setting=int(self.setting[plan.year_row]),
            permanent=True,
            start=plan.start,
            start_half="PM" if plan.start_half == "PM" else "AM",
            board_met_on=n.get("board_met_on"),
            board_outcome=n.get("board_outcome", ""),
            board_decision_sent_on=n.get("board_decision_sent_on"),
            review_applied_on=n.get("review_applied_on"),
            review_outcome=n.get("review_outcome", ""),
            review_decided_on=n.get("review_decided_on"),
        )
        off = rules.off_roll_day(self.school_days, facts, self.today)
        if off is None:
            return
        r, day = plan.year_row, self.sessions.index_of(off, "AM") // 2
        after = 2 * (day + 1)
        plan.off_roll_on = off
        plan.covered = plan.covered[plan.covered < after]
        self.marks[r, after:] = 0
        self.present[r, after:] = False
        self.last[r] = min(int(self.last[r]), day)
        self.stop[r] = min(int(self.stop[r]), day + 1)
        self.bound[r] = min(int(self.bound[r]), after)

    def pupil_years(self) -> float:
        """Years on roll at the schools (not the unit) up to yesterday, every enrolment
        together: about the schools' headcount for a year gone, a share of it for this one."""
        at_school = ~self.context.units[self.setting]
        days = int(np.maximum(self.stop - self.first, 0)[at_school].sum())
        return days / max(1, int(self.days.shape[0]))

    def _leavers(self) -> list[tuple[int, Route, bool]]:
        """Enrolments at a school that ended with the pupil on roll at the pupil referral
        unit or another school within three weeks, and whose route through the board and
        the review (drawn here) would fit between their joining the school and leaving it
        this year: (the enrolment, the route, whether they went to the unit)."""
        roll, units = self.context.roll, self.context.units
        after = np.minimum(self.rows + 1, roll.enrolment.shape[0] - 1)  # their next enrolment
        end, joined = roll.end[self.rows], roll.start[after]
        chosen = (roll.pupil[after] == self.pupil) & (after > self.rows) & ~np.isnat(end)
        chosen &= ~units[self.setting] & (roll.registration[self.rows] == "C")
        chosen &= (roll.registration[after] == "C") & (roll.setting[after] != self.setting)
        chosen &= (joined > end) & (joined - end <= np.timedelta64(21, "D"))
        chosen &= (end >= self.days[0]) & (end <= self.days[-1] + np.timedelta64(7, "D"))
        chosen &= (self.last < self.through) & (self.last > self.first)
        found = []
        for r in np.flatnonzero(chosen).tolist():
            route = self._route()
            last = int(np.searchsorted(self.open_days, self.last[r], side="right")) - 1
            told = last - route.off_roll  # where the day the parents were told falls
            if told >= 0 and self.open_days[told] > self.first[r]:
                found.append((r, route, bool(units[roll.setting[after[r]]])))
        return found

    def permanent_exclusions(self, wanted: int) -> None:
        """``wanted`` permanent exclusions (or as many as there are pupils for), of pupils
        who left a school for the pupil referral unit, or when those are too few (in a large
        partnership) for another school within three weeks: the pupils more often suspended
        the more likely. Each was excluded weeks before leaving: the governing board upheld
        it, some parents asked for an independent review, and the pupil came off the
        school's roll on the day the route ended (their last day there,
        ``rules.off_roll_day``). The unit was the local authority's provision from the sixth
        day. The other leavers went to the unit, or the other school, another way."""
        leavers = self._leavers()
        chosen: list[tuple[int, Route, bool]] = []
        for to_unit in (True, False):
            pool = [leaver for leaver in leavers if leaver[2] == to_unit]
            take = min(wanted - len(chosen), len(pool))
            if take <= 0:
                continue
            weight = np.asarray([self.factor[r] for r, _, _ in pool])
            picked = self.rng.choice(len(pool), size=take, replace=False, p=weight / weight.sum())
            chosen += [pool[i] for i in sorted(picked.tolist())]
        for r, route, _ in sorted(chosen, key=lambda leaver: leaver[0]):
            last = int(np.searchsorted(self.open_days, self.last[r], side="right")) - 1
            told = last - route.off_roll
            incident_day = int(self.open_days[told])
            start = self._next_open_session(2 * int(self.open_days[told + 1]))
            if start is None:
                continue
            self._force_present(r, incident_day)
            covered = self.open_sessions[
                (self.open_sessions >= start) & (self.open_sessions < 2 * (self.last[r] + 1))
            ]
            plan = self._exclude(
                r,
                kind=PERMANENT,
                start=start,
                incident_day=incident_day,
                covered=covered,
                provided_from=10,
                code=LA_PROVISION,
            )
            self._arrange_provision(plan, "la", self.context.unit_name)
            self._review_steps(plan, route)
            self._off_roll(plan)
            self.stop[r] = min(int(self.stop[r]), incident_day)
            self.bound[r] = min(int(self.bound[r]), 2 * incident_day)

    def random_suspensions(self) -> None:
        """Suspensions for a share of pupils, more for the groups more often suspended, some
        pupils many times; each pupil's in order, none overlapping."""
        tendencies = self.context.tendencies
        n, factor, exposure = len(self), self.factor, self.exposure()
        mainstream = ~self.context.units[self.setting]
        scale = scale_for(ONE_OR_MORE, factor[mainstream] if mainstream.any() else factor)
        chance = 1 - np.exp(-scale * factor * exposure)
        again = self.rng.random(n) < 0.5  # half the pupils are as last year
        self.chance = np.where(again, tendencies.chance[self.pupil], self.rng.random(n))
        self.suspended = (self.chance < chance) & ~self.blocked
        drift = self.rng.lognormal(0.0, 0.3, size=n)
        mean = FURTHER_SUSPENSIONS * tendencies.repeats[self.pupil] * drift * exposure
        further = self.rng.poisson(mean * (factor / factor.mean()) ** 0.25)
        counts = np.where(self.suspended, 1 + further, 0)
        days_by_pupil: dict[int, float] = {}
        lengths, weights = list(LENGTHS), list(LENGTHS.values())
        for r in np.flatnonzero(counts).tolist():
            low, high = int(self.first[r]), int(self.stop[r])
            if high <= low:
                continue
            pupil = int(self.pupil[r])
            present_day = self.present[r, 0::2] | self.present[r, 1::2]
            picks = sorted(self.py.randrange(low, high) for _ in range(int(counts[r])))
            free, plans = low, []
            for pick in picks:
                found = np.flatnonzero(present_day[max(pick, free) : high])
                if found.shape[0] == 0:
                    break
                day = max(pick, free) + int(found[0])
                length = self.py.choices(lengths, weights)[0]
                morning = (
                    length % 2 == 1 and self.present[r, 2 * day] and not self.closed[2 * day + 1]
                )
                start = 2 * day + 1 if morning else self._next_open_session(2 * day + 2)
                if start is None:
                    break
                covered = self._covered(start, length, int(self.bound[r]))
                taken = days_by_pupil.get(pupil, 0.0)  # across the pupil's schools
                covered = covered[: int(2 * (MOST_DAYS - taken))]
                if covered.shape[0] == 0:
                    break
                days_by_pupil[pupil] = taken + covered.shape[0] / 2
                plan = self._exclude(
                    r,
                    kind=SUSPENSION,
                    start=start,
                    incident_day=day,
                    covered=covered,
                    provided_from=10,
                    morning=morning or None,
                )
                if covered.shape[0] >= 4 and self.py.random() < CANCELLED_SHARE:
                    plan.notices["cancelled_on"] = self.sessions.session_at(int(covered[2])).date
                    plan.covered, plan.provided_from = covered[:2], -1
                self._arrange_provision(plan, "school", self._school_provision())
                plans.append(plan)
                free = int(covered[-1]) // 2 + 1
            self._board_steps(plans)

    # This year's cases for the compliance page --------------------------------------------

    def scripted(self, pupils: int) -> None:
        """A few pupils this year whose records leave a clock overdue, one near the 45-day
        cap, and permanent exclusions still before the board; each a different pupil, on
        roll at a school since the start of the year, in Years 9 to 11."""
        roll = self.context.roll
        now = int(np.searchsorted(self.open_days, self.through, side="left"))  # open days so far
        group = year_groups(roll.born[self.rows], self.start_year)
        once = np.bincount(self.pupil, minlength=roll.pupils)[self.pupil] == 1
        settled = self.first <= self.open_days[min(2, self.open_days.shape[0] - 1)]
        candidates = np.flatnonzero(
            ~self.context.units[self.setting]
            & (roll.registration[self.rows] == "C")
            & np.isnat(roll.end[self.rows])
            & settled
            & once
            & (group >= 9)
            & (group <= 11)
        )
        key = self.factor[candidates] * self.rng.random(candidates.shape[0])
        queue = iter(candidates[np.argsort(-key, kind="stable")].tolist())
        cap_span = sum(NEAR_CAP_DAYS) + 2 * len(NEAR_CAP_DAYS)
        if now >= cap_span and (r := next(queue, None)) is not None:
            self._near_cap(r, now)
        for late in range(2):  # day-6 provision not arranged; the suspension still running
            if now >= 9 + late and (r := next(queue, None)) is not None:
                self._scripted_suspension(r, now - 7 - late, days=10, provision=False)
        if now >= 5 and (r := next(queue, None)) is not None:  # the LA not told
            self._scripted_suspension(r, now - 3, days=4, la=False)
        for i in range(max(1, round(pupils * PENDING_PER_PUPIL))):
            if i == 0:  # 20 school days on, the governing board has not met
                if now >= 22 and (r := next(queue, None)) is not None:
                    self._pending_exclusion(r, now - 20, board=False)
            elif now >= 4 and (r := next(queue, None)) is not None:  # review window open
                self._pending_exclusion(r, self.py.randint(max(1, now - 18), now - 2))

    def _scripted_suspension(
        self, r: int, at: int, *, days: int, provision: bool = True, la: bool = True
    ) -> ExclusionPlan | None:
        """A suspension of ``days`` from the ``at``-th open day of the year."""
        start = self._next_open_session(2 * int(self.open_days[at]))
        if start is None:
            return None
        incident_day = int(self.open_days[at - 1])
        self._force_present(r, incident_day)
        covered = self._covered(start, 2 * days, int(self.bound[r]))
        plan = self._exclude(
            r,
            kind=SUSPENSION,
            start=start,
            incident_day=incident_day,
            covered=covered,
            provided_from=10 if provision else -1,
        )
        if not la:
            plan.notices["la_told_on"] = None
        self._arrange_provision(plan, "school", self._school_provision())
        self.blocked[r] = True
        return plan

    def _near_cap(self, r: int, now: int) -> None:
        """Suspensions back to back, the last running to tomorrow: near 45 days this year."""
        ends, starts = now + 1, []
        for days in reversed(NEAR_CAP_DAYS):
            starts.append((ends - days + 1, days))
            ends -= days + 1  # the pupil is back for the day of the next incident
        plans = [
            plan
            for at, days in reversed(starts)
            if (plan := self._scripted_suspension(r, at, days=days)) is not None
        ]
        self._board_steps(plans)

    def _pending_exclusion(self, r: int, at: int, *, board: bool = True) -> None:
        """A permanent exclusion from the ``at``-th open day, the pupil still on roll; the
        local authority's provision from the sixth day."""
        start = self._next_open_session(2 * int(self.open_days[at]))
        if start is None:
            return
        incident_day = int(self.open_days[at - 1])
        self._force_present(r, incident_day)
        covered = self.open_sessions[self.open_sessions >= start]
        plan = self._exclude(
            r,
            kind=PERMANENT,
            start=start,
            incident_day=incident_day,
            covered=covered,
            provided_from=10,
            code=LA_PROVISION,
        )
        self._arrange_provision(plan, "la", LA_TUITION.format(la=self.context.la_name))
        if board:
            self._review_steps(plan, self._route())
        self._off_roll(plan)
        self.blocked[r] = True

    def exclusions_of(self, kind: str) -> list[ExclusionPlan]:
        return [plan for plan in self.exclusions if plan.kind == kind]

    def apply_exclusions(self) -> None:
        """Suspended and excluded sessions in the registers: E, then B or K from the sixth day
        where provision is arranged; only sessions already marked."""
        for plan in self.exclusions:
            r, covered = plan.year_row, plan.covered
            codes = np.full(covered.shape[0], SUSPENDED, dtype=np.uint8)
            if plan.provided_from >= 0:
                codes[plan.provided_from :] = plan.provision_code
            marked = self.marks[r, covered] > 0
            self.marks[r, covered[marked]] = codes[marked]
            self.present[r, covered] = False

    # The year's records --------------------------------------------------------------------

    def build(self, *, scripted: bool, pupils: int) -> None:
        """Exclusions first (this year's scripted cases, permanent exclusions at the national
        rate, counting those, then random suspensions), into the registers; then incidents,
        in sessions the registers say pupils were in."""
        wanted = round(PERMANENT_PER_100 / 100 * self.pupil_years())
        if scripted:
            self.scripted(pupils)
        self.permanent_exclusions(max(0, wanted - len(self.exclusions_of(PERMANENT))))
        self.random_suspensions()
        self.apply_exclusions()
        incidents.record(self)

    def hand_over(self, records: Records) -> None:
        """Add this year's records to the partnership's, incidents numbered after theirs."""
        roll, before = self.context.roll, len(records.incidents)
        columns = {name: self.incidents[name] for name in self.incidents.parts}
        columns.pop("row", None)
        records.incidents.add(**columns)
        roles = self.roles
        records.roles.add(
            incident=roles["incident"] + before,
            pupil_id=roll.pupil_id[self.rows[roles["row"].astype(np.int64)]],
            role=roles["role"],
        )
        if len(self.withdrawals):
            w = self.withdrawals
            rows = w["row"].astype(np.int64)
            day = w["day"].astype(np.int64)
            records.withdrawals.add(
                incident=w["incident"] + before,
                pupil_id=roll.pupil_id[self.rows[rows]],
                setting=self.setting[rows],
                kind=w["kind"],
                date=self.days[day],
                minutes=w["minutes"],
                sessions=w["sessions"],
                recorded=self.days[day].astype("datetime64[m]")
                + (960 - self.offset[day]).astype("timedelta64[m]"),
            )
        for plan in self.exclusions:
            plan.incident += before
            records.exclusions.append(plan)
        changed = (self.marks != self.original).any(axis=1) & (self.register_ids >= 0)
        for r in np.flatnonzero(changed).tolist():
            records.registers[int(self.register_ids[r])] = self.marks[r].tobytes()

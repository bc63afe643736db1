"""Incidents for one academic year of the demo: those behind its exclusions, and the many
more that led to no suspension; the pupils in each, in their roles; the withdrawals
from lessons that followed some of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from knotwork.behaviour.demo.roll import scale_for, year_groups
from knotwork.behaviour.demo.tables import (
    ACTIONS_BY_SEVERITY,
    BULLYING,
    BULLYING_SHARE,
    BULLYING_TYPES,
    EVENING,
    FIRST_DESCRIPTION,
    IN_LESSON_SLOT,
    IN_LESSONS,
    INCIDENTS,
    INSTIGATOR,
    INVOLVED,
    KIND_INDEX,
    KIND_PLACES,
    KINDS,
    MONDAY_WEIGHTS,
    MORNING_SLOTS,
    NOTED,
    ONLINE_SHARE,
    ONLINE_SLOT,
    OTHERS,
    OUT_OF_LESSONS,
    PUPIL_ABUSE,
    RACIST_SHARE,
    SEVERITY,
    SLOT_WEIGHTS,
    SLOTS,
    TARGET,
    WITH_INCIDENTS,
    WITHDRAWAL_KINDS,
    WITHDRAWAL_SHARE,
    WITHDRAWN_KINDS,
    WITNESS,
    K,
    pick_indices,
    pick_kinds,
)

if TYPE_CHECKING:
    from knotwork.behaviour.demo.year import Year

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
IN_A_LESSON = np.append(IN_LESSON_SLOT, False)  # by slot, the evening last


def record(year: Year) -> None:
    """The year's incidents: those behind exclusions first (so their numbers hold), then
    the rest."""
    peers = Peers.of(year)
    if year.linked:
        rows, day, slot, minute, kind, severity, bullying, racist, action = (
            np.asarray(column) for column in zip(*year.linked, strict=True)
        )
        _add(year, peers, rows, day, slot, minute, kind, severity=severity,
             bullying=bullying, racist=racist.astype(np.bool_), action=action)  # fmt: skip
    _add_the_rest(year, peers)


@dataclass(frozen=True)
class Peers:
    """Each enrolment's peers (the same setting, and the same year group) and a partner
    among them: the other pupil when incidents come back to the same two."""

    year_key: Ints
    setting_key: Ints
    by_year: Ints
    by_setting: Ints
    partner: Ints

    @classmethod
    def of(cls, year: Year) -> Peers:
        group = np.clip(year_groups(year.context.roll.born[year.rows], year.start_year), 7, 11)
        year_key = year.setting * 100 + group
        setting_key = year.setting * 100
        n = len(year)
        order = np.lexsort((year.rng.random(n), year_key))  # pairs within each year group
        mate = np.minimum(np.arange(n) ^ 1, max(n - 1, 0))
        same = year_key[order[mate]] == year_key[order]
        mate = np.where(same, mate, np.maximum(np.arange(n) - 1, 0))
        partner = np.empty(n, dtype=np.int64)
        partner[order] = order[mate]
        return cls(
            year_key=year_key,
            setting_key=setting_key,
            by_year=np.argsort(year_key, kind="stable"),
            by_setting=np.argsort(setting_key, kind="stable"),
            partner=partner,
        )

    def pick(self, rng: np.random.Generator, rows: Ints, *, same_year: bool) -> Ints:
        """A random peer of each row (perhaps the row itself: callers check)."""
        keys = self.year_key if same_year else self.setting_key
        order = self.by_year if same_year else self.by_setting
        sorted_keys = keys[order]
        low = np.searchsorted(sorted_keys, keys[rows], side="left")
        high = np.searchsorted(sorted_keys, keys[rows], side="right")
        at = low + (rng.random(rows.shape[0]) * (high - low)).astype(np.int64)
        return np.asarray(order[np.minimum(at, high - 1)], dtype=np.int64)


def _random_days(year: Year, low: Ints, high: Ints) -> Ints:
    """A school day in low..high-1 for each pair, more often on Mondays."""
    a, b = year.cumulative[low], year.cumulative[high]
    u = a + year.rng.random(low.shape[0]) * (b - a)
    day = np.searchsorted(year.cumulative, u, side="right") - 1
    return np.asarray(np.clip(day, low, high - 1), dtype=np.int64)


def _random_slots(year: Year, days: Ints) -> Ints:
    """A time of day for each day: more in the mornings on Mondays."""
    u = year.rng.random(days.shape[0])
    usual = np.searchsorted(np.cumsum(SLOT_WEIGHTS), u, side="right")
    monday = np.searchsorted(np.cumsum(MONDAY_WEIGHTS), u, side="right")
    slot = np.where(year.weekday[days] == 0, monday, usual)
    return np.minimum(slot, len(SLOTS) - 1).astype(np.int64)


def _add_the_rest(year: Year, peers: Peers) -> None:
    """Incidents for a share of pupils (all those suspended), more for some groups and a
    few pupils many; on school days the pupil was in, at a time of day and a place."""
    rng, tendencies = year.rng, year.context.tendencies
    factor, exposure = year.factor**0.6, year.exposure()
    chance = 1 - np.exp(-scale_for(WITH_INCIDENTS, factor) * factor * exposure)
    involved = (year.chance < chance) | year.suspended
    weight = tendencies.incidents[year.pupil] * (year.factor / year.factor.mean()) ** 0.3
    weight = weight * np.where(year.suspended, 2.0, 1.0)
    wanted = INCIDENTS * float(exposure.sum()) - float(chance.sum())
    mean = max(0.0, wanted / max(float((chance * weight * exposure).sum()), 1e-9))
    counts = np.where(involved, 1 + rng.poisson(mean * weight * exposure), 0)
    counts[year.stop <= year.first] = 0
    rows = np.repeat(np.arange(len(year), dtype=np.int64), counts)
    n = rows.shape[0]
    online = rng.random(n) < ONLINE_SHARE
    day = np.zeros(n, dtype=np.int64)
    slot = np.full(n, ONLINE_SLOT, dtype=np.int64)
    done = np.zeros(n, dtype=np.bool_)
    waiting = np.arange(n)
    for _ in range(6):  # a day the pupil was away is tried again
        these = rows[waiting]
        d = _random_days(year, year.first[these], year.stop[these])
        s = _random_slots(year, d)
        ok = online[waiting] | year.present[these, 2 * d + (s >= MORNING_SLOTS)]
        day[waiting[ok]], done[waiting[ok]] = d[ok], True
        slot[waiting[ok]] = np.where(online[waiting[ok]], ONLINE_SLOT, s[ok])
        waiting = waiting[~ok]
        if waiting.shape[0] == 0:
            break
    rows, day, slot = rows[done], day[done], slot[done]
    n = rows.shape[0]
    kind = np.where(
        IN_A_LESSON[slot], pick_kinds(rng, IN_LESSONS, n), pick_kinds(rng, OUT_OF_LESSONS, n)
    )
    kind[slot == ONLINE_SLOT] = KIND_INDEX[K.ONLINE]
    minute = np.empty(n, dtype=np.int64)
    for i, (first, last) in enumerate([*((s.first, s.last) for s in SLOTS), EVENING]):
        chosen = slot == i
        minute[chosen] = rng.integers(first, last, size=int(chosen.sum()))
    _add(year, peers, rows, day, slot, minute, kind, withdrawn=True)


def _add(
    year: Year,
    peers: Peers,
    rows: Ints,
    day: Ints,
    slot: Ints,
    minute: Ints,
    kind: Ints,
    *,
    severity: Ints | None = None,
    bullying: Ints | None = None,
    racist: Bools | None = None,
    action: Ints | None = None,
    withdrawn: bool = False,
) -> None:
    """Incidents with their place, severity, bullying, words, pupils and follow-up; the
    values given are kept, the rest drawn."""
    rng, n = year.rng, rows.shape[0]
    first_index = len(year.incidents)
    place = np.zeros(n, dtype=np.int64)
    for i, s in enumerate(SLOTS):
        chosen = np.flatnonzero(slot == i)
        place[chosen] = pick_indices(rng, s.places, chosen.shape[0])
    for kind_value, places in KIND_PLACES.items():
        chosen = np.flatnonzero(kind == KIND_INDEX[kind_value])
        place[chosen] = pick_indices(rng, places, chosen.shape[0])
    if severity is None:
        severity = np.ones(n, dtype=np.int64)
        for kind_value, shares in SEVERITY.items():
            chosen = np.flatnonzero(kind == KIND_INDEX[kind_value])
            severity[chosen] = 1 + rng.choice(4, size=chosen.shape[0], p=shares)
    if bullying is None or racist is None:
        abuse = np.isin(kind, [KIND_INDEX[k] for k in PUPIL_ABUSE])
        bullied = abuse & (rng.random(n) < BULLYING_SHARE)
        types = pick_indices(rng, BULLYING_TYPES, n, BULLYING)
        types[(kind == KIND_INDEX[K.ONLINE]) & (rng.random(n) < 0.7)] = BULLYING.index("cyber")
        bullying = np.where(bullied, types, 0)
        racist = (bullying == BULLYING.index("racist")) | (
            abuse & ~bullied & (rng.random(n) < RACIST_SHARE)
        )
    count = np.diff(FIRST_DESCRIPTION)[kind]
    description = FIRST_DESCRIPTION[kind] + (rng.random(n) * count).astype(np.int64)
    who = np.where(slot == ONLINE_SLOT, 2, np.where(IN_A_LESSON[slot], 0, 1))
    staff = 3 * who + np.clip(severity - 2, 0, 2)
    if action is None:
        action = np.zeros(n, dtype=np.int64)
        for level, table in enumerate(ACTIONS_BY_SEVERITY, start=1):
            chosen = np.flatnonzero(severity == level)
            action[chosen] = pick_indices(rng, table, chosen.shape[0], None)
        action[kind == KIND_INDEX[K.OBSERVATION]] = NOTED
    if withdrawn:
        _withdrawals(year, first_index, rows, day, kind, action)
    half = np.where(slot >= MORNING_SLOTS, 1, 0)
    targeted = _roles(year, peers, first_index, rows, day, half, kind, bullying > 0)
    bullying = np.where(targeted, bullying, 0)  # bullying has someone on the receiving end
    setting = year.setting[rows]
    owner = np.asarray(year.context.owners)[setting]
    follow = (severity >= 2) & (owner > 0) & (rng.random(n) < 0.6)
    follow_on = year.days[day] + rng.integers(2, 11, size=n).astype("timedelta64[D]")
    done = follow & (follow_on < np.datetime64(year.today)) & (rng.random(n) >= 0.08)
    days_early = rng.integers(0, 3, size=n).astype("timedelta64[D]")
    done_on = np.maximum(follow_on - days_early, year.days[day])
    nat = np.datetime64("NaT", "D")
    local = minute - year.offset[day]  # minutes after midnight UTC
    occurred = year.days[day].astype("datetime64[m]") + local.astype("timedelta64[m]")
    year.incidents.add(
        row=rows, setting=setting, occurred=occurred,
        recorded=occurred + rng.integers(20, 180, size=n).astype("timedelta64[m]"),
        place=place, kind=kind, severity=severity, bullying=bullying, racist=racist,
        description=description, staff=staff, action=action,
        owner=np.where(follow, owner, 0), follow_on=np.where(follow, follow_on, nat),
        done_on=np.where(done, done_on, nat),
    )  # fmt: skip


def _withdrawals(
    year: Year, first_index: int, rows: Ints, day: Ints, kind: Ints, action: Ints
) -> None:
    """Some pupils sent out of lessons: to the remove room for part of a lesson, to
    internal exclusion or the learning support unit for sessions, often the next day."""
    rng, n = year.rng, rows.shape[0]
    sent_out = np.isin(kind, [KIND_INDEX[k] for k in WITHDRAWN_KINDS])
    picked = np.flatnonzero(sent_out & (rng.random(n) < WITHDRAWAL_SHARE))
    shares = np.asarray([share for *_, share in WITHDRAWAL_KINDS]) / 100
    which = rng.choice(len(WITHDRAWAL_KINDS), size=picked.shape[0], p=shares)
    action[picked] = np.asarray([a for a, *_ in WITHDRAWAL_KINDS])[which]
    r, d = rows[picked], day[picked]
    following = np.searchsorted(year.open_days, d, side="right")
    next_day = year.open_days[np.minimum(following, year.open_days.shape[0] - 1)]
    later = (which > 0) & (next_day < year.stop[r]) & year.present[r, 2 * next_day]
    minutes = np.where(which == 0, rng.choice((20, 30, 40, 50, 60), size=picked.shape[0]), 0)
    sessions = np.where(which == 0, 0, rng.choice((1, 2, 2, 2, 4), size=picked.shape[0]))
    year.withdrawals.add(
        incident=first_index + picked, row=r, kind=which, day=np.where(later, next_day, d),
        minutes=minutes, sessions=sessions,
    )  # fmt: skip


def _roles(
    year: Year,
    peers: Peers,
    first_index: int,
    rows: Ints,
    day: Ints,
    half: Ints,
    kind: Ints,
    bullied: Bools,
) -> Bools:
    """The pupil in each incident, and for fights, abuse and bullying a target (often the
    same pupil again), sometimes a second instigator, and witnesses: pupils of the same
    setting, mostly the same year, in school at the time. Which incidents have a target."""
    rng, n = year.rng, rows.shape[0]
    chances = np.zeros((3, len(KINDS)))  # a target, a second instigator; witnesses (mean)
    for kind_value, values in OTHERS.items():
        chances[:, KIND_INDEX[kind_value]] = values
    online = kind == KIND_INDEX[K.ONLINE]

    def there(incidents: Ints, others: Ints) -> Bools:
        d, h = day[incidents], half[incidents]
        ok = (year.setting[others] == year.setting[rows[incidents]]) & (others != rows[incidents])
        ok &= (year.first[others] <= d) & (d < year.stop[others])
        return np.asarray(ok & (online[incidents] | year.present[others, 2 * d + h]))

    target = np.full(n, -1, dtype=np.int64)
    wanted = np.flatnonzero(bullied | (rng.random(n) < chances[0][kind]))
    for attempt in range(4):  # the usual other pupil, or another from the same year
        partner = (rng.random(wanted.shape[0]) < 0.35) & (attempt == 0)
        found = np.where(
            partner, peers.partner[rows[wanted]], peers.pick(rng, rows[wanted], same_year=True)
        )
        ok = there(wanted, found)
        target[wanted[ok]] = found[ok]
        wanted = wanted[~ok]
    targeted = target >= 0
    second = np.flatnonzero(rng.random(n) < chances[1][kind])
    seen = rng.poisson(np.where(bullied, np.maximum(chances[2][kind], 0.6), chances[2][kind]))
    seen_by = np.repeat(np.arange(n), seen)
    watcher = np.where(
        rng.random(seen_by.shape[0]) < 0.5,
        peers.pick(rng, rows[seen_by], same_year=True),
        peers.pick(rng, rows[seen_by], same_year=False),
    )
    with_others = np.concatenate([second, seen_by])
    others = np.concatenate([peers.pick(rng, rows[second], same_year=True), watcher])
    ok = there(with_others, others)
    as_second = np.arange(with_others.shape[0]) < second.shape[0]
    incident = np.concatenate([np.arange(n), np.flatnonzero(targeted), with_others[ok]])
    pupil = np.concatenate([rows, target[targeted], others[ok]])
    role = np.concatenate(
        [
            np.where(kind == KIND_INDEX[K.OBSERVATION], INVOLVED, INSTIGATOR),
            np.full(int(targeted.sum()), TARGET),
            np.where(as_second, INSTIGATOR, WITNESS)[ok],
        ]
    )
    _, once = np.unique(incident * len(year) + pupil, return_index=True)
    once.sort()
    year.roles.add(incident=first_index + incident[once], row=pupil[once], role=role[once])
    return targeted

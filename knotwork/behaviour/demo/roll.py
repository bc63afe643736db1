"""The pupils the demo's behaviour records are about: every enrolment at the demo's
settings as arrays, each pupil's tendencies that last from year to year, and how much
more often than others the groups the statistics break down by are suspended."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from knotwork.behaviour.demo.tables import (
    FSM_FACTOR,
    LOOKED_AFTER_FACTOR,
    SEN_FACTORS,
    SEX_FACTORS,
    UNIT_FACTOR,
    YEAR_GROUP_FACTORS,
)
from knotwork.directory.models import Setting
from knotwork.pupils.models import Enrolment

Date = datetime.date
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Days = npt.NDArray[np.datetime64]
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Roll:
    """Every enrolment at the settings, as arrays sorted by pupil (UPN); the pupil's traits
    repeat on each of their enrolments."""

    enrolment: Ints
    pupil_id: Ints
    pupil: Ints  # 0..n-1, by UPN
    setting: Ints  # index into the settings
    start: Days
    end: Days  # NaT while on roll
    registration: npt.NDArray[np.str_]
    male: Bools
    born: Days
    fsm: Bools
    sen: Ints  # 0 none, 1 SEN support, 2 EHC plan
    looked_after: Bools
    child_in_need: Bools

    @property
    def pupils(self) -> int:
        return int(self.pupil.max()) + 1 if self.pupil.shape[0] else 0


def roll_of(settings: Sequence[Setting]) -> Roll:
    index = {setting.pk: i for i, setting in enumerate(settings)}
    rows = list(
        Enrolment.objects.filter(setting__in=list(settings))
        .order_by("pupil__upn", "start_date", "registration", "pk")
        .values_list(
            "pk", "pupil_id", "setting_id", "start_date", "end_date", "registration",
            "pupil__upn", "pupil__sex", "pupil__date_of_birth", "pupil__fsm_eligible",
            "pupil__sen_provision", "pupil__looked_after", "pupil__child_in_need",
        )
    )  # fmt: skip
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * 13
    upns = columns[6]
    new_pupil = [i > 0 and upns[i] != upns[i - 1] for i in range(len(upns))]
    sen = {"K": 1, "E": 2}
    return Roll(
        enrolment=np.asarray(columns[0], dtype=np.int64),
        pupil_id=np.asarray(columns[1], dtype=np.int64),
        pupil=np.cumsum(np.asarray(new_pupil, dtype=np.int64)),
        setting=np.asarray([index[s] for s in columns[2]], dtype=np.int64),
        start=np.asarray(columns[3], dtype="datetime64[D]"),
        end=np.asarray([d or "NaT" for d in columns[4]], dtype="datetime64[D]"),
        registration=np.asarray(columns[5], dtype="<U1"),
        male=np.asarray([s == "M" for s in columns[7]], dtype=np.bool_),
        born=np.asarray(columns[8], dtype="datetime64[D]"),
        fsm=np.asarray(columns[9], dtype=np.bool_),
        sen=np.asarray([sen.get(s, 0) for s in columns[10]], dtype=np.int64),
        looked_after=np.asarray(columns[11], dtype=np.bool_),
        child_in_need=np.asarray(columns[12], dtype=np.bool_),
    )


def year_groups(born: Days, start_year: int) -> Ints:
    """National curriculum year in the academic year starting in September of start_year."""
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    autumn_born = born.astype("datetime64[M]").astype(np.int64) % 12 >= 8
    return np.asarray(start_year - year - autumn_born - 4, dtype=np.int64)


def risk_factors(roll: Roll, rows: Ints, start_year: int, units: Bools) -> Floats:
    """How many times more often than a Year 7 girl with no extra needs each enrolment's
    pupil is suspended this year (the group skews multiplied together)."""
    group = np.clip(year_groups(roll.born[rows], start_year), 7, 11) - 7
    factor = (
        np.where(roll.male[rows], SEX_FACTORS["M"], SEX_FACTORS["F"])
        * np.asarray(SEN_FACTORS)[roll.sen[rows]]
        * np.where(roll.fsm[rows], FSM_FACTOR, 1.0)
        * np.where(roll.looked_after[rows], LOOKED_AFTER_FACTOR, 1.0)
        * np.asarray(YEAR_GROUP_FACTORS)[group]
        * np.where(units[roll.setting[rows]], UNIT_FACTOR, 1.0)
    )
    return np.asarray(factor, dtype=np.float64)


def scale_for(share: float, factor: Floats) -> float:
    """c such that the mean of 1 - exp(-c * factor) is share (bisection)."""
    low, high = 0.0, 10.0
    for _ in range(50):
        middle = (low + high) / 2
        if float(np.mean(1 - np.exp(-middle * factor))) < share:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@dataclass(frozen=True)
class Tendencies:
    """What lasts from year to year, by pupil number: a latent chance (the lower, the more
    often in trouble), how much a pupil repeats suspensions, and incidents."""

    chance: Floats
    repeats: Floats
    incidents: Floats

    @classmethod
    def draw(cls, pupils: int, seed: int) -> Tendencies:
        rng = np.random.default_rng([seed, 4])
        return cls(
            chance=rng.random(pupils),
            repeats=rng.gamma(0.5, 2.0, size=pupils),
            incidents=rng.gamma(0.7, 1 / 0.7, size=pupils),
        )


@dataclass(frozen=True)
class Context:
    roll: Roll
    setting_pks: tuple[int, ...]
    units: Bools  # by setting index: a pupil referral unit
    unit_name: str
    la_name: str
    heads: tuple[str, ...]  # by setting index: who decides exclusions
    users: tuple[int, ...]  # by setting index: who records (a member who may edit)
    owners: tuple[int, ...]  # by setting index: who owns follow-ups (0: nobody)
    tendencies: Tendencies
    seed: int
    today: Date


def utc_offset(day: Date) -> int:
    """Minutes London is ahead of UTC at noon on the day."""
    offset = LONDON.utcoffset(datetime.datetime.combine(day, datetime.time(12)))
    return int(offset.total_seconds() // 60) if offset is not None else 0


def as_date(value: np.datetime64) -> Date:
    day: Date = value.astype("datetime64[D]").item()
    return day

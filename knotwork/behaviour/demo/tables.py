"""What the demo's behaviour records are made of: the national rates and skews they
follow (../shared/domain/england.md §4.7, 2023/24, secondary schools), the times and
places of incidents, their kinds, the census reasons of exclusions, and the words
that fill the records in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from knotwork.attendance.codes import NEW_CODES_FROM, code_for
from knotwork.behaviour.models import Exclusion, Incident

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

#: Share of secondary pupils suspended at least once in a full year, and the mean number
#: of further suspensions of a suspended pupil: about 22 suspensions per 100 pupils.
ONE_OR_MORE = 0.095
FURTHER_SUSPENSIONS = 1.25
#: Incidents a pupil a year (besides those that led to a suspension), and the share of
#: pupils in one or more.
INCIDENTS = 2.2
WITH_INCIDENTS = 0.35
#: How many times more often each group is suspended (incidents: the same, more softly).
SEX_FACTORS = {"M": 3.2, "F": 1.0}
SEN_FACTORS = (1.0, 3.8, 3.3)  # no SEN, SEN support, EHC plan
FSM_FACTOR = 3.6
LOOKED_AFTER_FACTOR = 1.5
YEAR_GROUP_FACTORS = (0.6, 0.9, 1.25, 1.35, 1.0)  # Years 7 to 11
UNIT_FACTOR = 5.0
#: A pupil's suspensions stop at this many days a year (bar the one near the 45-day cap).
MOST_DAYS = 25
#: Permanent exclusions a year per 100 pupils at the schools (secondary schools nationally:
#: about 0.13 to 0.2, england.md §4.7), this year's so far in proportion to the days gone.
PERMANENT_PER_100 = 0.15
#: Permanent exclusions this year still before the governing board, per pupil (counted
#: in this year's share of the above).
PENDING_PER_PUPIL = 0.0004
#: Days of the one pupil near the 45-day cap, suspension by suspension.
NEAR_CAP_DAYS = (3, 5, 8, 12, 12)


def _id(letters: str) -> int:
    return code_for(letters, NEW_CODES_FROM).id


PRESENT_AM, PRESENT_PM, LATE = _id("/"), _id("\\"), _id("L")
SUSPENDED, SCHOOL_PROVISION, LA_PROVISION = _id("E"), _id("B"), _id("K")
PRESENT = np.zeros(256, dtype=np.bool_)  # by code id: the pupil was in
PRESENT[[PRESENT_AM, PRESENT_PM, LATE]] = True

# --- What the records say ------------------------------------------------------------------

K = Incident.Kind
KINDS: tuple[str, ...] = tuple(K.values)
KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
PLACES: tuple[str, ...] = tuple(Incident.Place.values)
BULLYING: tuple[str, ...] = tuple(Incident.Bullying.values)
ROLES = ("instigator", "target", "witness", "involved")
INSTIGATOR, TARGET, WITNESS, INVOLVED = range(4)

# Kinds of incident in lessons and out of them (weights).
IN_LESSONS = {K.DISRUPTION: 36, K.DEFIANCE: 24, K.VERBAL_ADULT: 8, K.VERBAL_PUPIL: 6,
               K.PHYSICAL_PUPIL: 3, K.DAMAGE: 3, K.THEFT: 1.5, K.TRUANCY: 8, K.SEXUAL: 0.5,
               K.DRUGS: 0.5, K.WEAPONS: 0.3, K.OTHER: 2, K.OBSERVATION: 7}  # fmt: skip
OUT_OF_LESSONS = {K.DISRUPTION: 8, K.DEFIANCE: 14, K.VERBAL_PUPIL: 18, K.VERBAL_ADULT: 7,
                   K.PHYSICAL_PUPIL: 20, K.PHYSICAL_ADULT: 1.5, K.DAMAGE: 5, K.THEFT: 3,
                   K.DRUGS: 3, K.WEAPONS: 1, K.SEXUAL: 2, K.TRUANCY: 5, K.OTHER: 3,
                   K.OBSERVATION: 9.5}  # fmt: skip
ONLINE_SHARE = 0.03  # of incidents: online abuse, mostly in the evening
_LESSON_PLACES = {"classroom": 82, "corridor": 8, "toilets": 4, "sports": 4, "library": 2}


@dataclass(frozen=True)
class Slot:
    first: int  # minutes after midnight, local time
    last: int
    weight: float
    monday: float  # weight on Mondays (mornings are worse)
    lessons: bool
    places: Mapping[str, float]


SLOTS = (
    Slot(495, 525, 3, 3, False, {"gate": 45, "playground": 30, "corridor": 25}),  # before
    Slot(525, 645, 26, 42, True, _LESSON_PLACES),  # periods 1-2
    Slot(
        645,
        665,
        12,
        15,
        False,
        {"playground": 60, "corridor": 18, "toilets": 12, "dining_hall": 10},
    ),  # break
    Slot(665, 755, 17, 23, True, _LESSON_PLACES),  # periods 3-4
    Slot(
        755,
        800,
        13,
        13,
        False,
        {"playground": 50, "dining_hall": 30, "toilets": 10, "corridor": 10},
    ),  # lunch
    Slot(
        800,
        825,
        13,
        13,
        False,
        {"corridor": 60, "classroom": 20, "toilets": 12, "changing_rooms": 8},
    ),  # after lunch
    Slot(825, 910, 14, 14, True, _LESSON_PLACES),  # periods 5-6
    Slot(910, 960, 4, 4, False, {"gate": 40, "journey": 40, "community": 20}),  # after
)
EVENING = (1020, 1320)  # online incidents: 17:00 to 22:00
MORNING_SLOTS = 5  # the first five slots (to the end of lunch) need the morning's register
WEEKDAYS = (1.25, 1.05, 1.0, 0.95, 0.85)  # Monday to Friday
# Where some kinds happen, whatever the time.
KIND_PLACES = {
    K.TRUANCY: {"toilets": 35, "corridor": 25, "community": 20, "playground": 20},
    K.DRUGS: {"toilets": 55, "gate": 15, "playground": 15, "community": 15},
    K.THEFT: {"changing_rooms": 35, "classroom": 35, "corridor": 15, "sports": 10, "library": 5},
    K.ONLINE: {"online": 1},
}
# Severity (low, medium, high, serious) by kind.
SEVERITY = {
    K.OBSERVATION: (1, 0, 0, 0), K.DISRUPTION: (0.6, 0.35, 0.05, 0),
    K.DEFIANCE: (0.45, 0.45, 0.1, 0), K.TRUANCY: (0.5, 0.45, 0.05, 0),
    K.VERBAL_PUPIL: (0.2, 0.55, 0.22, 0.03), K.VERBAL_ADULT: (0.05, 0.45, 0.42, 0.08),
    K.PHYSICAL_PUPIL: (0, 0.35, 0.45, 0.2), K.PHYSICAL_ADULT: (0, 0, 0.4, 0.6),
    K.DAMAGE: (0.15, 0.5, 0.3, 0.05), K.THEFT: (0.1, 0.5, 0.35, 0.05),
    K.DRUGS: (0, 0.2, 0.5, 0.3), K.WEAPONS: (0, 0, 0.3, 0.7), K.SEXUAL: (0, 0.2, 0.5, 0.3),
    K.ONLINE: (0.1, 0.5, 0.35, 0.05), K.OTHER: (0.5, 0.4, 0.1, 0),
}  # fmt: skip
# Other pupils, by kind: chance of a target, of a second instigator; mean witnesses.
OTHERS = {K.PHYSICAL_PUPIL: (0.85, 0.15, 1.2), K.VERBAL_PUPIL: (0.9, 0.05, 0.4),
           K.SEXUAL: (0.8, 0, 0.2), K.ONLINE: (0.8, 0.1, 0.2), K.THEFT: (0.5, 0.1, 0.1),
           K.DISRUPTION: (0, 0.08, 0.05), K.DEFIANCE: (0, 0.05, 0.05),
           K.DAMAGE: (0, 0.2, 0.1), K.TRUANCY: (0, 0.25, 0)}  # fmt: skip
BULLYING_SHARE = 0.22  # of verbal, physical and online abuse of a pupil
BULLYING_TYPES = {"appearance": 30, "racist": 12, "sexist": 14, "hbt": 12, "send": 10,
                   "religious": 5, "cyber": 5, "other": 12}  # fmt: skip
RACIST_SHARE = 0.03  # of other abuse of a pupil: racist, though not bullying
PUPIL_ABUSE = (K.VERBAL_PUPIL, K.PHYSICAL_PUPIL, K.ONLINE)

_DESCRIPTIONS = {
    K.OBSERVATION: ("Quiet and withdrawn all day; would not say why.",
                    "On their own by the gate again at lunch.",
                    "Unsettled after lunch and needed time to calm down."),
    K.DISRUPTION: ("Talking over the teacher and distracting others after warnings.",
                   "Threw things across the room during the lesson.",
                   "Repeatedly out of their seat and calling out."),
    K.DEFIANCE: ("Refused to follow instructions or to move seat.",
                 "Would not hand over a mobile phone when asked.",
                 "Walked out of the lesson without permission."),
    K.VERBAL_PUPIL: ("Name-calling and threats towards another pupil.",
                     "Swore at another pupil in front of others."),
    K.VERBAL_ADULT: ("Swore at a member of staff when challenged.",
                     "Shouted abuse at a teacher and walked out."),
    K.PHYSICAL_PUPIL: ("A fight that staff had to separate.", "Pushed another pupil into a wall.",
                       "Punched another pupil."),
    K.PHYSICAL_ADULT: ("Pushed past a member of staff, who was hurt.",
                       "Kicked out at a member of staff."),
    K.DAMAGE: ("Damaged a display and a chair.", "Graffiti on the toilet walls."),
    K.THEFT: ("Took another pupil's phone from a bag.", "Took money from a coat."),
    K.DRUGS: ("Found with cannabis.", "Vaping in the toilets.", "Smelt strongly of alcohol."),
    K.WEAPONS: ("Found with a knife in a bag.", "Brought an imitation gun to school."),
    K.SEXUAL: ("Inappropriate touching of another pupil.",
               "Sexual comments towards another pupil."),
    K.ONLINE: ("Shared a photo of another pupil without consent in a group chat.",
               "Threats to another pupil in a group chat."),
    K.TRUANCY: ("Missed a lesson while in school.", "Left the site at lunch without permission."),
    K.OTHER: ("Behaviour on the school bus reported by the driver.",),
}  # fmt: skip
DESCRIPTIONS: tuple[str, ...] = tuple(d for kind in KINDS for d in _DESCRIPTIONS[K(kind)])
FIRST_DESCRIPTION = np.cumsum([0] + [len(_DESCRIPTIONS[K(kind)]) for kind in KINDS])

ACTIONS = (
    "Verbal warning", "Moved seat", "Lesson detention", "Phone call home",
    "After-school detention", "Restorative conversation", "Report card", "Parents' meeting",
    "Referred to the designated safeguarding lead", "Police informed",
    "Noted for the pastoral team", "Removed to the remove room", "Internal exclusion",
    "Time in the learning support unit", "Suspended", "Permanently excluded",
)  # fmt: skip
ACTIONS_BY_SEVERITY = (
    {0: 40, 1: 15, 2: 30, 3: 15}, {4: 40, 3: 25, 5: 20, 6: 15},
    {7: 40, 6: 25, 5: 20, 4: 15}, {7: 60, 8: 25, 9: 15},
)  # fmt: skip
NOTED, REMOVE_ROOM, INTERNAL, UNIT_TIME, SUSPENDED_ACTION, EXCLUDED_ACTION = range(10, 16)
WITHDRAWAL_SHARE = 0.18  # of incidents where a pupil was disruptive, defiant or abusive
WITHDRAWN_KINDS = (K.DISRUPTION, K.DEFIANCE, K.VERBAL_ADULT, K.VERBAL_PUPIL, K.PHYSICAL_PUPIL,
              K.DAMAGE, K.TRUANCY, K.OTHER)  # fmt: skip
WITHDRAWAL_KINDS = ((REMOVE_ROOM, "remove_room", 60), (INTERNAL, "internal", 28),
                     (UNIT_TIME, "lsu", 12))  # fmt: skip

# Census reasons (weights) for suspensions and permanent exclusions, 2023/24 shares.
SUSPENSION_REASONS = {"DB": 62, "VA": 12, "PP": 9, "VP": 8, "DA": 4, "PA": 3, "OW": 2.5,
                       "DM": 2.5, "MT": 2, "BU": 1.5, "SM": 1.3, "RA": 1.2, "TH": 1.2,
                       "LG": 0.5, "DS": 0.3}  # fmt: skip
EXCLUSION_REASONS = {"DB": 42, "PP": 18, "PA": 10, "OW": 10, "DA": 10, "VA": 7, "VP": 3,
                      "SM": 3, "BU": 1, "RA": 1, "DM": 1}  # fmt: skip
REASON_COUNTS = (0.78, 0.18, 0.04)  # one, two or three reasons
# The incident behind a reason: kind, bullying type, racist.
REASON_INCIDENT = {
    "DB": (K.DISRUPTION, "", False), "VA": (K.VERBAL_ADULT, "", False),
    "PP": (K.PHYSICAL_PUPIL, "", False), "VP": (K.VERBAL_PUPIL, "", False),
    "DA": (K.DRUGS, "", False), "PA": (K.PHYSICAL_ADULT, "", False),
    "OW": (K.WEAPONS, "", False), "DM": (K.DAMAGE, "", False), "MT": (K.ONLINE, "cyber", False),
    "BU": (K.VERBAL_PUPIL, "other", False), "SM": (K.SEXUAL, "", False),
    "RA": (K.VERBAL_PUPIL, "", True), "TH": (K.THEFT, "", False),
    "LG": (K.VERBAL_PUPIL, "hbt", False), "DS": (K.VERBAL_PUPIL, "send", False),
}  # fmt: skip
# Length of a suspension in sessions (half days), and how often.
LENGTHS = {1: 6, 2: 38, 3: 2, 4: 24, 5: 1, 6: 14, 8: 5, 10: 5, 12: 2, 14: 1, 16: 0.7,
            20: 0.5, 30: 0.3}  # fmt: skip
CANCELLED_SHARE = 0.01  # of suspensions of two days or more: cancelled after the first day
TOLD_HOW = {"phone": 50, "in_person": 20, "email": 20, "letter": 10}
# Where a school's provision from the sixth day is ({unit}: the pupil referral unit), and
# the local authority's for a pupil still on a school's roll after permanent exclusion.
SCHOOL_PROVISION_AT = ("The partnership's off-site learning centre",
                       "Another school in the partnership, by arrangement",
                       "{unit}, by arrangement")  # fmt: skip
LA_TUITION = "{la} tuition service"

SUSPENSION, PERMANENT = Exclusion.Kind.SUSPENSION.value, Exclusion.Kind.PERMANENT.value
STAFF = tuple(
    f"{who}{also}"
    for who in ("Class teacher", "Duty staff", "Form tutor")
    for also in ("", " and head of year", " and senior leader on call")
)
SLOT_WEIGHTS = np.asarray([s.weight for s in SLOTS]) / sum(s.weight for s in SLOTS)
MONDAY_WEIGHTS = np.asarray([s.monday for s in SLOTS]) / sum(s.monday for s in SLOTS)
IN_LESSON_SLOT = np.asarray([s.lessons for s in SLOTS], dtype=np.bool_)
ONLINE_SLOT = len(SLOTS)  # the evening, for online abuse


def weights(table: Mapping[Any, float]) -> tuple[list[Any], Floats]:
    keys = list(table)
    values = np.asarray([table[k] for k in keys], dtype=np.float64)
    return keys, values / values.sum()


def pick_kinds(rng: np.random.Generator, table: Mapping[Any, float], n: int) -> Ints:
    """Kinds of incident (indices into KINDS) drawn by weight."""
    kinds, p = weights(table)
    return np.asarray([KIND_INDEX[k] for k in kinds], dtype=np.int64)[
        rng.choice(len(kinds), size=n, p=p)
    ]


def pick_indices(
    rng: np.random.Generator,
    table: Mapping[Any, float],
    n: int,
    names: Sequence[str] | None = PLACES,
) -> Ints:
    """Indices (into ``names``, or the table's own keys when None) drawn by weight."""
    keys, p = weights(table)
    index = [names.index(k) for k in keys] if names is not None else keys
    return np.asarray(index, dtype=np.int64)[rng.choice(len(keys), size=n, p=p)]

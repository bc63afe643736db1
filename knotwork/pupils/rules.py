"""Rules about pupils that need no database: UPNs, year groups, enrolment overlaps."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from stdnum.gb import upn as stdnum_upn

# A UPN: check letter, LA number (3), establishment (4), year (2), serial (3),
# the last character a letter in a temporary UPN. I, O and S are never used.
_UPN_SHAPE = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")


class InvalidUPN(ValueError):
    """The text is not a UPN; the message says why in words a person can act on."""


def normalise_upn(value: str) -> str:
    return "".join(value.split()).upper()


def validate_upn(value: str) -> str:
    """The UPN in its standard form, or InvalidUPN saying what is wrong.

    The check letter follows the DfE's UPN guidance (weights 2 to 13, modulus
    23, letters without I, O and S), computed by python-stdnum. The LA number
    is not checked against a list: LA numbers change (Dorset 838, Cumberland
    942 came after the lists in libraries) and a UPN keeps the issuing LA's.
    """
    upn = normalise_upn(value)
    if len(upn) != 13:
        raise InvalidUPN(f"A UPN has 13 characters; this has {len(upn)}.")
    if not _UPN_SHAPE.match(upn):
        raise InvalidUPN(
            "A UPN is a letter, then 11 digits, then a digit or letter (never I, O or S)."
        )
    expected = stdnum_upn.calc_check_digit(upn[1:])
    if upn[0] != expected:
        raise InvalidUPN("The check letter does not match the rest of the UPN.")
    return upn


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it."""
    return str(stdnum_upn.calc_check_digit(body))


#: The last character of a temporary UPN: a letter, never I, O or S.
TEMPORARY_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
#: Temporary UPNs one LA can issue in a year from this establishment number.
TEMPORARY_PER_YEAR = 100 * len(TEMPORARY_LETTERS)


def temporary_upn(la_code: str, year: int, serial: int) -> str:
    """The ``serial``-th temporary UPN issued by a local authority itself in a year (the
    establishment number ``0000``, as no school has issued one): check letter, LA
    number, ``0000``, the year's last two digits, two serial digits and a letter."""
    if not (len(la_code) == 3 and la_code.isdigit()):
        raise ValueError("An LA number has three digits.")
    if not 0 <= serial < TEMPORARY_PER_YEAR:
        raise ValueError(f"Only {TEMPORARY_PER_YEAR} temporary UPNs a year.")
    digits, letter = divmod(serial, len(TEMPORARY_LETTERS))
    body = f"{la_code}0000{year % 100:02d}{digits:02d}{TEMPORARY_LETTERS[letter]}"
    return upn_check_letter(body) + body


def national_curriculum_year(date_of_birth: datetime.date, on: datetime.date) -> int:
    """NC year from age on 31 August before the academic year holding ``on``.

    A child who is 11 on 31 August starting the year is in year 7.
    """
    year_start = on.year if on.month >= 9 else on.year - 1
    cutoff = datetime.date(year_start, 8, 31)
    age = cutoff.year - date_of_birth.year
    if (date_of_birth.month, date_of_birth.day) > (cutoff.month, cutoff.day):
        age -= 1
    return age - 4


def birth_dates_for_year_group(
    year_group: int, on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The first and last date of birth of pupils in ``year_group`` in the year holding ``on``."""
    year_start = on.year if on.month >= 9 else on.year - 1
    born_after = datetime.date(year_start - year_group - 5, 9, 1)
    born_by = datetime.date(year_start - year_group - 4, 8, 31)
    return born_after, born_by


@dataclass(frozen=True)
class Span:
    """An enrolment's dates (end None while the pupil is on roll) and registration."""

    start: datetime.date
    end: datetime.date | None
    registration: str  # "C" single, "M" main dual, "S" subsidiary dual
    setting_id: int

    def overlaps(self, other: Span) -> bool:
        self_end = self.end or datetime.date.max
        other_end = other.end or datetime.date.max
        return self.start <= other_end and other.start <= self_end


def enrolment_conflict(new: Span, existing: Iterable[Span]) -> Span | None:
    """The existing enrolment the new one may not overlap, if any.

    A pupil may be on roll at one setting at a time, except in dual
    registration: one main (M) and any subsidiary (S) registrations at other
    settings. So overlapping spans conflict when they are at the same setting,
    when either is a single registration, or when both are main.
    """
    for span in existing:
        if not new.overlaps(span):
            continue
        if span.setting_id == new.setting_id:
            return span
        if "C" in (span.registration, new.registration):
            return span
        if span.registration == new.registration == "M":
            return span
    return None

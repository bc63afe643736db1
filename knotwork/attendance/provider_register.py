"""The daily register an alternative provider (or a PRU) takes in knotwork when it has no
MIS: one row a pupil placed there, AM and PM, saved through ``services.marks_record`` so the
home school sees the marks at once, with amendments, audit and stale-edit checks as ever.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict

from knotwork.accounts.models import Membership, User
from knotwork.attendance.codes import BY_ID, UnknownCode, code_for
from knotwork.attendance.models import MarkAmendment, Register
from knotwork.attendance.queries import SessionMaps, YearOfSessions, start_year_of
from knotwork.attendance.services import marks_record
from knotwork.directory.models import Setting
from knotwork.pupils.access import SETTING_ROLES
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.termdates.rules import HALVES, Half

#: Settings that take their register in knotwork.
PROVIDER_TYPES = frozenset({Setting.Type.AP, Setting.Type.PRU})
#: The codes a provider uses, in the order its staff look for them. The first is the
#: present mark, which is ``/`` in the morning and ``\`` in the afternoon.
PROVIDER_CODES: tuple[str, ...] = (
    "/",
    "L",
    "U",
    "N",
    "O",
    "G",
    "I",
    "M",
    "C",
    "C2",
    "R",
    "S",
    "T",
    "E",
    "B",
    "V",
    "P",
    "W",
    "X",
    "Y1",
    "Y2",
    "Y3",
    "Y4",
    "Y5",
    "Y6",
    "Y7",
    "Q",
)
_PRESENT = {"AM": "/", "PM": "\\"}


def may_take_register(user: User, setting: Setting) -> bool:
    """Staff of the setting itself who may change records."""
    return Membership.objects.filter(
        user=user, organisation_id=setting.pk, role__in=SETTING_ROLES, can_edit=True
    ).exists()


@dataclass(frozen=True)
class SheetRow:
    """A pupil on the register: the marks already there (0 = none) and the register version
    they were read at (0 when the register does not exist yet)."""

    enrolment: Enrolment
    am: int
    pm: int
    version: int

    @property
    def key(self) -> str:
        return self.enrolment.uuid.hex

    @property
    def pupil(self) -> Pupil:
        return self.enrolment.pupil

    def current(self, half: Half) -> int:
        return self.am if half == "AM" else self.pm


@dataclass(frozen=True)
class RegisterSheet:
    """A provider's register for a day, or why it cannot be taken."""

    setting: Setting
    day: datetime.date
    year: YearOfSessions | None
    am_index: int | None
    rows: list[SheetRow]
    refusal: str = ""
    closed: frozenset[Half] = frozenset()

    def index(self, half: Half) -> int:
        assert self.am_index is not None
        return self.am_index + (0 if half == "AM" else 1)

    @property
    def open_halves(self) -> tuple[Half, ...]:
        return tuple(h for h in HALVES if h not in self.closed)


def register_sheet(setting: Setting, day: datetime.date, today: datetime.date) -> RegisterSheet:
    """The pupils on roll at the provider that day (single or subsidiary registration) with
    their marks; a refusal instead when the day is not one to mark."""
    year = SessionMaps().for_setting(setting, start_year_of(day))
    name = f"{day:%A %-d %B %Y}"
    if day > today:
        return RegisterSheet(setting, day, year, None, [], f"{name} has not happened yet.")
    if year is None or not year.sessions.is_school_day(day):
        refusal = (
            f"{name} is not a school day in {setting.name}'s calendar "
            "(a weekend, a holiday or a bank holiday), so there is no register to take."
        )
        return RegisterSheet(setting, day, year, None, [], refusal)
    am = year.sessions.index_of(day, "AM")
    closed = frozenset(h for h in HALVES if am + HALVES.index(h) in year.sessions.closed)
    enrolments = list(
        Enrolment.objects.current(day)
        .filter(
            setting=setting,
            registration__in=[Enrolment.Registration.SINGLE, Enrolment.Registration.SUBSIDIARY],
        )
        .select_related("pupil", "setting")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pk")
    )
    registers = {
        r.enrolment_id: r
        for r in Register.objects.filter(enrolment__in=enrolments, academic_year=year.year)
    }
    rows = []
    for enrolment in enrolments:
        register = registers.get(enrolment.pk)
        data = bytes(register.marks) if register is not None else b""
        marks = [data[i] if i < len(data) else 0 for i in (am, am + 1)]
        rows.append(SheetRow(enrolment, marks[0], marks[1], register.version if register else 0))
    refusal = ""
    if len(closed) == 2:
        refusal = (
            f"{setting.name} is closed on {name} (a planned closure), so there is no register."
        )
    return RegisterSheet(setting, day, year, am, rows, refusal, closed)


# ---- the form -----------------------------------------------------------------------


def code_choices(half: Half, current: int, day: datetime.date) -> list[tuple[str, str]]:
    """The codes offered for a session: a provider's usual codes, and the mark already there."""
    letters = [_PRESENT[half] if c == "/" else c for c in PROVIDER_CODES]
    choices: list[tuple[str, str]] = [] if current else [("", "Not marked")]
    existing = BY_ID.get(current)
    if existing is not None and existing.code not in letters:
        choices.append((existing.code, f"{existing.code} \u2013 {existing.meaning}"))
    for letters_ in letters:
        try:
            code = code_for(letters_, day)
        except UnknownCode:
            continue
        choices.append((code.code, f"{code.code} \u2013 {code.meaning}"))
    return choices


@dataclass(frozen=True)
class RowEntry:
    """What was chosen for one pupil: a code per open session (or none), the register
    version the page was read at, and the reason for any change."""

    codes: Mapping[Half, str]
    version: int
    reason: str


class ProviderRegisterForm(forms.Form):
    """One AM and PM select per pupil, the register version read, and a reason for changes."""

    def __init__(self, sheet: RegisterSheet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sheet = sheet
        self.stale: set[str] = set()
        for row in sheet.rows:
            name = row.pupil.display_name
            for half in sheet.open_halves:
                current = row.current(half)
                existing = BY_ID.get(current)
                self.fields[f"{half.lower()}-{row.key}"] = forms.ChoiceField(
                    label=f"{half} mark for {name}",
                    choices=code_choices(half, current, sheet.day),
                    required=bool(current),
                    initial=existing.code if existing else "",
                )
            # Missing when the pupil joined the roll after the page was read: not saved.
            self.fields[f"version-{row.key}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=row.version, min_value=0, required=False
            )
            self.fields[f"reason-{row.key}"] = forms.CharField(
                label=f"Reason for changing {name}'s marks",
                required=False,
                max_length=200,
            )

    @classmethod
    def after_change(
        cls, fresh: RegisterSheet, posted: QueryDict, error: RegisterChanged
    ) -> ProviderRegisterForm:
        """The form again after a stale save: what was typed, the marks saved meanwhile
        beside it, and the newer versions, so saving once more is a deliberate choice."""
        data = posted.copy()
        for row in fresh.rows:
            data[f"version-{row.key}"] = str(row.version)
        form = cls(fresh, data)
        form.is_valid()
        form.add_error(None, error.messages)
        form.stale = {row.key for row in error.rows}
        return form

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields of each pupil's row, for the template."""
        return [
            {
                "row": row,
                "sessions": [self[f"{h.lower()}-{row.key}"] for h in self.sheet.open_halves],
                "version": self[f"version-{row.key}"],
                "reason": self[f"reason-{row.key}"],
                "stale": row.key in self.stale,
            }
            for row in self.sheet.rows
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in self.sheet.rows:
            changed = any(
                row.current(h)
                and data.get(f"{h.lower()}-{row.key}")
                and data[f"{h.lower()}-{row.key}"] != BY_ID[row.current(h)].code
                for h in self.sheet.open_halves
            )
            if changed and not (data.get(f"reason-{row.key}") or "").strip():
                self.add_error(f"reason-{row.key}", "Say why the mark is being changed.")
        return data

    def entries(self) -> dict[str, RowEntry]:
        data = self.cleaned_data
        return {
            row.key: RowEntry(
                codes={
                    h: data[f"{h.lower()}-{row.key}"]
                    for h in self.sheet.open_halves
                    if data.get(f"{h.lower()}-{row.key}")
                },
                version=data[f"version-{row.key}"],
                reason=data.get(f"reason-{row.key}") or "",
            )
            for row in self.sheet.rows
            if data.get(f"version-{row.key}") is not None
        }


# ---- saving -------------------------------------------------------------------------


class RegisterChanged(ValidationError):
    """Someone saved marks for these pupils since the page was read."""

    def __init__(self, rows: Sequence[SheetRow]) -> None:
        names = ", ".join(row.pupil.display_name for row in rows)
        super().__init__(
            f"Someone else saved marks for {names} while you were taking the register. "
            "Their marks are shown beside yours: check them, then save again. "
            "Nothing has been saved yet."
        )
        self.rows = list(rows)


@dataclass(frozen=True)
class RegisterSaved:
    entries: int
    amendments: int


@transaction.atomic
def provider_register_save(
    *, actor: User, sheet: RegisterSheet, entries: Mapping[str, RowEntry]
) -> RegisterSaved:
    """Save a provider's register for the day: every pupil's marks or none.

    Refused when the user is not the provider's staff with edit rights, when the day is
    not a school day, or when any pupil's register changed since the page was read
    (``RegisterChanged``, naming them)."""
    if not may_take_register(actor, sheet.setting):
        raise PermissionDenied("Only the provider's own staff may take its register.")
    if sheet.refusal or sheet.year is None or sheet.am_index is None:
        raise ValidationError(sheet.refusal or "There is no register to take that day.")
    year = sheet.year
    locked = {
        r.enrolment_id: r.version
        for r in Register.objects.select_for_update().filter(
            enrolment__in=[row.enrolment for row in sheet.rows], academic_year=year.year
        )
    }
    stale = [
        row
        for row in sheet.rows
        if row.key in entries and entries[row.key].version != locked.get(row.enrolment.pk, 0)
    ]
    if stale:
        raise RegisterChanged(stale)
    totals = [0, 0]
    for row in sheet.rows:
        entry = entries.get(row.key)
        if entry is None or not entry.codes:
            continue
        marks = {sheet.index(h): code_for(c, sheet.day).id for h, c in entry.codes.items()}
        try:
            written = marks_record(
                actor=actor,
                enrolment=row.enrolment,
                year=year.year,
                sessions=year.sessions,
                marks=marks,
                reason=entry.reason,
                source=MarkAmendment.Source.PROVIDER_REGISTER,
                expected_version=entry.version,
            )
        except ValidationError as exc:
            raise ValidationError({f"reason-{row.key}": exc.messages}) from exc
        totals[0] += written.entries
        totals[1] += written.amendments
    return RegisterSaved(*totals)

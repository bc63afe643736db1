"""First-day contact: a setting's day of marks read as three lists (absent with no reason
yet, late, and on a plan), and the record of each call to a parent.

An ``N`` mark means the reason for an absence is not yet known; the school calls home on
the first day ("Working together to improve school attendance", 2024). The list shows the
parent to call, and each call is recorded in one click.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BinaryField, Prefetch
from django.db.models.functions import Substr

from knotwork.accounts.models import User
from knotwork.attendance.codes import BY_ID, LATE_CODES, NOT_YET_KNOWN, Code
from knotwork.attendance.models import FirstDayContact, LadderStep, Register
from knotwork.attendance.queries import SessionMaps, YearOfSessions, start_year_of
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Contact, Enrolment, Pupil, PupilQuerySet

#: The one-click buttons on the list, in the order staff meet the outcomes.
OUTCOME_BUTTONS: tuple[tuple[str, str], ...] = (
    (FirstDayContact.Outcome.REASON_GIVEN, "Reason given"),
    (FirstDayContact.Outcome.NO_ANSWER, "No answer"),
    (FirstDayContact.Outcome.MESSAGE_LEFT, "Message left"),
    (FirstDayContact.Outcome.HOME_VISIT, "Home visit needed"),
)

# ---- the school day -----------------------------------------------------------------


@dataclass(frozen=True)
class SchoolDay:
    """A date at a setting: its register sessions, if it is a school day there."""

    setting: Setting
    day: datetime.date
    year: YearOfSessions | None
    am: int | None  # index of the morning session; the afternoon is the next one

    @property
    def is_school_day(self) -> bool:
        return self.am is not None

    @property
    def previous(self) -> datetime.date | None:
        """The school day before, within the same academic year."""
        if self.year is None:
            return None
        earlier = [d for d in self.year.sessions.days if d < self.day]
        return earlier[-1] if earlier else None

    @property
    def next(self) -> datetime.date | None:
        if self.year is None:
            return None
        later = [d for d in self.year.sessions.days if d > self.day]
        return later[0] if later else None


def school_day_at(setting: Setting, day: datetime.date) -> SchoolDay:
    year = SessionMaps().for_setting(setting, start_year_of(day))
    am = None
    if year is not None and year.sessions.is_school_day(day):
        am = year.sessions.index_of(day, "AM")
    return SchoolDay(setting, day, year, am)


# ---- reading the day ---------------------------------------------------------------


def preferred_contact(contacts: Iterable[Contact]) -> Contact | None:
    """The parent to call first: the highest-priority contact with parental responsibility."""
    with_pr = [c for c in contacts if c.parental_responsibility]
    return min(with_pr, key=lambda c: (c.priority, c.name), default=None)


def contact_detail(contact: Contact) -> str:
    """The number, email or address that goes with the contact's preferred channel."""
    by_channel: dict[str, str] = {
        Contact.Channel.PHONE: contact.phone,
        Contact.Channel.TEXT: contact.phone,
        Contact.Channel.EMAIL: contact.email,
        Contact.Channel.LETTER: contact.address.replace("\n", ", "),
    }
    return by_channel.get(contact.preferred_channel, "") or contact.phone or contact.email


@dataclass(frozen=True)
class PupilDay:
    """A pupil's two marks on the day at the setting (None where unmarked), with the
    contacts who hold parental responsibility."""

    pupil: Pupil
    am: Code | None
    pm: Code | None
    parents: tuple[Contact, ...] = ()

    @property
    def contact(self) -> Contact | None:
        return preferred_contact(self.parents)

    @property
    def contact_detail(self) -> str:
        contact = self.contact
        return contact_detail(contact) if contact is not None else ""


@dataclass(frozen=True)
class ContactMade:
    pupil: Pupil
    record: FirstDayContact


@dataclass(frozen=True)
class OpenPlan:
    """A pupil with work under way on their attendance, and what it is."""

    pupil: Pupil
    kind: str
    due: datetime.date


@dataclass(frozen=True)
class TodayLists:
    day: SchoolDay
    absent: list[PupilDay]
    contacted: list[ContactMade]
    late: list[PupilDay]
    plans: list[OpenPlan]


def roll_on_day(setting: Setting, day: datetime.date, visible: PupilQuerySet) -> dict[int, int]:
    """Enrolment id -> pupil id for the visible pupils on roll at the setting that day.

    Read once, so the lists that follow filter by ids rather than each asking again who
    the user may see."""
    return dict(
        Enrolment.objects.current(day)
        .filter(setting=setting, pupil__in=visible.values("pk"))
        .values_list("pk", "pupil_id")
    )


def _pupils(ids: Iterable[int]) -> dict[int, Pupil]:
    """The pupils, each with ``parents``: the contacts with parental responsibility."""
    parents = Prefetch(
        "contacts",
        queryset=Contact.objects.filter(parental_responsibility=True).order_by("priority", "name"),
        to_attr="parents",
    )
    return {p.pk: p for p in Pupil.objects.filter(pk__in=set(ids)).prefetch_related(parents)}


def marks_on_day(when: SchoolDay, roll: Mapping[int, int]) -> dict[int, tuple[int, int]]:
    """Pupil id -> (AM id, PM id) for the pupils on the roll (enrolment id -> pupil id).

    Only the day's two bytes of each register leave the database; registers of pupils
    not on ``roll`` (those the user may not see) are dropped here."""
    if when.am is None or when.year is None or not roll:
        return {}
    day_marks = Substr("marks", when.am + 1, 2, output_field=BinaryField())
    on_roll = Enrolment.objects.current(when.day).filter(setting=when.setting)
    rows = (
        Register.objects.filter(academic_year=when.year.year, enrolment__in=on_roll)
        .annotate(day_marks=day_marks)
        .values_list("enrolment_id", "day_marks")
    )
    out: dict[int, tuple[int, int]] = {}
    for enrolment_id, marks in rows:
        if enrolment_id not in roll:
            continue
        pair = (bytes(marks or b"") + bytes(2))[:2]
        pupil_id = roll[enrolment_id]
        if any(pair) or pupil_id not in out:
            out[pupil_id] = (pair[0], pair[1])
    return out


def open_plans(setting: Setting, day: datetime.date, pupil_ids: Collection[int]) -> list[OpenPlan]:
    """Which of these pupils (on roll at the setting that day) have work under way on
    their attendance.

    For now the attendance ladder's planned steps; casework's plans join this list here."""
    on_roll = Enrolment.objects.current(day).filter(setting=setting).values("pupil_id")
    steps = (
        LadderStep.objects.filter(status=LadderStep.Status.PLANNED, pupil_id__in=on_roll)
        .select_related("pupil")
        .order_by("date", "pk")
    )
    seen: dict[int, OpenPlan] = {}
    for step in steps:
        if step.pupil_id in pupil_ids and step.pupil_id not in seen:
            label = f"On the attendance ladder: {step.get_kind_display()}"
            seen[step.pupil_id] = OpenPlan(step.pupil, label, step.date)
    return sorted(seen.values(), key=lambda p: (p.pupil.surname, p.pupil.forename, p.pupil.pk))


def _by_name(rows: Sequence[PupilDay]) -> list[PupilDay]:
    return sorted(rows, key=lambda r: (r.pupil.surname, r.pupil.forename, r.pupil.pk))


def today_lists(when: SchoolDay, visible: PupilQuerySet) -> TodayLists:
    """The day's three lists at a setting, for the pupils the user may see."""
    roll = roll_on_day(when.setting, when.day, visible)
    on_roll = set(roll.values())
    marks = marks_on_day(when, roll)
    contacted = [
        record
        for record in FirstDayContact.objects.filter(
            setting=when.setting, date=when.day
        ).select_related("made_by")
        if record.pupil_id in on_roll
    ]
    called = {record.pupil_id for record in contacted}
    days = {
        pupil_id: (BY_ID.get(am), BY_ID.get(pm)) for pupil_id, (am, pm) in marks.items() if am or pm
    }
    absent_ids = [i for i, pair in days.items() if any(c and c.code == NOT_YET_KNOWN for c in pair)]
    late_ids = [i for i, pair in days.items() if any(c and c.code in LATE_CODES for c in pair)]
    pupils = _pupils([*absent_ids, *late_ids, *called])

    def row(pupil_id: int) -> PupilDay:
        pupil = pupils[pupil_id]
        return PupilDay(pupil, *days[pupil_id], parents=tuple(getattr(pupil, "parents", ())))

    latest: dict[int, FirstDayContact] = {}
    for record in contacted:  # newest first
        latest.setdefault(record.pupil_id, record)
    return TodayLists(
        day=when,
        absent=_by_name([row(i) for i in absent_ids if i not in called]),
        contacted=sorted(
            (ContactMade(pupils[i], record) for i, record in latest.items()),
            key=lambda c: (c.pupil.surname, c.pupil.forename, c.pupil.pk),
        ),
        late=_by_name([row(i) for i in late_ids]),
        plans=open_plans(when.setting, when.day, on_roll),
    )


def editable_pupil_ids(editable: PupilQuerySet, lists: TodayLists) -> set[int]:
    """Which pupils on the lists the user may record a call for."""
    ids = {r.pupil.pk for r in lists.absent}
    if not ids:
        return set()
    return set(editable.filter(pk__in=ids).values_list("pk", flat=True))


# ---- the CSV of the first list ------------------------------------------------------

CSV_HEADER = [
    "Surname",
    "Forename",
    "UPN",
    "Year group",
    "AM",
    "PM",
    "Contact",
    "Relationship",
    "Prefers",
    "Phone, email or address",
    "Language",
    "Interpreter needed",
]
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def absent_csv(rows: Iterable[PupilDay], day: datetime.date) -> str:
    """The absent-with-no-reason list as CSV, with a byte order mark for spreadsheets."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        contact = r.contact
        values = [
            r.pupil.surname,
            r.pupil.forename,
            r.pupil.upn,
            str(r.pupil.year_group(day)),
            r.am.code if r.am else "",
            r.pm.code if r.pm else "",
        ]
        if contact is not None:
            values += [
                contact.name,
                contact.relationship,
                contact.get_preferred_channel_display(),
                r.contact_detail,
                contact.language,
                "Yes" if contact.interpreter_needed else "No",
            ]
        else:
            values += [""] * 6
        writer.writerow([_cell(v) for v in values])
    return out.getvalue()


def absent_export_audit(*, actor: User, rows: Iterable[PupilDay]) -> None:
    """One EXPORT row on each pupil's trail for the list taken away as a file."""
    for r in rows:
        audit_record(
            actor=actor, action=AuditEntry.Action.EXPORT, pupil=r.pupil, what="first-day list CSV"
        )


# ---- recording a call ---------------------------------------------------------------


@transaction.atomic
def first_day_contact_record(
    *,
    actor: User,
    pupil: Pupil,
    setting: Setting,
    day: datetime.date,
    outcome: str,
    today: datetime.date,
) -> FirstDayContact:
    """Record a call (or message, or the need for a visit) to a pupil's parent about an
    absence with no reason yet, to the parent the list showed."""
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may see this pupil's record but not change it.")
    if outcome not in FirstDayContact.Outcome.values:
        raise ValidationError({"outcome": "Choose what happened."})
    if day > today:
        raise ValidationError({"date": "A call cannot be recorded for a day still to come."})
    if not Enrolment.objects.current(day).filter(pupil=pupil, setting=setting).exists():
        raise ValidationError({"pupil": "The pupil was not on roll at this setting that day."})
    contact = preferred_contact(pupil.contacts.all())
    record = FirstDayContact.objects.create(
        pupil=pupil,
        setting=setting,
        contact=contact,
        date=day,
        channel=contact.preferred_channel if contact is not None else "",
        outcome=outcome,
        made_by=actor,
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=record, what="first-day call"
    )
    return record

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import BinaryField, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Substr
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.attendance.codes import BY_ID, LATE_CODES, NOT_YET_KNOWN, Code, ids_of
from knotwork.attendance.models import FirstDayContact, LadderStep, Register
from knotwork.attendance.queries import SessionMaps, YearOfSessions, start_year_of
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.notices.services import notice_missing_from_school
from knotwork.pupils.access import Access, pupil_access, sees_roll_of, visible_among
from knotwork.pupils.models import Contact, Enrolment, Pupil

T = TypeVar("T")

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


#: The lists on the page, each paged on its own (``?absent_page=2``).
LISTS = ("absent", "contacted", "late", "plans")


@dataclass(frozen=True)
class TodayLists:
    """The day's four lists, each a page of a :class:`django.core.paginator.Paginator`
    whose ``paginator.count`` is the whole list's length."""

    day: SchoolDay
    absent: Page[PupilDay]
    contacted: Page[ContactMade]
    late: Page[PupilDay]
    plans: Page[OpenPlan]


# Name fields, to order pupils by the names they are known by without loading them.
_NAMES = ("legal_surname", "preferred_surname", "legal_forename", "preferred_forename")
NameKey = tuple[str, str, int]


def _name_key(pupil_id: int, legal_s: str, pref_s: str, legal_f: str, pref_f: str) -> NameKey:
    return (pref_s or legal_s, pref_f or legal_f, pupil_id)


def _on_roll_that_day(when: SchoolDay) -> Exists:
    """For a row with a ``pupil_id``: the pupil was on roll at the setting that day."""
    return Exists(
        Enrolment.objects.current(when.day).filter(setting=when.setting, pupil=OuterRef("pupil_id"))
    )


@dataclass(frozen=True)
class DayIds:
    """Who is on each list, in name order, with the day's marks of those marked; read
    with a few queries whose rows are only the listed pupils, whatever the roll."""

    marks: dict[int, tuple[int, int]]  # pupil id -> (AM id, PM id)
    absent: list[int]
    late: list[int]
    contacted: list[tuple[int, int]]  # (pupil id, newest FirstDayContact id)
    plans: list[tuple[int, int]]  # (pupil id, first planned LadderStep id)


_ABSENT_IDS = frozenset(ids_of(frozenset({NOT_YET_KNOWN})))
_LATE_IDS = frozenset(ids_of(LATE_CODES))


def marks_listed(when: SchoolDay) -> dict[int, tuple[int, int, NameKey]]:
    """Pupil id -> (AM id, PM id, name key) for the pupils on roll at the setting marked
    N, L or U that day, whoever may see them. The database picks those registers out by
    the day's two bytes from the setting's registers, so only their rows leave it."""
    if when.am is None or when.year is None:
        return {}
    wanted = [bytes([i]) for i in sorted(_ABSENT_IDS | _LATE_IDS)]
    am = Substr("marks", when.am + 1, 1, output_field=BinaryField())
    pm = Substr("marks", when.am + 2, 1, output_field=BinaryField())
    rows = (
        Register.objects.filter(
            academic_year=when.year.year,
            setting=when.setting,
            enrolment__start_date__lte=when.day,
        )
        .filter(Q(enrolment__end_date__isnull=True) | Q(enrolment__end_date__gte=when.day))
        .annotate(am_mark=am, pm_mark=pm)
        .filter(Q(am_mark__in=wanted) | Q(pm_mark__in=wanted))
        .values_list(
            "enrolment__pupil_id", "am_mark", "pm_mark", *(f"enrolment__pupil__{n}" for n in _NAMES)
        )
    )
    out: dict[int, tuple[int, int, NameKey]] = {}
    for pupil_id, am_mark, pm_mark, *names in rows:
        first = bytes(am_mark or b"\0")[0]
        second = bytes(pm_mark or b"\0")[0]
        out[pupil_id] = (first, second, _name_key(pupil_id, *names))
    return out


def _seen(
    when: SchoolDay, user: User, seen_on: datetime.date | None, pupil_ids: list[int]
) -> set[int]:
    """Which of the pupils found (all on roll at the setting that day) the user may see.
    Staff who see the setting's whole roll see them all when the day is the day asked
    about; anyone else is asked pupil by pupil."""
    if when.day == (seen_on or timezone.localdate()) and sees_roll_of(user, when.setting):
        return set(pupil_ids)
    return visible_among(user, pupil_ids, seen_on)


def day_ids(when: SchoolDay, user: User, seen_on: datetime.date | None = None) -> DayIds:
    """The pupils on the day's lists at a setting, of those the user may see (on
    ``seen_on``, today by default).

    Who may be seen is asked of the pupils found (``visible_among``) rather than joined
    into the queries that find them: planning that join, a database tends to work out
    the user's whole visible roll first, which on a large roll costs more than the lists."""
    listed = marks_listed(when)
    names = [f"pupil__{n}" for n in _NAMES]
    latest: dict[int, tuple[int, NameKey]] = {}
    for record_id, pupil_id, *name in (
        FirstDayContact.objects.filter(setting=when.setting, date=when.day)
        .filter(_on_roll_that_day(when))
        .order_by("-at", "-pk")
        .values_list("pk", "pupil_id", *names)
    ):
        latest.setdefault(pupil_id, (record_id, _name_key(pupil_id, *name)))
    first_step: dict[int, tuple[int, NameKey]] = {}
    for step_id, pupil_id, *name in (
        LadderStep.objects.filter(status=LadderStep.Status.PLANNED)
        .filter(_on_roll_that_day(when))
        .order_by("date", "pk")
        .values_list("pk", "pupil_id", *names)
    ):
        first_step.setdefault(pupil_id, (step_id, _name_key(pupil_id, *name)))
    seen = _seen(when, user, seen_on, [*listed, *latest, *first_step])

    def in_order(ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda i: listed[i][2])

    def by_name(found: dict[int, tuple[int, NameKey]]) -> list[tuple[int, int]]:
        kept = [(p, found[p]) for p in found if p in seen]
        return [(p, r) for p, (r, _) in sorted(kept, key=lambda item: item[1][1])]

    marks = {p: (am, pm) for p, (am, pm, _) in listed.items() if p in seen}
    return DayIds(
        marks=marks,
        absent=in_order(
            p
            for p, (am, pm) in marks.items()
            if (am in _ABSENT_IDS or pm in _ABSENT_IDS) and p not in latest
        ),
        late=in_order(p for p, (am, pm) in marks.items() if am in _LATE_IDS or pm in _LATE_IDS),
        contacted=by_name(latest),
        plans=by_name(first_step),
    )


def _pupils(ids: Iterable[int]) -> dict[int, Pupil]:
    """The pupils, each with ``parents``: the contacts with parental responsibility."""
    parents = Prefetch(
        "contacts",
        queryset=Contact.objects.filter(parental_responsibility=True).order_by("priority", "name"),
        to_attr="parents",
    )
    return {p.pk: p for p in Pupil.objects.filter(pk__in=set(ids)).prefetch_related(parents)}


def _day_rows(
    ids: Sequence[int], marks: Mapping[int, tuple[int, int]], pupils: Mapping[int, Pupil]
) -> list[PupilDay]:
    return [
        PupilDay(
            pupils[i],
            BY_ID.get(marks[i][0]),
            BY_ID.get(marks[i][1]),
            parents=tuple(getattr(pupils[i], "parents", ())),
        )
        for i in ids
    ]


def _page(items: Sequence[T], size: int, number: str | int | None) -> Page[T]:
    return Paginator(items, size).get_page(number)


def _with_rows(page: Page[Any], rows: Sequence[T]) -> Page[T]:
    """The same page of a list, holding the rows built for the items on it."""
    return Page(rows, page.number, cast("Paginator[T]", page.paginator))


def today_lists(
    when: SchoolDay,
    user: User,
    seen_on: datetime.date | None = None,
    *,
    size: int = 25,
    pages: Mapping[str, str | int | None] | None = None,
) -> TodayLists:
    """The day's lists at a setting, of the pupils the user may see: the pages asked
    for (``pages["absent"]`` and so on; the first where absent), ``size`` rows each.
    Only the rows shown are loaded as pupils."""
    pages = pages or {}
    ids = day_ids(when, user, seen_on)
    absent = _page(ids.absent, size, pages.get("absent"))
    late = _page(ids.late, size, pages.get("late"))
    contacted = _page(ids.contacted, size, pages.get("contacted"))
    plans = _page(ids.plans, size, pages.get("plans"))
    records = FirstDayContact.objects.select_related("made_by", "pupil").in_bulk(
        [r for _, r in contacted]
    )
    steps = LadderStep.objects.select_related("pupil").in_bulk([s for _, s in plans])
    pupils = _pupils([*absent, *late])
    return TodayLists(
        day=when,
        absent=_with_rows(absent, _day_rows(list(absent), ids.marks, pupils)),
        contacted=_with_rows(
            contacted, [ContactMade(records[r].pupil, records[r]) for _, r in contacted]
        ),
        late=_with_rows(late, _day_rows(list(late), ids.marks, pupils)),
        plans=_with_rows(
            plans,
            [
                OpenPlan(
                    steps[s].pupil,
                    f"On the attendance ladder: {steps[s].get_kind_display()}",
                    steps[s].date,
                )
                for _, s in plans
            ],
        ),
    )


def absent_rows(
    when: SchoolDay, user: User, seen_on: datetime.date | None = None
) -> list[PupilDay]:
    """Every pupil on the absent-with-no-reason list, for the file staff take away."""
    ids = day_ids(when, user, seen_on)
    return _day_rows(ids.absent, ids.marks, _pupils(ids.absent))


def editable_pupil_ids(user: User, rows: Iterable[PupilDay]) -> set[int]:
    """Which of these pupils (on roll at the setting today) the user may record a call for."""
    return visible_among(user, (r.pupil.pk for r in rows), for_edit=True)


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
    notice_missing_from_school(actor=actor, contact=record)
    return record

"""What the parent contact log reads: a pupil's contacts with home, newest first, the
settings a user may log contacts for, and the log as CSV."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.directory.models import Setting
from knotwork.pupils.access import sees_roll_of
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.parent_contact_models import ParentContact


def parent_contacts_for_pupil(pupil: Pupil) -> QuerySet[ParentContact]:
    """The pupil's log, newest first, with who was contacted, by whom and where."""
    return ParentContact.objects.filter(pupil=pupil).select_related("contact", "made_by", "setting")


def settings_to_log_for(user: User, pupil: Pupil, on: datetime.date) -> list[Setting]:
    """The settings the pupil is on roll at on the day whose contacts the user may record."""
    on_roll = Enrolment.objects.current(on).filter(pupil=pupil).values("setting_id")
    return [
        s
        for s in Setting.objects.filter(pk__in=on_roll).order_by("name")
        if sees_roll_of(user, s, for_edit=True)
    ]


CSV_HEADER = [
    "Date",
    "Time",
    "Channel",
    "Direction",
    "Parent or carer",
    "Made by",
    "Setting",
    "Note",
]
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def parent_contacts_csv(rows: Iterable[ParentContact]) -> str:
    """The log as CSV, with a byte order mark so spreadsheets read UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        at = timezone.localtime(row.at)
        who = f"{row.contact.name} ({row.contact.relationship})" if row.contact else "Not recorded"
        values = [
            at.date().isoformat(),
            at.strftime("%H:%M"),
            row.get_channel_display(),
            row.get_direction_display(),
            who,
            row.made_by.get_full_name() or row.made_by.get_username(),
            row.setting.name,
            row.note,
        ]
        writer.writerow([_cell(value) for value in values])
    return out.getvalue()

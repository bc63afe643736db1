"""What the concern pages and exports read: a setting's worklist, a pupil's concerns, one
concern for a user.

The worklist finds the setting's active concerns of pupils on roll there, then asks who
may be seen of the pupils found (``visible_among``) rather than joining the user's whole
visible roll into the query; only the page shown is loaded with its pupils and rules.
"""

from __future__ import annotations

import csv
import datetime
import io
import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.casework.consent_models import Section
from knotwork.casework.models import Concern
from knotwork.directory.models import Setting
from knotwork.pupils.access import (
    Access,
    pupil_access,
    pupil_sections,
    sees_roll_of,
    visible_among,
    visible_settings,
)
from knotwork.pupils.models import Enrolment, Pupil

#: How long a staff concern may wait for someone to act before it stands out.
STAFF_STALE_AFTER_DAYS = 10


def setting_for_user(user: User, setting_uuid: uuid_module.UUID) -> Setting:
    """The setting if the user may see pupils there; 404 otherwise, so it never leaks."""
    setting = visible_settings(user).filter(uuid=setting_uuid).first()
    if setting is None:
        raise Http404("No such setting")
    return setting


def concern_for_user(user: User, concern_uuid: uuid_module.UUID, *, write: bool = False) -> Concern:
    """A concern if the user may see its pupil: 404 when not (existence never leaks),
    403 when they may see it but asked to change it without edit access."""
    concern = (
        Concern.objects.filter(uuid=concern_uuid)
        .select_related("pupil", "rule", "setting", "acted_by", "raised_by")
        .first()
    )
    if concern is None or Section.CASEWORK not in pupil_sections(user, concern.pupil):
        raise Http404("No such concern")
    if write and pupil_access(user, concern.pupil) < Access.EDIT:
        raise PermissionDenied("You may see this concern but not act on it.")
    return concern


def days_waiting(concern: Concern, today: datetime.date) -> int:
    return (today - timezone.localdate(concern.raised_at)).days


def stale_after(concern: Concern) -> int:
    return concern.rule.stale_after_days if concern.rule is not None else STAFF_STALE_AFTER_DAYS


def is_stale(concern: Concern, today: datetime.date) -> bool:
    """Open, and nobody has acted on it for the rule's ``stale_after_days`` (10 for staff)."""
    return concern.status == Concern.Status.OPEN and days_waiting(concern, today) >= stale_after(
        concern
    )


@dataclass(frozen=True)
class ConcernRow:
    concern: Concern
    days: int
    stale: bool
    editable: bool


@dataclass(frozen=True)
class WorklistFilters:
    status: str = ""  # "" for open and acknowledged
    source: str = ""
    kind: str = ""


def _on_roll_at(setting: Setting, on: datetime.date) -> Exists:
    return Exists(Enrolment.objects.current(on).filter(setting=setting, pupil=OuterRef("pupil_id")))


def _worklist(
    setting: Setting, filters: WorklistFilters, today: datetime.date
) -> QuerySet[Concern]:
    """The setting's active concerns of pupils on roll there today, newest first (in the
    order of ``concern_worklist_order_idx``)."""
    statuses = [filters.status] if filters.status in Concern.ACTIVE else list(Concern.ACTIVE)
    found = Concern.objects.filter(setting=setting, status__in=statuses).filter(
        _on_roll_at(setting, today)
    )
    if filters.source:
        found = found.filter(source=filters.source)
    if filters.kind:
        found = found.filter(rule__kind=filters.kind)
    return found.order_by("-fired_on", "-pk")


def worklist_ids(
    setting: Setting, user: User, filters: WorklistFilters, today: datetime.date
) -> tuple[list[int], set[int]]:
    """(concern ids newest first, pupil ids the user may edit) of the active concerns at
    the setting of pupils on roll there today whom the user may see."""
    rows = list(_worklist(setting, filters, today).values_list("pk", "pupil_id"))
    pupil_ids = {p for _, p in rows}
    if sees_roll_of(user, setting):
        seen = pupil_ids
    else:
        seen = visible_among(user, pupil_ids, today, section=Section.CASEWORK)
    return [c for c, p in rows if p in seen], _editable(user, setting, seen, today)


def _editable(user: User, setting: Setting, seen: set[int], today: datetime.date) -> set[int]:
    if sees_roll_of(user, setting, for_edit=True):
        return seen
    return visible_among(user, seen, today, for_edit=True)


def _rows(
    concerns: Iterable[Concern], editable: set[int], today: datetime.date
) -> list[ConcernRow]:
    return [
        ConcernRow(c, days_waiting(c, today), is_stale(c, today), c.pupil_id in editable)
        for c in concerns
    ]


def _loaded(ids: list[int]) -> list[Concern]:
    found = Concern.objects.select_related("pupil", "rule", "acted_by", "raised_by").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def worklist_rows(
    setting: Setting,
    user: User,
    filters: WorklistFilters,
    today: datetime.date,
    *,
    size: int = 25,
    page: str | int | None = None,
) -> Page[ConcernRow]:
    """A page of the setting's worklist, ``size`` rows; only those rows are loaded.

    Someone who sees the setting's whole roll gets the count and the page from the
    database (two queries over the worklist index, whatever the list's length); anyone
    else's list is cut to the pupils they may see first."""
    if not sees_roll_of(user, setting):
        ids, editable = worklist_ids(setting, user, filters, today)
        shown = Paginator(ids, size).get_page(page)
        rows = _rows(_loaded(list(shown)), editable, today)
        return Page(rows, shown.number, shown.paginator)  # type: ignore[arg-type]
    found = _worklist(setting, filters, today).select_related(
        "pupil", "rule", "acted_by", "raised_by"
    )
    listed = Paginator(found, size).get_page(page)
    concerns = list(listed)
    editable = _editable(user, setting, {c.pupil_id for c in concerns}, today)
    return Page(_rows(concerns, editable, today), listed.number, listed.paginator)  # type: ignore[arg-type]


def worklist_all(
    setting: Setting, user: User, filters: WorklistFilters, today: datetime.date
) -> list[ConcernRow]:
    """The whole worklist, for the CSV."""
    ids, editable = worklist_ids(setting, user, filters, today)
    return _rows(_loaded(ids), editable, today)


def worklist_row(concern: Concern, user: User, today: datetime.date) -> ConcernRow:
    editable = pupil_access(user, concern.pupil) >= Access.EDIT
    return ConcernRow(concern, days_waiting(concern, today), is_stale(concern, today), editable)


def concerns_for_pupil(pupil: Pupil) -> QuerySet[Concern]:
    """Every concern about a pupil, at every setting, newest first."""
    return Concern.objects.filter(pupil=pupil).select_related(
        "rule", "setting", "acted_by", "raised_by"
    )


CSV_HEADER = (
    "UPN",
    "Surname",
    "Forename",
    "Flagged on",
    "Source",
    "Rule or sign",
    "Summary",
    "Status",
    "Acted on by",
    "Days waiting",
    "Nobody has acted",
)


def worklist_csv(rows: Iterable[ConcernRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        c = row.concern
        what = c.rule.get_kind_display() if c.rule is not None else c.get_sign_display()
        by = c.acted_by.get_full_name() or c.acted_by.username if c.acted_by else ""
        writer.writerow(
            [
                c.pupil.upn,
                c.pupil.surname,
                c.pupil.forename,
                c.fired_on.isoformat(),
                c.get_source_display(),
                what,
                c.summary,
                c.get_status_display(),
                by,
                row.days,
                "yes" if row.stale else "",
            ]
        )
    return out.getvalue()

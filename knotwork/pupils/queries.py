"""What the pupil pages read, with their joins done."""

from __future__ import annotations

import datetime
import re
import uuid as uuid_module
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, DateField, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from knotwork.core.models import AuditEntry
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.placements.move_models import ManagedMove
from knotwork.placements.provision_models import ProvisionPlacement
from knotwork.pupils.models import Enrolment, Pupil, PupilQuerySet
from knotwork.pupils.rules import birth_dates_for_year_group, normalise_upn

_UPN_LIKE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
NAME_FIELDS = ("legal_forename", "legal_surname", "preferred_forename", "preferred_surname")


def _current_enrolments(on: datetime.date) -> Prefetch[Any]:
    return Prefetch(
        "enrolments",
        queryset=Enrolment.objects.current(on).select_related("setting"),
        to_attr="current_enrolments",
    )


def pupil_search(
    visible: PupilQuerySet,
    *,
    text: str = "",
    year_group: int | None = None,
    setting_id: int | None = None,
    on: datetime.date,
) -> QuerySet[Pupil]:
    """Pupils among ``visible`` matching a name or UPN, a year group and a setting.

    A UPN matches exactly. Otherwise every word typed must begin one of the
    pupil's names (legal or preferred), so "sam ali" finds Samira Alison.
    """
    pupils = visible
    text = text.strip()
    if text:
        maybe_upn = normalise_upn(text)
        if _UPN_LIKE.match(maybe_upn):
            pupils = pupils.filter(upn=maybe_upn)
        else:
            for word in text.split():
                word_match = Q()
                for name_field in NAME_FIELDS:
                    word_match |= Q(**{f"{name_field}__istartswith": word})
                pupils = pupils.filter(word_match)
    if year_group is not None:
        born_after, born_by = birth_dates_for_year_group(year_group, on)
        pupils = pupils.filter(date_of_birth__range=(born_after, born_by))
    if setting_id is not None:
        pupils = pupils.on_roll_at([setting_id], on)
    return pupils.order_by("legal_surname", "legal_forename", "pk").prefetch_related(
        _current_enrolments(on)
    )


def pupil_profile(pupil: Pupil, on: datetime.date) -> dict[str, object]:
    enrolments = list(pupil.enrolments.select_related("setting").order_by("-start_date"))
    return {
        "pupil": pupil,
        "year_group": pupil.year_group(on),
        "enrolments": enrolments,
        "current_enrolments": [e for e in enrolments if e.is_current(on)],
        "contacts": list(pupil.contacts.all()),
    }


def audit_trail(pupil: Pupil) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(pupil=pupil).select_related("actor").order_by("-at", "-id")


@dataclass(frozen=True)
class PlacementLine:
    """One of a pupil's placements for their profile: a managed move, a fair access
    placement or a placement with a provider."""

    kind: str  # "move", "fair_access" or a ProvisionPlacement.Kind
    uuid: uuid_module.UUID
    where: str
    starts: datetime.date
    ends: datetime.date | None
    status: str  # a code of its kind's statuses (see ``label`` and ``status_label``)

    @property
    def label(self) -> str:
        if self.kind == "move":
            return "Managed move"
        if self.kind == "fair_access":
            return "Fair access placement"
        return str(ProvisionPlacement.Kind(self.kind).label)

    @property
    def status_label(self) -> str:
        if self.kind == "move":
            return str(ManagedMove.Status(self.status).label)
        if self.kind == "fair_access":
            return "Started" if self.status == "started" else "Waiting for a first day"
        if self.status == "running":
            return "Running"
        return str(ProvisionPlacement.Outcome(self.status).label)

    @property
    def url_name(self) -> str:
        if self.kind == "move":
            return "placements:move-detail"
        if self.kind == "fair_access":
            return "placements:fair-access-placement"
        return "placements:provision-placement"

    @property
    def running(self) -> bool:
        return self.status in {"trial", "waiting", "started", "running"}


_LINE = ("line_kind", "line_uuid", "line_where", "line_starts", "line_ends", "line_status")


def placements_for_pupil(pupil: Pupil) -> list[PlacementLine]:
    """The pupil's managed moves, fair access placements and placements with providers,
    the latest first, in one query (a union of the three)."""
    text: CharField[str, str] = CharField()
    day: DateField[datetime.date, datetime.date] = DateField()
    moves = (
        ManagedMove.objects.filter(pupil=pupil)
        .annotate(
            line_kind=Value("move", output_field=text),
            line_uuid=F("uuid"),
            line_where=F("to_setting__name"),
            line_starts=F("starts_on"),
            line_ends=F("ended_on"),
            line_status=F("status"),
        )
        .order_by()
        .values_list(*_LINE)
    )
    fair_access = (
        FairAccessPlacement.objects.filter(pupil=pupil)
        .annotate(
            line_kind=Value("fair_access", output_field=text),
            line_uuid=F("uuid"),
            line_where=F("placed_at__name"),
            line_starts=Coalesce("started_on", "placed_on", output_field=day),
            line_ends=Value(None, output_field=day),
            line_status=Case(
                When(started_on__isnull=True, then=Value("waiting")),
                default=Value("started"),
                output_field=text,
            ),
        )
        .order_by()
        .values_list(*_LINE)
    )
    provision = (
        ProvisionPlacement.objects.filter(pupil=pupil)
        .annotate(
            line_kind=F("kind"),
            line_uuid=F("uuid"),
            line_where=F("provider__setting__name"),
            line_starts=F("starts_on"),
            line_ends=F("ends_on"),
            line_status=Case(
                When(ends_on__isnull=True, then=Value("running")),
                default=F("outcome"),
                output_field=text,
            ),
        )
        .order_by()
        .values_list(*_LINE)
    )
    rows = moves.union(fair_access, provision, all=True)
    lines = [PlacementLine(*row) for row in rows]
    for line in lines:  # a union returns text where a UUID column is stored as text
        if not isinstance(line.uuid, uuid_module.UUID):
            object.__setattr__(line, "uuid", uuid_module.UUID(str(line.uuid)))
    return sorted(lines, key=lambda line: (line.starts, line.kind, str(line.uuid)), reverse=True)

"""What the pupil pages read, with their joins done."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from knotwork.core.models import AuditEntry
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

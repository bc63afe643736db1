"""Builders for behaviour tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.behaviour.models import Exclusion, Incident, IncidentPupil
from knotwork.directory.models import Setting
from knotwork.pupils.models import Pupil


def make_incident(
    *,
    setting: Setting,
    recorded_by: User,
    pupils: dict[Pupil, str],
    **overrides: Any,
) -> Incident:
    """An incident at a setting with pupils in their roles (instigator, target...)."""
    values: dict[str, Any] = {
        "occurred_at": timezone.make_aware(datetime.datetime(2026, 11, 23, 13, 20)),
        "place": Incident.Place.CORRIDOR,
        "kind": Incident.Kind.DISRUPTION,
        "severity": Incident.Severity.MEDIUM,
    }
    values.update(overrides)
    incident = Incident.objects.create(setting=setting, recorded_by=recorded_by, **values)
    for pupil, role in pupils.items():
        IncidentPupil.objects.create(incident=incident, pupil=pupil, role=role)
    return incident


def make_exclusion(*, pupil: Pupil, recorded_by: User, **overrides: Any) -> Exclusion:
    """A suspension of two days from Monday 23 November 2026 at the pupil's current school."""
    values: dict[str, Any] = {
        "kind": Exclusion.Kind.SUSPENSION,
        "start_date": datetime.date(2026, 11, 23),
        "start_half": "AM",
        "sessions": 4,
        "reason_1": "DB",
        "decided_by": "Headteacher",
    }
    values.update(overrides)
    values.setdefault("enrolment", pupil.enrolments.order_by("-start_date").first())
    return Exclusion.objects.create(pupil=pupil, recorded_by=recorded_by, **values)

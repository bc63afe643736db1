"""What behaviour pages read. Visibility follows the pupil's (``pupils.access``)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from knotwork.behaviour.models import Exclusion, Incident, IncidentPupil
from knotwork.pupils.access import visible_pupils

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from knotwork.accounts.models import User


def visible_incidents(
    user: User | AnonymousUser, on: datetime.date | None = None
) -> QuerySet[Incident]:
    """Incidents (not withdrawn) with at least one pupil the user may see."""
    seen = IncidentPupil.objects.filter(
        incident=OuterRef("pk"), pupil__in=visible_pupils(user, on).values("pk")
    )
    return Incident.objects.filter(Exists(seen), deleted_at__isnull=True)


def incident_pupils_visible(
    user: User | AnonymousUser, on: datetime.date | None = None
) -> Prefetch[Any]:
    """Prefetch of each incident's pupils, keeping only those the user may see
    (as ``visible_roles``); others in the incident are not named to this user."""
    return Prefetch(
        "pupils",
        queryset=IncidentPupil.objects.filter(
            pupil__in=visible_pupils(user, on).values("pk")
        ).select_related("pupil"),
        to_attr="visible_roles",
    )


def visible_exclusions(
    user: User | AnonymousUser, on: datetime.date | None = None
) -> QuerySet[Exclusion]:
    """Suspensions and permanent exclusions of pupils the user may see."""
    return Exclusion.objects.filter(pupil__in=visible_pupils(user, on).values("pk"))

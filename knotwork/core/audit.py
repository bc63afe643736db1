"""Writing the audit trail. Every read and change of a pupil's record calls this."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from knotwork.core.models import AuditEntry
from knotwork.core.request_context import current_origin

if TYPE_CHECKING:
    from knotwork.accounts.models import User
    from knotwork.pupils.models import Pupil


def audit_record(
    *,
    actor: User | None,
    action: str,
    pupil: Pupil | None = None,
    obj: models.Model | None = None,
    what: str = "",
) -> AuditEntry:
    """Write one audit row: who, what action, on which pupil and record, from where."""
    target = obj if obj is not None else pupil
    origin = current_origin()
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        pupil=pupil,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(getattr(target, "uuid", None) or getattr(target, "pk", "")) if target else "",
        what=what[:120],
        request_id=origin.request_id,
        ip_address=origin.ip_address,
    )

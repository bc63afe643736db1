"""Writing the audit trail. Every read and change of a pupil's record calls this."""

from __future__ import annotations

from collections.abc import Iterable
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
        object_id=_object_id(target) if target is not None else "",
        what=what[:120],
        request_id=origin.request_id,
        ip_address=origin.ip_address,
    )


def _object_id(target: models.Model) -> str:
    return str(getattr(target, "uuid", None) or getattr(target, "pk", ""))


def audit_record_many(
    *,
    actor: User | None,
    action: str,
    records: Iterable[tuple[int, models.Model]],
    what: str = "",
) -> list[AuditEntry]:
    """One audit row for each (pupil id, record) pair, as ``audit_record`` would write
    them, in one insert: for a page or an export that shows many pupils' records."""
    origin = current_origin()
    rows = [
        AuditEntry(
            actor=actor,
            action=action,
            pupil_id=pupil_id,
            object_type=target._meta.label_lower,
            object_id=_object_id(target),
            what=what[:120],
            request_id=origin.request_id,
            ip_address=origin.ip_address,
        )
        for pupil_id, target in records
    ]
    return AuditEntry.objects.bulk_create(rows, batch_size=1000)

"""Every change to attendance records: access-checked, validated, atomic and audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from knotwork.accounts.models import User
from knotwork.attendance.models import MarkAmendment, Register
from knotwork.attendance.register import MarkChanges, apply_changes, fit, plan_changes
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Enrolment
from knotwork.termdates.models import AcademicYear
from knotwork.termdates.rules import SessionMap


class StaleRegister(ValidationError):
    """Someone else changed the register since it was read."""


@dataclass(frozen=True)
class MarksWritten:
    entries: int
    amendments: int
    unchanged: int


def register_for(enrolment: Enrolment, year: AcademicYear, sessions: SessionMap) -> Register:
    """The enrolment's register for the year, made empty if it has none yet (not saved)."""
    register = Register.objects.filter(enrolment=enrolment, academic_year=year).first()
    if register is None:
        register = Register(
            enrolment=enrolment,
            setting_id=enrolment.setting_id,
            academic_year=year,
            marks=bytes(len(sessions)),
        )
    return register


def _write(
    *,
    actor: User,
    register: Register,
    sessions: SessionMap,
    changes: MarkChanges,
    reason: str,
    source: str,
) -> None:
    """Save planned changes to a register (locked by the caller), amendments and audit row."""
    register.marks = apply_changes(fit(bytes(register.marks), len(sessions)), changes)
    if register.pk is None:
        register.save()
    else:
        register.version += 1
        register.save(update_fields=["marks", "version", "updated_at"])
    MarkAmendment.objects.bulk_create(
        MarkAmendment(
            register=register,
            session=index,
            date=sessions.session_at(index).date,
            half=sessions.session_at(index).half,
            original=old,
            new=new,
            reason=reason[:200],
            source=source,
            actor=actor,
        )
        for index, (old, new) in sorted(changes.amendments.items())
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=register.enrolment.pupil,
        obj=register,
        what=f"attendance marks ({len(changes.entries)} new, {len(changes.amendments)} amended)",
    )


@transaction.atomic
def marks_record(
    *,
    actor: User,
    enrolment: Enrolment,
    year: AcademicYear,
    sessions: SessionMap,
    marks: Mapping[int, int],
    reason: str = "",
    source: str = MarkAmendment.Source.FORM,
    expected_version: int | None = None,
) -> MarksWritten:
    """Write marks (session index -> code id) into an enrolment's register for a year.

    A mark in an empty session is a first entry; a different mark over an
    existing one is an amendment and needs a reason. ``expected_version``
    refuses the change if someone else saved the register since it was read.
    """
    if pupil_access(actor, enrolment.pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's register.")
    register = register_for(enrolment, year, sessions)
    if register.pk is not None:
        register = Register.objects.select_for_update().get(pk=register.pk)
        if expected_version is not None and register.version != expected_version:
            raise StaleRegister(
                "Someone else changed this register while you were editing it. "
                "Reload it to see their marks, then make your change again."
            )
    changes = plan_changes(fit(bytes(register.marks), len(sessions)), marks)
    if changes.amendments and not reason.strip():
        raise ValidationError({"reason": "Say why the mark is being changed."})
    if changes.changed:
        _write(
            actor=actor,
            register=register,
            sessions=sessions,
            changes=changes,
            reason=reason,
            source=source,
        )
    return MarksWritten(len(changes.entries), len(changes.amendments), changes.unchanged)

"""Saving checked marks: every register of a file in one transaction, in bulk.

The rules are those of ``services.marks_record`` (the one write path for a
single register), applied to many registers at once:

- what changes is worked out by ``register.plan_changes`` and written by
  ``register.apply_changes``: a mark in an empty session is a first entry, a
  different mark over one already there is an amendment, the same mark again
  changes nothing;
- every amendment is kept (original, new, reason, who, when) with the source
  "import" and a reason naming the file;
- a changed register's version goes up by one, so an edit made from a stale
  page is refused; a register changed by someone else since the file was
  checked makes the whole import fail (``RegisterChanged``);
- access: the checks allowed only settings the importer may record marks at
  (``pupils.access.may_enrol_at``), so a school can bring in the marks of a
  pupil who has since left, which the per-pupil rule of ``marks_record`` (on
  roll today) would refuse;
- one audit row per pupil whose marks changed.

Rows go in with ``bulk_create`` (registers, amendments, audit rows) and one
UPDATE run over all changed registers (``_save_changed``): a few round trips for
the whole file, not one per mark or per register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.attendance.imports.checks import CHUNK, RegisterPlan
from knotwork.attendance.models import ImportRun, MarkAmendment, Register
from knotwork.attendance.register import MarkChanges, apply_changes, empty_marks, fit, plan_changes
from knotwork.core.models import AuditEntry
from knotwork.core.request_context import current_origin

Progress = Callable[[float], None]


class RegisterChanged(Exception):
    """A register was changed by someone else between the checks and the writing."""


@dataclass
class Counts:
    new: int = 0
    amended: int = 0
    unchanged: int = 0


@dataclass
class _Change:
    plan: RegisterPlan
    changes: MarkChanges
    marks: bytes


@dataclass
class Planned:
    """What saving the plans would do, worked out before any write."""

    counts: Counts = field(default_factory=Counts)
    changes: list[_Change] = field(default_factory=list)


def plan_writes(plans: list[RegisterPlan]) -> Planned:
    planned = Planned()
    for plan in plans:
        length = len(plan.session_map)
        current = (
            fit(bytes(plan.register.marks), length)
            if plan.register is not None
            else empty_marks(length)
        )
        changes = plan_changes(
            current, dict(zip(plan.sessions.tolist(), plan.codes.tolist(), strict=True))
        )
        planned.counts.new += len(changes.entries)
        planned.counts.amended += len(changes.amendments)
        planned.counts.unchanged += changes.unchanged
        if changes.changed:
            planned.changes.append(_Change(plan, changes, apply_changes(current, changes)))
    return planned


def _amendments(
    change: _Change, register: Register, reason: str, actor: User
) -> list[MarkAmendment]:
    sessions = change.plan.session_map
    rows = []
    for index, (old, new) in sorted(change.changes.amendments.items()):
        session = sessions.session_at(index)
        rows.append(
            MarkAmendment(
                register=register,
                session=index,
                date=session.date,
                half=session.half,
                original=old,
                new=new,
                reason=reason[:200],
                source=MarkAmendment.Source.IMPORT,
                actor=actor,
            )
        )
    return rows


def _check_versions(changes: list[_Change]) -> None:
    """Lock the registers about to change; RegisterChanged if one moved on since the checks."""
    expected = {
        c.plan.register.pk: c.plan.register.version for c in changes if c.plan.register is not None
    }
    ids = sorted(expected)
    for start in range(0, len(ids), CHUNK):
        for pk, version in (
            Register.objects.select_for_update()
            .filter(pk__in=ids[start : start + CHUNK])
            .values_list("pk", "version")
        ):
            if version != expected[pk]:
                raise RegisterChanged(pk)


def _audit_rows(changes: list[_Change], registers: list[Register], actor: User) -> list[AuditEntry]:
    """One row per pupil: the first register changed, and the counts over all of theirs."""
    origin = current_origin()
    per_pupil: dict[int, tuple[Register, int, int]] = {}
    for change, register in zip(changes, registers, strict=True):
        pupil = change.plan.pupil_id
        first, new, amended = per_pupil.get(pupil, (register, 0, 0))
        per_pupil[pupil] = (
            first,
            new + len(change.changes.entries),
            amended + len(change.changes.amendments),
        )
    return [
        AuditEntry(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            pupil_id=pupil,
            object_type=Register._meta.label_lower,
            object_id=str(register.uuid),
            what=f"attendance marks imported ({new} new, {amended} amended)"[:120],
            request_id=origin.request_id,
            ip_address=origin.ip_address,
        )
        for pupil, (register, new, amended) in per_pupil.items()
    ]


def _save_changed(registers: list[Register]) -> None:
    """Save registers' marks, version and time of change.

    ``bulk_update`` builds a CASE expression per field over every row, which
    takes about a second for a school's 1,000 registers; one UPDATE statement
    run for each row with ``executemany`` (pipelined by psycopg) takes a few
    milliseconds. Values go through each field's own conversion for the engine.
    """
    fields: list[Field[Any, Any]] = []
    for name in ("marks", "version", "updated_at"):
        found = Register._meta.get_field(name)
        assert isinstance(found, Field)
        fields.append(found)
    pk = Register._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(Register._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"
    rows = [
        [f.get_db_prep_value(getattr(r, f.attname), connection) for f in fields] + [r.pk]
        for r in registers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def write_marks(
    *, actor: User, run: ImportRun, planned: Planned, progress: Progress | None = None
) -> Counts:
    """Save the planned changes and the run's outcome in one transaction: all or nothing."""
    step = progress or (lambda fraction: None)
    reason = f"Imported from {run.file_name}"
    now = timezone.now()
    with transaction.atomic():
        _check_versions(planned.changes)
        step(0.1)
        registers: list[Register] = []
        created: list[Register] = []
        updated: list[Register] = []
        for change in planned.changes:
            register = change.plan.register
            if register is None:
                register = Register(
                    enrolment_id=change.plan.enrolment_id,
                    setting_id=change.plan.setting_id,
                    academic_year=change.plan.year.year,
                    marks=change.marks,
                )
                created.append(register)
            else:
                register.marks = change.marks
                register.version += 1
                register.updated_at = now
                updated.append(register)
            registers.append(register)
        total = max(len(registers), 1)
        for start in range(0, len(created), CHUNK):
            try:
                with transaction.atomic():
                    Register.objects.bulk_create(created[start : start + CHUNK])
            except IntegrityError as exc:
                # Someone made one of these registers since the checks found none.
                raise RegisterChanged() from exc
            step(0.1 + 0.5 * min(start + CHUNK, len(created)) / total)
        for start in range(0, len(updated), CHUNK):
            _save_changed(updated[start : start + CHUNK])
            step(0.1 + 0.5 * (len(created) + min(start + CHUNK, len(updated))) / total)
        amendments = [
            row
            for change, register in zip(planned.changes, registers, strict=True)
            for row in _amendments(change, register, reason, actor)
        ]
        MarkAmendment.objects.bulk_create(amendments, batch_size=CHUNK * 4)
        step(0.7)
        AuditEntry.objects.bulk_create(
            _audit_rows(planned.changes, registers, actor), batch_size=CHUNK * 4
        )
        step(0.9)
        counts = planned.counts
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.DONE,
            steps_done=run.steps_total,
            marks_new=counts.new,
            marks_amended=counts.amended,
            marks_unchanged=counts.unchanged,
            errors=[],
            finished_at=timezone.now(),
        )
    return planned.counts

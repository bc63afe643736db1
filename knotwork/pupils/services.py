"""Every change to a pupil's record: access-checked, validated, atomic and audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership, Setting
from knotwork.pupils.access import Access, is_officer_of, may_enrol_at, pupil_access
from knotwork.pupils.models import Contact, Enrolment, Pupil
from knotwork.pupils.rules import (
    TEMPORARY_PER_YEAR,
    InvalidUPN,
    Span,
    enrolment_conflict,
    temporary_upn,
    validate_upn,
)

PUPIL_EDITABLE_FIELDS = frozenset(
    {
        "legal_forename",
        "middle_names",
        "legal_surname",
        "preferred_forename",
        "preferred_surname",
        "date_of_birth",
        "sex",
        "ethnicity",
        "sen_provision",
        "fsm_eligible",
        "looked_after",
        "child_in_need",
        "young_carer",
        "eal",
    }
)


def _require_edit(actor: User, pupil: Pupil) -> None:
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's record.")


def _checked_upn(upn: str) -> str:
    try:
        return validate_upn(upn)
    except InvalidUPN as exc:
        raise ValidationError({"upn": str(exc)}) from exc


@transaction.atomic
def pupil_create(
    *,
    actor: User,
    setting: Setting,
    start_date: datetime.date,
    upn: str,
    registration: str = Enrolment.Registration.SINGLE,
    **details: Any,
) -> Pupil:
    """Put a new pupil on roll at a setting."""
    if not may_enrol_at(actor, setting):
        raise PermissionDenied("You may not enrol pupils at this setting.")
    unknown = set(details) - PUPIL_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown pupil fields: {sorted(unknown)}")
    clean_upn = _checked_upn(upn)
    if Pupil.objects.filter(upn=clean_upn).exists():
        raise ValidationError({"upn": "A pupil with this UPN is already recorded."})
    pupil = Pupil(upn=clean_upn, **details)
    pupil.full_clean()
    pupil.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil)
    enrolment = Enrolment(
        pupil=pupil, setting=setting, start_date=start_date, registration=registration
    )
    enrolment.full_clean()
    enrolment.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=enrolment)
    return pupil


def _next_temporary_upn(la_code: str, year: int) -> str:
    issued = set(
        Pupil.objects.filter(upn__contains=f"{la_code}0000{year % 100:02d}").values_list(
            "upn", flat=True
        )
    )
    for serial in range(TEMPORARY_PER_YEAR):
        upn = temporary_upn(la_code, year, serial)
        if upn not in issued:
            return upn
    raise ValidationError({"upn": "No temporary UPN is left this year: give the pupil's UPN."})


@transaction.atomic
def pupil_register(
    *,
    actor: User,
    partnership: Partnership,
    upn: str = "",
    **details: Any,
) -> Pupil:
    """Record a child on no roll in the partnership (new to the area, out of school), for
    its coordinators and local authority officers who may edit. Without a UPN the child
    is given a temporary one from the partnership's local authority, as a school would.

    The child is on no roll, so visible to no one until something places them (a fair
    access placement, ``pupils.access``): call this inside the same transaction as that.
    """
    if not is_officer_of(actor, partnership, for_edit=True):
        raise PermissionDenied(
            "Children on no roll are recorded by the partnership's coordinators and local "
            "authority officers."
        )
    unknown = set(details) - PUPIL_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown pupil fields: {sorted(unknown)}")
    if upn:
        clean_upn = _checked_upn(upn)
        if Pupil.objects.filter(upn=clean_upn).exists():
            raise ValidationError({"upn": "A pupil with this UPN is already recorded."})
    else:
        la_code = partnership.local_authority.code
        clean_upn = _next_temporary_upn(la_code, timezone.localdate().year)
    pupil = Pupil(upn=clean_upn, **details)
    pupil.full_clean()
    pupil.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, what="no roll")
    return pupil


@transaction.atomic
def pupil_update(*, actor: User, pupil: Pupil, **changes: Any) -> Pupil:
    """Change a pupil's details; the audit row names the fields changed, not their values."""
    _require_edit(actor, pupil)
    unknown = set(changes) - PUPIL_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown pupil fields: {sorted(unknown)}")
    changed = sorted(name for name, value in changes.items() if getattr(pupil, name) != value)
    if not changed:
        return pupil
    for name in changed:
        setattr(pupil, name, changes[name])
    pupil.full_clean()
    pupil.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, pupil=pupil, what=",".join(changed))
    return pupil


@transaction.atomic
def enrolment_add(
    *,
    actor: User,
    pupil: Pupil,
    setting: Setting,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    registration: str = Enrolment.Registration.SINGLE,
) -> Enrolment:
    """Add an enrolment, refusing one that overlaps the pupil's others (see rules)."""
    if not may_enrol_at(actor, setting):
        raise PermissionDenied("You may not enrol pupils at this setting.")
    # Lock the pupil row so two enrolments cannot pass the overlap check together.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    new = Span(start_date, end_date, registration, setting.pk)
    existing = [
        Span(e.start_date, e.end_date, e.registration, e.setting_id)
        for e in Enrolment.objects.filter(pupil=pupil)
    ]
    clash = enrolment_conflict(new, existing)
    if clash is not None:
        ends = clash.end.isoformat() if clash.end else "now"
        raise ValidationError(
            f"This overlaps an enrolment from {clash.start.isoformat()} to {ends}."
        )
    enrolment = Enrolment(
        pupil=pupil,
        setting=setting,
        start_date=start_date,
        end_date=end_date,
        registration=registration,
    )
    enrolment.full_clean()
    enrolment.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=enrolment)
    return enrolment


@transaction.atomic
def enrolment_end(*, actor: User, enrolment: Enrolment, end_date: datetime.date) -> Enrolment:
    if not may_enrol_at(actor, enrolment.setting):
        raise PermissionDenied("You may not change enrolments at this setting.")
    if end_date < enrolment.start_date:
        raise ValidationError("An enrolment cannot end before it starts.")
    enrolment.end_date = end_date
    enrolment.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=enrolment.pupil,
        obj=enrolment,
        what="end_date",
    )
    return enrolment


CONTACT_FIELDS = frozenset(
    {
        "name",
        "relationship",
        "parental_responsibility",
        "phone",
        "email",
        "address",
        "preferred_channel",
        "language",
        "interpreter_needed",
        "priority",
    }
)


@transaction.atomic
def contact_add(*, actor: User, pupil: Pupil, **details: Any) -> Contact:
    _require_edit(actor, pupil)
    unknown = set(details) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    contact = Contact(pupil=pupil, **details)
    contact.full_clean()
    contact.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=contact)
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, **changes: Any) -> Contact:
    _require_edit(actor, contact.pupil)
    unknown = set(changes) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    changed = sorted(name for name, value in changes.items() if getattr(contact, name) != value)
    for name in changed:
        setattr(contact, name, changes[name])
    if changed:
        contact.full_clean()
        contact.save()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            pupil=contact.pupil,
            obj=contact,
            what=",".join(changed),
        )
    return contact

"""Recording a contact with a pupil's parent or carer in the school's contact log:
keyword-only, atomic, access-checked (edit rights over the pupil and the setting's
roll) and audited, the audit row naming the record, never the note."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.pupils.access import Access, pupil_access, sees_roll_of
from knotwork.pupils.models import Contact, Enrolment, Pupil
from knotwork.pupils.parent_contact_models import ParentContact

NOTE_MAX = 500


@transaction.atomic
def parent_contact_record(
    *,
    actor: User,
    pupil: Pupil,
    contact: Contact,
    setting: Setting,
    channel: str,
    direction: str,
    at: datetime.datetime,
    note: str,
) -> ParentContact:
    """Record one contact between the setting and one of the pupil's parents or carers."""
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may see this pupil's record but not change it.")
    errors: dict[str, str] = {}
    if contact.pupil_id != pupil.pk:
        errors["contact"] = "Choose one of this pupil's parents, carers or contacts."
    if channel not in ParentContact.Channel.values:
        errors["channel"] = "Choose how the contact was made."
    if direction not in ParentContact.Direction.values:
        errors["direction"] = "Choose who contacted whom."
    if timezone.is_naive(at):
        raise ValueError("A contact's time must be timezone-aware.")
    if at > timezone.now():
        errors["at"] = "A contact cannot be recorded before it happens."
    day = timezone.localtime(at).date()
    if not Enrolment.objects.current(day).filter(pupil=pupil, setting=setting).exists():
        errors["setting"] = f"The pupil was not on roll at {setting.name} on that day."
    elif not sees_roll_of(actor, setting, for_edit=True):
        errors["setting"] = f"You may not record contacts for {setting.name}."
    note = note.strip()
    if not note:
        errors["note"] = "Write a short note of the contact."
    elif len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note to {NOTE_MAX} characters or fewer."
    if errors:
        raise ValidationError(errors)
    record = ParentContact.objects.create(
        pupil=pupil,
        contact=contact,
        setting=setting,
        channel=channel,
        direction=direction,
        at=at,
        note=note,
        made_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        pupil=pupil,
        obj=record,
        what="parent contact recorded",
    )
    return record

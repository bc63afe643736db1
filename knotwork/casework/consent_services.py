"""Every change to consent and sharing: keyword-only, atomic, access-checked, audited.

Staff who may change the pupil's record record a consent (who gave it, their name,
which sections, with which organisation, from when, until when), its withdrawal (the
day, who recorded it, a note), and a decision to share without consent (the Art 6
basis and Art 9 condition, who decided and in what role, why, for which organisation
and sections, from when to when). Nothing is deleted: a withdrawn consent stays on
the record. The audit row names the action, never the names or reasons typed.

Access follows at once: ``pupils.access.granting_links`` reads these rows, so a link
resting on consent stops opening the record the day consent is withdrawn.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.casework import consent_rules
from knotwork.casework.consent_models import (
    SECTION_FIELDS,
    ConsentRecord,
    Section,
    SharingDecision,
    SpecialCondition,
)
from knotwork.casework.consent_queries import deciders, organisations_for
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Organisation
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Pupil


def _require_edit(actor: User, pupil: Pupil) -> None:
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's consents or sharing.")


def _section_flags(sections: Iterable[str], errors: dict[str, str]) -> dict[str, bool]:
    chosen = set(sections)
    if not chosen:
        errors["sections"] = "Choose at least one part of the record to share."
    elif not chosen <= set(Section.values):
        errors["sections"] = "Choose parts of the record from the list."
    return {name: section in chosen for section, name in SECTION_FIELDS.items()}


def _check_organisation(pupil: Pupil, organisation: Organisation, errors: dict[str, str]) -> None:
    if not organisations_for(pupil, timezone.localdate()).filter(pk=organisation.pk).exists():
        errors["organisation"] = "Choose an agency or service in the pupil's partnership."


@transaction.atomic
def consent_record(
    *,
    actor: User,
    pupil: Pupil,
    organisation: Organisation,
    given_by: str,
    given_by_name: str,
    given_on: datetime.date,
    sections: Iterable[str],
    expires_on: datetime.date | None = None,
    note: str = "",
) -> ConsentRecord:
    """Record consent to share sections of the pupil's record with an organisation."""
    _require_edit(actor, pupil)
    errors = consent_rules.consent_problems(
        given_on=given_on, expires_on=expires_on, today=timezone.localdate()
    )
    flags = _section_flags(sections, errors)
    _check_organisation(pupil, organisation, errors)
    if given_by not in ConsentRecord.GivenBy.values:
        errors["given_by"] = "Choose who gave consent."
    if not given_by_name.strip():
        errors["given_by_name"] = "Give the name of who gave consent."
    if errors:
        raise ValidationError(errors)
    consent = ConsentRecord.objects.create(
        pupil=pupil,
        organisation=organisation,
        given_by=given_by,
        given_by_name=given_by_name.strip(),
        given_on=given_on,
        expires_on=expires_on,
        note=note.strip(),
        recorded_by=actor,
        **flags,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        pupil=pupil,
        obj=consent,
        what="consent recorded",
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: ConsentRecord, withdrawn_on: datetime.date, note: str = ""
) -> ConsentRecord:
    """Record that consent was withdrawn: from that day nothing more is shared."""
    current = ConsentRecord.objects.select_for_update().select_related("pupil").get(pk=consent.pk)
    _require_edit(actor, current.pupil)
    errors = consent_rules.withdrawal_problems(
        given_on=current.given_on,
        withdrawn_on=withdrawn_on,
        already_withdrawn=current.withdrawn_on is not None,
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    current.withdrawn_on = withdrawn_on
    current.withdrawal_recorded_by = actor
    current.withdrawal_note = note.strip()
    current.save(update_fields=["withdrawn_on", "withdrawal_recorded_by", "withdrawal_note"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=current.pupil,
        obj=current,
        what="consent withdrawn",
    )
    return current


@transaction.atomic
def sharing_decide(
    *,
    actor: User,
    pupil: Pupil,
    organisation: Organisation,
    lawful_basis: str,
    special_condition: str,
    decided_by: User,
    decided_by_role: str,
    reason: str,
    sections: Iterable[str],
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> SharingDecision:
    """Record a decision to share sections of the pupil's record without consent."""
    _require_edit(actor, pupil)
    errors = consent_rules.decision_problems(starts_on=starts_on, ends_on=ends_on)
    flags = _section_flags(sections, errors)
    _check_organisation(pupil, organisation, errors)
    if lawful_basis not in SharingDecision.BASES:
        errors["lawful_basis"] = "Choose the lawful basis relied on without consent."
    if special_condition not in SpecialCondition.values:
        errors["special_condition"] = "Choose the condition for special category data."
    if not deciders(pupil, timezone.localdate()).filter(pk=decided_by.pk).exists():
        errors["decided_by"] = "Choose who decided, from those who may change the record."
    if not decided_by_role.strip():
        errors["decided_by_role"] = "Give the role of who decided."
    if not reason.strip():
        errors["reason"] = "Say why sharing without consent is necessary."
    if errors:
        raise ValidationError(errors)
    decision = SharingDecision.objects.create(
        pupil=pupil,
        organisation=organisation,
        lawful_basis=lawful_basis,
        special_condition=special_condition,
        decided_by=decided_by,
        decided_by_role=decided_by_role.strip(),
        reason=reason.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by=actor,
        **flags,
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        pupil=pupil,
        obj=decision,
        what="sharing decided without consent",
    )
    return decision

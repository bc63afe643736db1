"""Every change to a referral: keyword-only, atomic, access-checked, timed and audited.

A referral is sent from a setting (by staff who may change the pupil's record) or by
the partnership's coordinator for the panel, to an agency's or the local authority's
service, or to the partnership panel. The receiving side answers it (``referral_access``
says who). Each move is checked against ``referral_rules.MOVES`` and against the
version the page was read at, writes a ``ReferralEvent`` with its time, and leaves an
audit row naming the action, never the reason typed.

Sharing: when a referral is accepted the assigned practitioner gets a ``PupilLink``
(reason "referral", the referral's lawful basis) from that day, so ``pupils.access``
opens the pupil's record to them; declining or closing ends it the day before, or
removes it if it only began that day, so the record closes at once.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.casework import referral_rules
from knotwork.casework.models import AgencyService, Concern, Referral, ReferralEvent
from knotwork.casework.referral_access import PANEL_ROLES, SENDING_ROLES, referral_rights
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Organisation, Partnership, PartnershipMember, Setting
from knotwork.pupils.access import Access, may_enrol_at, pupil_access
from knotwork.pupils.models import Enrolment, Pupil, PupilLink

Status = Referral.Status


class StaleReferral(ValidationError):
    """Someone else changed the referral since it was read."""


# --- Checks -----------------------------------------------------------------------------------


def _partnerships_of(organisation: Organisation) -> set[int]:
    return set(
        PartnershipMember.objects.filter(organisation=organisation).values_list(
            "partnership_id", flat=True
        )
    )


def _check_sender(actor: User, pupil: Pupil, from_organisation: Organisation) -> None:
    """The actor may change the pupil's record and sends for a setting the pupil is on roll
    at (and they may change records at), or for the panel as a coordinator or LA officer."""
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not refer this pupil.")
    if from_organisation.kind == Organisation.Kind.SETTING:
        setting = Setting.objects.get(pk=from_organisation.pk)
        on_roll = Enrolment.objects.current(timezone.localdate()).filter(
            pupil=pupil, setting=setting
        )
        if not may_enrol_at(actor, setting) or not on_roll.exists():
            raise PermissionDenied("You may not refer this pupil from that setting.")
        return
    panel_member = Membership.objects.filter(
        user=actor, organisation=from_organisation, role__in=PANEL_ROLES, can_edit=True
    )
    if not panel_member.exists():
        raise PermissionDenied("You may not refer for that organisation.")


def _check_destination(
    from_organisation: Organisation,
    service: AgencyService | None,
    panel: Partnership | None,
) -> dict[str, str]:
    """Why the referral cannot go where asked, by field; empty when it can."""
    if (service is None) == (panel is None):
        return {"destination": "Choose one service, or the partnership panel."}
    shared = _partnerships_of(from_organisation)
    if panel is not None:
        if from_organisation.kind != Organisation.Kind.SETTING:
            return {"destination": "The panel takes referrals from settings."}
        if panel.pk not in shared:
            return {"destination": "Choose the panel of the setting's partnership."}
        return {}
    assert service is not None
    if not service.active:
        return {"destination": "That service no longer takes referrals."}
    if service.organisation.kind == Organisation.Kind.SETTING:
        return {"destination": "Choose an agency's or the local authority's service."}
    if not shared & _partnerships_of(service.organisation):
        return {"destination": "Choose a service in the partnership's directory."}
    return {}


def _locked(referral: Referral, expected_version: int) -> Referral:
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.version != expected_version:
        raise StaleReferral(
            "Someone else changed this referral while you were looking at it. "
            "Check it below and try again."
        )
    return current


def _move(
    actor: User, referral: Referral, expected_version: int, to: str, *, withdrawing: bool = False
) -> Referral:
    """The referral locked for a move the actor may make, still where it was read."""
    rights = referral_rights(actor, referral)
    if not rights.sees:
        raise PermissionDenied("You may not change this referral.")
    if not (rights.answers or (withdrawing and rights.withdraws)):
        raise PermissionDenied("You may see this referral but not change it.")
    current = _locked(referral, expected_version)
    if not referral_rules.may_move(current.status, to):
        raise ValidationError(
            f"A referral that is {current.get_status_display().lower()} cannot be "
            f"{Status(to).label.lower()}."
        )
    return current


def _record(actor: User, referral: Referral, to: str, note: str = "") -> Referral:
    """Save the move with its event and audit row."""
    now = timezone.now()
    referral.status = to
    referral.version += 1
    referral.save()
    ReferralEvent.objects.create(referral=referral, status=to, at=now, by=actor, note=note)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=referral.pupil,
        obj=referral,
        what=f"referral {to}",
    )
    return referral


def _end_link(referral: Referral, today: datetime.date) -> None:
    """End the assigned practitioner's referral link, unless another of their referrals for
    the pupil still holds it: from today the pupil's record is closed to them."""
    if referral.assigned_to_id is None:
        return
    others = (
        Referral.objects.filter(
            pupil_id=referral.pupil_id,
            assigned_to_id=referral.assigned_to_id,
            status__in=sorted(referral_rules.LINKED),
        )
        .exclude(pk=referral.pk)
        .exists()
    )
    if others:
        return
    links = PupilLink.objects.current(today).filter(
        pupil_id=referral.pupil_id,
        user_id=referral.assigned_to_id,
        reason=PupilLink.Reason.REFERRAL,
    )
    yesterday = today - datetime.timedelta(days=1)
    links.filter(starts_on__gte=today).delete()
    links.filter(starts_on__lte=yesterday).update(ends_on=yesterday)


def _mark_concern(actor: User, concern: Concern, referral: Referral) -> None:
    """Tell the concern worklist the concern became this referral.

    Seam: ``concern_services.concern_mark_referred`` belongs to the worklist; until it
    exists the concern is left as it is."""
    name = "knotwork.casework.concern_services"
    if importlib.util.find_spec(name) is None:
        return
    mark = getattr(importlib.import_module(name), "concern_mark_referred", None)
    if mark is not None:
        mark(actor=actor, concern=concern, referral=referral)


# --- Sending ------------------------------------------------------------------------------------


@transaction.atomic
def referral_send(
    *,
    actor: User,
    pupil: Pupil,
    from_organisation: Organisation,
    reason: str,
    lawful_basis: str,
    basis_decided_by: User,
    service: AgencyService | None = None,
    panel: Partnership | None = None,
    concern: Concern | None = None,
    evidence: str = "",
    urgency: str = Referral.Urgency.ROUTINE,
    basis_note: str = "",
) -> Referral:
    """Send a referral for a pupil to a service or to the partnership panel."""
    _check_sender(actor, pupil, from_organisation)
    errors = _check_destination(from_organisation, service, panel)
    if not reason.strip():
        errors["reason"] = "Say why you are referring the pupil."
    if urgency not in Referral.Urgency.values:
        errors["urgency"] = "Choose how urgent the referral is."
    if lawful_basis not in PupilLink.LawfulBasis.values:
        errors["lawful_basis"] = "Choose the consent or lawful basis for sharing."
    decider = Membership.objects.filter(
        user=basis_decided_by, organisation=from_organisation, role__in=SENDING_ROLES
    )
    if not decider.exists():
        errors["basis_decided_by"] = "Choose who decided, from the referring organisation."
    if concern is not None and (
        concern.pupil_id != pupil.pk or concern.status not in Concern.ACTIVE
    ):
        errors["concern"] = "That concern is not an open concern about this pupil."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    referral = Referral.objects.create(
        pupil=pupil,
        from_organisation=from_organisation,
        to_organisation=service.organisation if service is not None else None,
        service=service,
        panel=panel,
        concern=concern,
        reason=reason.strip(),
        evidence=evidence.strip(),
        urgency=urgency,
        lawful_basis=lawful_basis,
        basis_decided_by=basis_decided_by,
        basis_note=basis_note.strip(),
        status=Status.SENT,
        sent_at=now,
        sent_by=actor,
    )
    ReferralEvent.objects.create(referral=referral, status=Status.SENT, at=now, by=actor)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        pupil=pupil,
        obj=referral,
        what="referral sent",
    )
    if concern is not None:
        _mark_concern(actor, concern, referral)
    return referral


# --- Answering ----------------------------------------------------------------------------------


def assignable(referral: Referral) -> list[User]:
    """Who may take the referral on: the receiving organisation's practitioners and staff
    (not board members), or for the panel the partnership's coordinators and officers."""
    if referral.to_organisation_id is not None:
        memberships = Membership.objects.filter(organisation_id=referral.to_organisation_id)
    else:
        memberships = Membership.objects.filter(
            organisation__partnership_memberships__partnership_id=referral.panel_id or 0,
            role__in=sorted(PANEL_ROLES),
        )
    users = (
        User.objects.filter(
            pk__in=memberships.exclude(role=Role.BOARD_MEMBER).values("user_id"), is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    return list(users)


@transaction.atomic
def referral_accept(
    *, actor: User, referral: Referral, expected_version: int, assigned_to: User, note: str = ""
) -> Referral:
    """Take the referral on and assign the practitioner, who may see the pupil from today."""
    current = _move(actor, referral, expected_version, Status.ACCEPTED)
    if assigned_to not in assignable(current):
        raise ValidationError({"assigned_to": "Choose someone from the receiving organisation."})
    today = timezone.localdate()
    current.answered_at = timezone.now()
    current.assigned_to = assigned_to
    PupilLink.objects.create(
        pupil_id=current.pupil_id,
        user=assigned_to,
        reason=PupilLink.Reason.REFERRAL,
        lawful_basis=current.lawful_basis,
        starts_on=today,
    )
    return _record(actor, current, Status.ACCEPTED, note.strip())


@transaction.atomic
def referral_decline(
    *, actor: User, referral: Referral, expected_version: int, reason: str
) -> Referral:
    """Decline the referral, saying why."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the referral is declined."})
    current = _move(actor, referral, expected_version, Status.DECLINED)
    current.answered_at = timezone.now()
    current.declined_reason = reason.strip()
    _end_link(current, timezone.localdate())
    return _record(actor, current, Status.DECLINED)


@transaction.atomic
def referral_wait(
    *, actor: User, referral: Referral, expected_version: int, note: str = ""
) -> Referral:
    """Put an accepted referral on the service's waiting list."""
    current = _move(actor, referral, expected_version, Status.WAITING)
    return _record(actor, current, Status.WAITING, note.strip())


@transaction.atomic
def referral_start(
    *, actor: User, referral: Referral, expected_version: int, started_on: datetime.date
) -> Referral:
    """Record the first session of help."""
    current = _move(actor, referral, expected_version, Status.STARTED)
    sent_on = timezone.localdate(current.sent_at)
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": "The first session cannot be in the future."})
    if started_on < sent_on:
        raise ValidationError({"started_on": "The first session cannot be before the referral."})
    current.started_on = started_on
    return _record(actor, current, Status.STARTED)


@transaction.atomic
def referral_close(
    *, actor: User, referral: Referral, expected_version: int, reason: str
) -> Referral:
    """Close the referral (or withdraw it, from the sending side), saying why; the assigned
    practitioner's link to the pupil ends."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the referral is closed."})
    current = _move(actor, referral, expected_version, Status.CLOSED, withdrawing=True)
    current.closed_at = timezone.now()
    current.close_reason = reason.strip()
    _end_link(current, timezone.localdate())
    return _record(actor, current, Status.CLOSED)

"""Every change to incidents and withdrawals: keyword-only, atomic, access-checked and audited.

Access (``pupils.access``): the actor changes records at the incident's setting and
may change every pupil it names (and every pupil being named). Each write leaves
one audit row per pupil it touches, naming the fields, never their values. An
update names the version it was read at and is refused when someone has changed
the incident since, so two people editing at once are told rather than overwritten.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.behaviour.incident_queries import (
    follow_up_owners,
    incident_editable,
    on_roll_at,
)
from knotwork.behaviour.models import Incident, IncidentPupil, Withdrawal
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.pupils.access import Access, may_enrol_at, pupil_access, visible_pupils
from knotwork.pupils.models import Pupil

#: Fields an update may change. The setting stays: the pupils named are on roll there.
EDITABLE_FIELDS = (
    "occurred_at",
    "place",
    "kind",
    "severity",
    "bullying",
    "racist",
    "description",
    "staff_involved",
    "action_taken",
    "follow_up_owner",
    "follow_up_on",
)
ROLES = frozenset(IncidentPupil.Role.values)


class StaleIncident(ValidationError):
    """Someone else changed the incident since it was read."""


# --- Checks -----------------------------------------------------------------------------------


def _require_setting(actor: User, setting: Setting) -> None:
    if not may_enrol_at(actor, setting):
        raise PermissionDenied("You may not record incidents at this setting.")


def _require_editable(actor: User, incident: Incident) -> None:
    if not incident_editable(actor, incident):
        raise PermissionDenied("You may not change this incident.")


def _require_pupils(
    actor: User, setting: Setting, pupils: Sequence[Pupil], day: datetime.date
) -> None:
    """Edit access to each pupil, and each on roll at the setting on the day or today."""
    ids = [p.pk for p in pupils]
    editable = set(
        visible_pupils(actor, for_edit=True).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if set(ids) - editable:
        raise PermissionDenied("You may not change the record of every pupil named.")
    on_roll = on_roll_at(setting, pupils, {day, timezone.localdate()})
    away = [p for p in pupils if p.pk not in on_roll]
    if away:
        raise ValidationError(
            {"pupils": f"Not on roll at {setting.name}: {', '.join(p.display_name for p in away)}."}
        )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValidationError({"role": "Choose the pupil's part in the incident."})


def _check_fields(incident: Incident, setting: Setting) -> None:
    """What the incident's fields must say together; raises ValidationError by field."""
    errors: dict[str, str] = {}
    if incident.occurred_at > timezone.now():
        errors["occurred_at"] = "The incident cannot be in the future."
    if incident.bullying == Incident.Bullying.RACIST:
        incident.racist = True
    if (incident.follow_up_owner_id is None) != (incident.follow_up_on is None):
        errors["follow_up_on"] = "A follow-up needs both an owner and a date."
    elif (
        incident.follow_up_owner_id is not None
        and not follow_up_owners([setting]).filter(pk=incident.follow_up_owner_id).exists()
    ):
        errors["follow_up_owner"] = f"The follow-up owner must work at {setting.name}."
    if errors:
        raise ValidationError(errors)
    incident.full_clean(exclude=["setting", "recorded_by", "follow_up_owner"])


def _value(incident: Incident, name: str) -> Any:
    return incident.follow_up_owner_id if name == "follow_up_owner" else getattr(incident, name)


def _audit_each(actor: User, action: str, incident: Incident, what: str) -> None:
    pupils = Pupil.objects.filter(incident_roles__incident=incident).order_by("pk")
    for pupil in pupils:
        audit_record(actor=actor, action=action, pupil=pupil, obj=incident, what=what)


def _locked(incident: Incident, expected_version: int) -> Incident:
    """The incident locked for the change; refused when it has changed since it was read."""
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if current.deleted_at is not None:
        raise ValidationError("This incident has been withdrawn.")
    if current.version != expected_version:
        raise StaleIncident(
            "Someone else changed this incident while you were editing it. "
            "What you typed is below: check it against the incident and save again."
        )
    return current


# --- Incidents ---------------------------------------------------------------------------------


@transaction.atomic
def incident_record(
    *,
    actor: User,
    setting: Setting,
    occurred_at: datetime.datetime,
    place: str,
    kind: str,
    pupils: Sequence[tuple[Pupil, str]],
    severity: int = Incident.Severity.LOW,
    bullying: str = "",
    racist: bool = False,
    description: str = "",
    staff_involved: str = "",
    action_taken: str = "",
    follow_up_owner: User | None = None,
    follow_up_on: datetime.date | None = None,
) -> Incident:
    """Record an incident at a setting with each pupil in their part (instigator, target,
    witness, involved). Racist bullying is a racist incident, which is reportable."""
    _require_setting(actor, setting)
    if not pupils:
        raise ValidationError({"pupils": "Name at least one pupil."})
    named = [pupil for pupil, _ in pupils]
    if len({p.pk for p in named}) != len(named):
        raise ValidationError({"pupils": "Each pupil can be named once."})
    for _, role in pupils:
        _check_role(role)
    _require_pupils(actor, setting, named, timezone.localtime(occurred_at).date())
    incident = Incident(
        setting=setting,
        occurred_at=occurred_at,
        place=place,
        kind=kind,
        severity=severity,
        bullying=bullying,
        racist=racist,
        description=description,
        staff_involved=staff_involved,
        action_taken=action_taken,
        follow_up_owner=follow_up_owner,
        follow_up_on=follow_up_on,
        recorded_by=actor,
    )
    _check_fields(incident, setting)
    incident.save()
    IncidentPupil.objects.bulk_create(
        IncidentPupil(incident=incident, pupil=pupil, role=role) for pupil, role in pupils
    )
    for pupil, _ in sorted(pupils, key=lambda item: item[0].pk):
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            pupil=pupil,
            obj=incident,
            what="incident, role",
        )
    return incident


@transaction.atomic
def incident_update(
    *, actor: User, incident: Incident, expected_version: int, **changes: Any
) -> Incident:
    """Change an incident's details; the pupils and their parts are kept as they are."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown incident fields: {sorted(unknown)}")
    _require_editable(actor, incident)
    current = _locked(incident, expected_version)
    before = {name: _value(current, name) for name in EDITABLE_FIELDS}
    for name, value in changes.items():
        setattr(current, name, value)
    _check_fields(current, current.setting)
    changed = [name for name in EDITABLE_FIELDS if _value(current, name) != before[name]]
    if not changed:
        return current
    current.version += 1
    current.save()
    _audit_each(actor, AuditEntry.Action.UPDATE, current, "incident: " + ",".join(changed))
    return current


@transaction.atomic
def incident_pupil_add(
    *, actor: User, incident: Incident, pupil: Pupil, role: str
) -> IncidentPupil:
    """Name one more pupil in the incident, or change the part of one already named; the
    other pupils are kept as they are."""
    _check_role(role)
    _require_editable(actor, incident)
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if current.deleted_at is not None:
        raise ValidationError("This incident has been withdrawn.")
    existing = IncidentPupil.objects.filter(incident=current, pupil=pupil).first()
    if existing is not None:
        if pupil_access(actor, pupil) < Access.EDIT:
            raise PermissionDenied("You may not change this pupil's record.")
        if existing.role != role:
            existing.role = role
            existing.save(update_fields=["role"])
            audit_record(
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                pupil=pupil,
                obj=current,
                what="incident role",
            )
        return existing
    _require_pupils(actor, current.setting, [pupil], timezone.localtime(current.occurred_at).date())
    added = IncidentPupil.objects.create(incident=current, pupil=pupil, role=role)
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=current, what="incident role"
    )
    return added


@transaction.atomic
def incident_pupil_remove(*, actor: User, incident: Incident, pupil: Pupil) -> None:
    """Take one pupil out of the incident (named in error); the others are kept."""
    _require_editable(actor, incident)
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if current.deleted_at is not None:
        raise ValidationError("This incident has been withdrawn.")
    part = IncidentPupil.objects.filter(incident=current, pupil=pupil).first()
    if part is None:
        raise ValidationError("That pupil is no longer named in this incident.")
    if not IncidentPupil.objects.filter(incident=current).exclude(pk=part.pk).exists():
        raise ValidationError(
            "An incident needs at least one pupil: withdraw the incident instead."
        )
    part.delete()
    audit_record(
        actor=actor, action=AuditEntry.Action.DELETE, pupil=pupil, obj=current, what="incident role"
    )


@transaction.atomic
def incident_withdraw(*, actor: User, incident: Incident, expected_version: int) -> Incident:
    """Withdraw an incident recorded in error: kept for the audit trail, gone from lists."""
    _require_editable(actor, incident)
    current = _locked(incident, expected_version)
    current.deleted_at = timezone.now()
    current.version += 1
    current.save(update_fields=["deleted_at", "version"])
    _audit_each(actor, AuditEntry.Action.DELETE, current, "incident withdrawn")
    return current


@transaction.atomic
def incident_follow_up_done(
    *, actor: User, incident: Incident, expected_version: int, on: datetime.date
) -> Incident:
    """Mark the incident's follow-up as done on a day."""
    _require_editable(actor, incident)
    current = _locked(incident, expected_version)
    if current.follow_up_on is None:
        raise ValidationError("This incident has no follow-up to mark as done.")
    if current.follow_up_done_on is not None:
        raise ValidationError("The follow-up is already marked as done.")
    if on > timezone.localdate():
        raise ValidationError({"on": "The follow-up cannot be done in the future."})
    current.follow_up_done_on = on
    current.version += 1
    current.save(update_fields=["follow_up_done_on", "version"])
    _audit_each(actor, AuditEntry.Action.UPDATE, current, "incident: follow_up_done_on")
    return current


# --- Withdrawals --------------------------------------------------------------------------------


@transaction.atomic
def withdrawal_record(
    *,
    actor: User,
    pupil: Pupil,
    setting: Setting,
    kind: str,
    date: datetime.date,
    sessions: int | None = None,
    minutes: int | None = None,
    incident: Incident | None = None,
) -> Withdrawal:
    """Record one use of withdrawal from lessons (learning support unit, remove room,
    internal exclusion), in whole sessions or in minutes."""
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's record.")
    _require_setting(actor, setting)
    errors: dict[str, str] = {}
    if not sessions and not minutes:
        errors["sessions"] = "Enter the sessions or the minutes the pupil was out of lessons."
    if date > timezone.localdate():
        errors["date"] = "The date cannot be in the future."
    if not on_roll_at(setting, [pupil], {date}):
        errors["date"] = f"The pupil was not on roll at {setting.name} on that day."
    if incident is not None and (
        incident.deleted_at is not None
        or incident.setting_id != setting.pk
        or not incident.pupils.filter(pupil=pupil).exists()
    ):
        errors["incident"] = "Link an incident at this setting that names this pupil."
    if errors:
        raise ValidationError(errors)
    withdrawal = Withdrawal(
        pupil=pupil,
        setting=setting,
        kind=kind,
        date=date,
        sessions=sessions or None,
        minutes=minutes or None,
        incident=incident,
        recorded_by=actor,
    )
    withdrawal.full_clean(exclude=["pupil", "setting", "incident", "recorded_by"])
    withdrawal.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=withdrawal, what="withdrawal"
    )
    return withdrawal

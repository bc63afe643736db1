"""Changes to fair access placements: access-checked, validated, atomic and audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from knotwork.accounts.models import User
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.fair_access_models import (
    FairAccessCategory,
    FairAccessPlacement,
    FairShareWeighting,
)
from knotwork.placements.panel_models import AgendaItem
from knotwork.placements.panel_services import panel_decision_check
from knotwork.placements.provision_access import is_partnership_officer
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.services import enrolment_add, pupil_register

SCHOOL_TYPES = frozenset({Setting.Type.SECONDARY, Setting.Type.PRIMARY, Setting.Type.SPECIAL})


def _require_officer(actor: User, partnership: Partnership) -> None:
    if not is_partnership_officer(actor, partnership, for_edit=True):
        raise PermissionDenied(
            "Fair access placements are recorded by the partnership's coordinators and "
            "local authority officers."
        )


def _check_school(partnership: Partnership, school: Setting) -> None:
    if (
        school.setting_type not in SCHOOL_TYPES
        or not school.partnership_memberships.filter(partnership=partnership).exists()
    ):
        raise ValidationError({"placed_at": "Choose a school in the partnership."})


def _enrol_from(actor: User, placement: FairAccessPlacement) -> None:
    """Put the pupil on the school's roll from their first day, unless they already are."""
    assert placement.started_on is not None
    on_roll = Enrolment.objects.current(placement.started_on).filter(
        pupil=placement.pupil, setting=placement.placed_at
    )
    if not on_roll.exists():
        try:
            enrolment_add(
                actor=actor,
                pupil=placement.pupil,
                setting=placement.placed_at,
                start_date=placement.started_on,
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "started_on": "The pupil is still on another school's roll that day: "
                    f"{' '.join(exc.messages)} End that enrolment first."
                }
            ) from exc


@transaction.atomic
def fair_access_place(
    *,
    actor: User,
    partnership: Partnership,
    pupil: Pupil,
    category: str,
    out_of_school_from: datetime.date,
    placed_at: Setting,
    placed_on: datetime.date,
    started_on: datetime.date | None = None,
    arrived_on: datetime.date | None = None,
    decided_at: AgendaItem | None = None,
) -> FairAccessPlacement:
    """Record a fair access placement (decided at a panel's agenda item, if given: one it
    agreed, about this pupil). With a start date the pupil is put on the school's roll
    from that day (single registration), if not on it already."""
    _require_officer(actor, partnership)
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's record.")
    return _place(
        actor=actor,
        partnership=partnership,
        pupil=pupil,
        category=category,
        out_of_school_from=out_of_school_from,
        placed_at=placed_at,
        placed_on=placed_on,
        started_on=started_on,
        arrived_on=arrived_on,
        decided_at=decided_at,
    )


@transaction.atomic
def fair_access_place_new_child(
    *,
    actor: User,
    partnership: Partnership,
    child: dict[str, Any],
    category: str,
    out_of_school_from: datetime.date,
    placed_at: Setting,
    placed_on: datetime.date,
    started_on: datetime.date | None = None,
    arrived_on: datetime.date | None = None,
) -> FairAccessPlacement:
    """Record a child on no roll in the partnership (``child``: their details for
    ``pupil_register``, with ``upn`` if known) and their fair access placement together:
    the placement is what lets the partnership's officers see the child."""
    _require_officer(actor, partnership)
    pupil = pupil_register(actor=actor, partnership=partnership, **child)
    return _place(
        actor=actor,
        partnership=partnership,
        pupil=pupil,
        category=category,
        out_of_school_from=out_of_school_from,
        placed_at=placed_at,
        placed_on=placed_on,
        started_on=started_on,
        arrived_on=arrived_on,
        decided_at=None,
    )


def _place(
    *,
    actor: User,
    partnership: Partnership,
    pupil: Pupil,
    category: str,
    out_of_school_from: datetime.date,
    placed_at: Setting,
    placed_on: datetime.date,
    started_on: datetime.date | None,
    arrived_on: datetime.date | None,
    decided_at: AgendaItem | None,
) -> FairAccessPlacement:
    if category not in FairAccessCategory.values:
        raise ValidationError({"category": "Choose a category of the protocol."})
    _check_school(partnership, placed_at)
    if decided_at is not None:
        panel_decision_check(
            decided_at,
            pupil=pupil,
            kind=AgendaItem.Kind.FAIR_ACCESS,
            partnership_id=partnership.pk,
        )
    errors = {}
    if placed_on < out_of_school_from:
        errors["placed_on"] = "The placement cannot be agreed before the pupil was out of school."
    if started_on is not None and started_on < out_of_school_from:
        errors["started_on"] = "The pupil cannot start before they were out of school."
    if arrived_on is not None and arrived_on > out_of_school_from:
        errors["arrived_on"] = "The pupil arrived before, or on, their first day out of school."
    if errors:
        raise ValidationError(errors)
    placement = FairAccessPlacement.objects.create(
        partnership=partnership,
        pupil=pupil,
        category=category,
        arrived_on=arrived_on,
        out_of_school_from=out_of_school_from,
        placed_at=placed_at,
        placed_on=placed_on,
        started_on=started_on,
        decided_at=decided_at,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=placement)
    if started_on is not None:
        _enrol_from(actor, placement)
    return placement


@transaction.atomic
def fair_access_start(
    *, actor: User, placement: FairAccessPlacement, started_on: datetime.date
) -> FairAccessPlacement:
    """Record the pupil's first day at the school, and put them on its roll from then."""
    _require_officer(actor, placement.partnership)
    if pupil_access(actor, placement.pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's record.")
    if started_on < placement.out_of_school_from:
        raise ValidationError(
            {"started_on": "The pupil cannot start before they were out of school."}
        )
    placement.started_on = started_on
    placement.save(update_fields=["started_on"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=placement.pupil,
        obj=placement,
        what="started_on",
    )
    _enrol_from(actor, placement)
    return placement


@transaction.atomic
def fair_share_weight_set(
    *,
    actor: User,
    partnership: Partnership,
    setting: Setting,
    weight: Decimal,
    from_year: int,
) -> FairShareWeighting:
    """Set a school's agreed weight from a school year on."""
    _require_officer(actor, partnership)
    _check_school(partnership, setting)
    if weight < 0:
        raise ValidationError({"weight": "A weight cannot be negative."})
    row, _ = FairShareWeighting.objects.update_or_create(
        partnership=partnership,
        setting=setting,
        from_year=from_year,
        defaults={"weight": weight},
    )
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=row, what="weight")
    return row

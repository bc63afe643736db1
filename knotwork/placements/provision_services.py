"""Changes to alternative provision: the providers' quality assurance, placements (with
the dual registration that lets the provider take the pupil's register), their passport,
plan and timetable, half-termly reviews and the end of a placement. Every one
access-checked, validated, atomic and audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.attendance.queries import start_year_of
from knotwork.behaviour.models import Exclusion
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.panel_models import AgendaItem
from knotwork.placements.panel_services import panel_decision_check
from knotwork.placements.provision_access import is_partnership_officer
from knotwork.placements.provision_models import (
    ProviderProfile,
    ProvisionPlacement,
    ProvisionReview,
)
from knotwork.placements.provision_rules import review_due_dates, timetable_check
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.rules import Span, enrolment_conflict
from knotwork.termdates.models import Term

PROVIDER_TYPES = frozenset({Setting.Type.AP, Setting.Type.PRU})
#: What a provider's quality record holds, in the order its form asks for it.
PROFILE_FIELDS = (
    "registration",
    "registration_number",
    "ofsted",
    "ofsted_inspected_on",
    "safeguarding_checked_on",
    "last_reviewed_on",
    "cost_per_day",
    "places",
    "offer",
    "contact_name",
    "phone",
    "email",
)
PLACEMENT_FIELDS = frozenset(
    {
        "timetable",
        "planned_reintegration_on",
        "passport_shared_on",
        "passport_needs",
        "passport_strengths",
        "passport_risks",
        "passport_strategies",
        "passport_attainment",
        "plan_agreed_on",
        "plan_targets",
        "plan_curriculum",
        "plan_support",
        "plan_reintegration",
    }
)
Kind = ProvisionPlacement.Kind
_EXCLUSION_KIND = {
    Kind.DAY6_SUSPENSION: Exclusion.Kind.SUSPENSION,
    Kind.DAY6_PERMANENT: Exclusion.Kind.PERMANENT,
}


def _require_edit(actor: User, pupil: Pupil) -> None:
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's record.")


def _partnerships_of(setting: Setting) -> set[int]:
    return set(setting.partnership_memberships.values_list("partnership_id", flat=True))


# --- Providers ----------------------------------------------------------------------------------


@transaction.atomic
def provider_profile_save(*, actor: User, setting: Setting, **fields: Any) -> ProviderProfile:
    """Create or change a provider's quality assurance record; the audit row names the
    fields changed."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown provider fields: {sorted(unknown)}")
    if setting.setting_type not in PROVIDER_TYPES:
        raise ValidationError("Only alternative providers and PRUs have a provider record.")
    partnerships = Partnership.objects.filter(pk__in=_partnerships_of(setting))
    if not any(is_partnership_officer(actor, p, for_edit=True) for p in partnerships):
        raise PermissionDenied("The partnership's officers keep the directory of providers.")
    profile = ProviderProfile.objects.filter(setting=setting).first()
    created = profile is None
    if profile is None:
        profile = ProviderProfile(setting=setting)
    changed = sorted(k for k, v in fields.items() if getattr(profile, k, None) != v)
    for name in changed:
        setattr(profile, name, fields[name])
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        obj=profile,
        what=",".join(changed),
    )
    return profile


# --- Placements ---------------------------------------------------------------------------------


def _home_enrolment(pupil: Pupil, provider: Setting, on: datetime.date) -> Enrolment:
    home = (
        Enrolment.objects.current(on)
        .filter(pupil=pupil)
        .exclude(setting=provider)
        .exclude(registration=Enrolment.Registration.SUBSIDIARY)
        .select_related("setting")
        .first()
    )
    if home is None:
        raise ValidationError(
            {
                "starts_on": "The pupil is not on a school's roll that day: a placement keeps "
                "them on their home school's roll."
            }
        )
    return home


def _check_kind(
    kind: str, provider: ProviderProfile, exclusion: Exclusion | None, pupil: Pupil
) -> None:
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose the kind of placement."})
    if kind == Kind.PRU and provider.setting.setting_type != Setting.Type.PRU:
        raise ValidationError({"provider": "A PRU placement is with a pupil referral unit."})
    if kind == Kind.AP and provider.setting.setting_type != Setting.Type.AP:
        raise ValidationError({"provider": "Choose an alternative provider, or a PRU placement."})
    wanted = _EXCLUSION_KIND.get(Kind(kind))
    if wanted is None and exclusion is not None:
        raise ValidationError(
            {"exclusion": "Only education from the sixth day names an exclusion."}
        )
    if wanted is not None and (
        exclusion is None or exclusion.pupil_id != pupil.pk or exclusion.kind != wanted
    ):
        raise ValidationError(
            {"exclusion": f"Choose the pupil's {Exclusion.Kind(wanted).label.lower()}."}
        )


def _dual_register(actor: User, placement: ProvisionPlacement, home: Enrolment) -> Enrolment:
    """The pupil's registration at the provider for the placement (subsidiary, the home
    school's becoming main), so the provider takes the register and its staff see the
    pupil; an existing registration there is used as it is."""
    provider = placement.provider.setting
    existing = (
        Enrolment.objects.current(placement.starts_on)
        .filter(pupil=placement.pupil, setting=provider)
        .first()
    )
    if existing is not None:
        return existing
    if home.registration == Enrolment.Registration.SINGLE:
        home.registration = Enrolment.Registration.MAIN
        home.save(update_fields=["registration"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            pupil=placement.pupil,
            obj=home,
            what="registration",
        )
    new = Span(
        placement.starts_on, placement.ends_on, Enrolment.Registration.SUBSIDIARY, provider.pk
    )
    spans = [
        Span(e.start_date, e.end_date, e.registration, e.setting_id)
        for e in Enrolment.objects.filter(pupil=placement.pupil)
    ]
    clash = enrolment_conflict(new, spans)
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"The pupil's registration from {clash.start:%d/%m/%Y} at another "
                "setting overlaps the placement."
            }
        )
    enrolment = Enrolment.objects.create(
        pupil=placement.pupil,
        setting=provider,
        start_date=placement.starts_on,
        end_date=placement.ends_on,
        registration=Enrolment.Registration.SUBSIDIARY,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, pupil=placement.pupil, obj=enrolment)
    return enrolment


def _add_reviews(placement: ProvisionPlacement) -> int:
    """The half-termly reviews from the home school's calendar, up to the planned return
    (to the end of the school year the placement starts in when none is planned); those
    already there are kept."""
    starts = placement.starts_on
    year_end = datetime.date(start_year_of(starts) + 1, 8, 31)
    until = placement.ends_on or placement.planned_reintegration_on or year_end
    halves = Term.objects.filter(
        academic_year__calendar_id=placement.home_setting.calendar_id,
        ends_on__gte=starts,
        starts_on__lte=until,
    ).values_list("starts_on", "ends_on")
    due = review_due_dates(list(halves), starts_on=starts, until=until)
    have = set(placement.reviews.values_list("due_on", flat=True))
    new = [ProvisionReview(placement=placement, due_on=d) for d in due if d not in have]
    ProvisionReview.objects.bulk_create(new)
    return len(new)


def _fill_exclusion(actor: User, placement: ProvisionPlacement) -> None:
    """Day-6 provision is recorded on the exclusion too, where it was not already."""
    exclusion = placement.exclusion
    if exclusion is None or exclusion.provision_from is not None:
        return
    exclusion.provision_by = (
        Exclusion.ProvisionBy.LOCAL_AUTHORITY
        if placement.kind == Kind.DAY6_PERMANENT
        else Exclusion.ProvisionBy.SCHOOL
    )
    exclusion.provision_where = placement.provider.setting.name[:200]
    exclusion.provision_from = placement.starts_on
    exclusion.version += 1
    exclusion.save(update_fields=["provision_by", "provision_where", "provision_from", "version"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=placement.pupil,
        obj=exclusion,
        what="provision",
    )


@transaction.atomic
def provision_place(
    *,
    actor: User,
    pupil: Pupil,
    provider: ProviderProfile,
    kind: str,
    starts_on: datetime.date,
    timetable: str,
    planned_reintegration_on: datetime.date | None = None,
    exclusion: Exclusion | None = None,
    decided_at: AgendaItem | None = None,
) -> ProvisionPlacement:
    """Place a pupil with a provider (decided at a panel's agenda item, if given: an AP
    referral it agreed, about this pupil). They stay on the home school's roll and are
    dual registered at the provider for the placement; the half-termly reviews are set
    from the home school's calendar, and day-6 provision is noted on its exclusion."""
    _require_edit(actor, pupil)
    _check_kind(kind, provider, exclusion, pupil)
    try:
        timetable_check(timetable, kind)
    except ValueError as exc:
        raise ValidationError({"timetable": str(exc)}) from exc
    if planned_reintegration_on is not None and planned_reintegration_on < starts_on:
        raise ValidationError(
            {"planned_reintegration_on": "The return cannot be planned before the start."}
        )
    home = _home_enrolment(pupil, provider.setting, starts_on)
    shared = _partnerships_of(home.setting) & _partnerships_of(provider.setting)
    if not shared:
        raise ValidationError({"provider": "Choose a provider in the home school's partnership."})
    if decided_at is not None:
        panel_decision_check(
            decided_at,
            pupil=pupil,
            kind=AgendaItem.Kind.AP_REFERRAL,
            partnership_id=min(shared),
        )
    placement = ProvisionPlacement.objects.create(
        partnership_id=min(shared),
        pupil=pupil,
        home_setting=home.setting,
        provider=provider,
        kind=kind,
        exclusion=exclusion,
        timetable=timetable,
        starts_on=starts_on,
        planned_reintegration_on=planned_reintegration_on,
        decided_at=decided_at,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=placement)
    placement.enrolment = _dual_register(actor, placement, home)
    placement.save(update_fields=["enrolment"])
    _add_reviews(placement)
    _fill_exclusion(actor, placement)
    return placement


def _check_version(placement: ProvisionPlacement, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != placement.version:
        raise ValidationError(
            "Someone else changed this placement while you were editing it. "
            "Check the placement as it is now, then make your change again."
        )


@transaction.atomic
def provision_update(
    *,
    actor: User,
    placement: ProvisionPlacement,
    expected_version: int | None = None,
    **changes: Any,
) -> ProvisionPlacement:
    """Change the timetable, the planned return, the passport or the plan."""
    unknown = set(changes) - PLACEMENT_FIELDS
    if unknown:
        raise TypeError(f"unknown placement fields: {sorted(unknown)}")
    _require_edit(actor, placement.pupil)
    placement = ProvisionPlacement.objects.select_for_update().get(pk=placement.pk)
    _check_version(placement, expected_version)
    if "timetable" in changes:
        try:
            timetable_check(changes["timetable"], placement.kind)
        except ValueError as exc:
            raise ValidationError({"timetable": str(exc)}) from exc
    changed = sorted(k for k, v in changes.items() if getattr(placement, k) != v)
    if not changed:
        return placement
    for name in changed:
        setattr(placement, name, changes[name])
    planned = placement.planned_reintegration_on
    if planned is not None and planned < placement.starts_on:
        raise ValidationError(
            {"planned_reintegration_on": "The return cannot be planned before the start."}
        )
    placement.version += 1
    placement.save(update_fields=[*changed, "version"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=placement.pupil,
        obj=placement,
        what=",".join(changed),
    )
    if "planned_reintegration_on" in changed:
        _add_reviews(placement)
    return placement


@transaction.atomic
def provision_end(
    *,
    actor: User,
    placement: ProvisionPlacement,
    ends_on: datetime.date,
    outcome: str,
    expected_version: int | None = None,
) -> ProvisionPlacement:
    """End a placement with its outcome (a return to school is the reintegration). The
    registration at the provider ends the same day, so its staff no longer see the
    pupil; reviews not held and due after the end are dropped."""
    _require_edit(actor, placement.pupil)
    placement = ProvisionPlacement.objects.select_for_update().get(pk=placement.pk)
    _check_version(placement, expected_version)
    if placement.ends_on is not None:
        raise ValidationError("This placement has already ended.")
    if outcome not in ProvisionPlacement.Outcome.values:
        raise ValidationError({"outcome": "Choose how the placement ended."})
    if ends_on < placement.starts_on:
        raise ValidationError({"ends_on": "A placement cannot end before it starts."})
    if ends_on > timezone.localdate():
        raise ValidationError({"ends_on": "Record the end on or after the day it happens."})
    placement.ends_on = ends_on
    placement.outcome = outcome
    placement.version += 1
    placement.save(update_fields=["ends_on", "outcome", "version"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=placement.pupil,
        obj=placement,
        what="ends_on,outcome",
    )
    enrolment = placement.enrolment
    if enrolment is not None and (enrolment.end_date is None or enrolment.end_date > ends_on):
        enrolment.end_date = max(ends_on, enrolment.start_date)
        enrolment.save(update_fields=["end_date"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            pupil=placement.pupil,
            obj=enrolment,
            what="end_date",
        )
    placement.reviews.filter(held_on__isnull=True, due_on__gt=ends_on).delete()
    return placement


@transaction.atomic
def provision_review_hold(
    *,
    actor: User,
    review: ProvisionReview,
    held_on: datetime.date,
    progress: str,
    notes: str = "",
) -> ProvisionReview:
    """Record a half-termly review: when it was held and the progress seen."""
    placement = review.placement
    _require_edit(actor, placement.pupil)
    if progress not in ProvisionReview.Progress.values:
        raise ValidationError({"progress": "Say what progress the review found."})
    if held_on < placement.starts_on:
        raise ValidationError({"held_on": "A review is held after the placement starts."})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "A review cannot be held in the future."})
    review.held_on = held_on
    review.progress = progress
    review.notes = notes
    review.held_by = actor
    review.save(update_fields=["held_on", "progress", "notes", "held_by"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=placement.pupil,
        obj=review,
        what="held_on,progress,notes",
    )
    return review

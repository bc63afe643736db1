"""Every change to a case: keyword-only, atomic, access-checked and audited.

Access (``case_queries``): opening a case needs edit rights over the pupil; closing,
re-opening, changing the lead and the team also allow the case's lead; the plan's
actions and reviews also the team's active members. Each write leaves an audit row
naming the record and fields, never what was written. Edits name the version they
were read at and are refused when someone changed the record since.

A practitioner on the team gets a PupilLink (reason "case") for as long as they are a
member; it ends when they leave or the case closes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.casework.case_models import (
    Case,
    CaseEvent,
    CaseMeasure,
    CaseMember,
    PlanAction,
    Review,
)
from knotwork.casework.case_queries import (
    active_members,
    lead_candidates,
    may_edit_pupil,
    may_manage_case,
    may_work_on_case,
    measure_value,
)
from knotwork.casework.case_rules import INTERVENTION_WEEKS, measure_windows
from knotwork.casework.concern_services import concern_mark_case_opened
from knotwork.casework.models import Concern, Referral
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Organisation, Outcome, Setting
from knotwork.notices.services import (
    notice_action_added,
    notice_action_changed,
    notice_review_booked,
    notice_review_recorded,
)
from knotwork.pupils.models import Enrolment, Pupil, PupilLink

ASSESSMENT_FIELDS = (
    "development_strengths",
    "development_needs",
    "parenting_strengths",
    "parenting_needs",
    "family_strengths",
    "family_needs",
)
APPROACH_FIELDS = (
    "common_approach",
    "responsibility",
    "school_feedback",
    "key_contacts",
    "monitoring",
    "parent_involvement",
    "information_protocol",
)
LEAD_ROLE = "Lead professional"


class StaleRecord(ValidationError):
    """Someone else changed the record since it was read."""


def _audit(actor: User, action: str, case: Case, obj: models.Model, what: str) -> None:
    audit_record(actor=actor, action=action, pupil=case.pupil, obj=obj, what=what)


def _today() -> datetime.date:
    return timezone.localdate()


def _require_manage(actor: User, case: Case) -> None:
    if not may_manage_case(actor, case, _today()):
        raise PermissionDenied("You may not change this case.")


def _require_work(actor: User, case: Case) -> None:
    if not may_work_on_case(actor, case, _today()):
        raise PermissionDenied("You may not change this case's plan or reviews.")


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError("This case is closed.")


def _locked_case(case: Case, version: int | None) -> Case:
    current = Case.objects.select_for_update().select_related("pupil").get(pk=case.pk)
    if version is not None and current.version != version:
        raise StaleRecord(
            "Someone else changed this case while you were editing it. "
            "What you typed is below: check it against the case and save again."
        )
    return current


def _check_lead(case_setting: Setting, lead: User | None) -> None:
    if lead is not None and not lead_candidates(case_setting).filter(pk=lead.pk).exists():
        raise ValidationError({"lead": "The lead must work in the setting's partnership."})


def _is_practitioner(user: User) -> bool:
    return Membership.objects.filter(user=user, role=Role.AGENCY_PRACTITIONER).exists()


def _member_add(
    *,
    case: Case,
    starts_on: datetime.date,
    role: str,
    user: User | None = None,
    name: str = "",
    organisation: Organisation | None = None,
    organisation_name: str = "",
) -> CaseMember:
    link = None
    if user is not None and _is_practitioner(user):
        link = PupilLink.objects.create(
            pupil=case.pupil,
            user=user,
            reason=PupilLink.Reason.CASE,
            lawful_basis=case.lawful_basis,
            starts_on=starts_on,
        )
    if user is not None and organisation is None:
        first = Membership.objects.filter(user=user).select_related("organisation").first()
        organisation = first.organisation if first is not None else None
    member = CaseMember(
        case=case,
        user=user,
        name=name.strip(),
        organisation=organisation,
        organisation_name=organisation_name.strip(),
        role=role.strip(),
        starts_on=starts_on,
        link=link,
    )
    member.full_clean(exclude=["case", "user", "organisation", "link"])
    member.save()
    return member


def _member_finish(member: CaseMember, ends_on: datetime.date) -> None:
    ends_on = max(ends_on, member.starts_on)
    member.ends_on = ends_on
    member.save(update_fields=["ends_on"])
    if member.link_id is not None:
        PupilLink.objects.filter(pk=member.link_id).update(ends_on=ends_on)


def _ensure_lead_member(case: Case, lead: User, on: datetime.date) -> None:
    if not active_members(case, on).filter(user=lead).exists():
        _member_add(case=case, starts_on=on, role=LEAD_ROLE, user=lead)


def _choose_measures(
    case: Case, kinds: Iterable[str], starts_on: datetime.date, weeks: int
) -> list[CaseMeasure]:
    chosen = []
    for kind in dict.fromkeys(kinds):
        if kind not in CaseMeasure.Kind.values:
            raise ValidationError({"measures": "Choose measures from the list."})
        measure = CaseMeasure(case=case, kind=kind, starts_on=starts_on, weeks=weeks)
        measure.case = case
        windows = measure_windows(starts_on, weeks)
        if kind != CaseMeasure.Kind.SCALING:
            measure.before = measure_value(
                measure, windows.before_first, windows.before_last, before=True
            )
        measure.save()
        chosen.append(measure)
    return chosen


# --- Opening ------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    actor: User,
    pupil: Pupil,
    setting: Setting,
    opened_on: datetime.date,
    lead: User | None = None,
    referral: Referral | None = None,
    concern: Concern | None = None,
    outcomes: Sequence[Outcome] = (),
    measures: Sequence[str] = (),
    measure_weeks: int = INTERVENTION_WEEKS,
    lawful_basis: str = PupilLink.LawfulBasis.CONSENT,
    **details: str,
) -> Case:
    """Open a case around a pupil on roll at the setting: the assessment and the approach
    agreed (``details``, by field), the lead, the outcomes served, and the measures the
    intervention will be judged by, their before figures read now."""
    if not may_edit_pupil(actor, pupil, _today()):
        raise PermissionDenied("You may not open a case for this pupil.")
    unknown = set(details) - set(ASSESSMENT_FIELDS) - set(APPROACH_FIELDS)
    if unknown:
        raise TypeError(f"case_open() got unexpected fields: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    if opened_on > _today():
        errors["opened_on"] = "A case cannot open in the future."
    if not Enrolment.objects.current(opened_on).filter(pupil=pupil, setting=setting).exists():
        errors["setting"] = f"The pupil is not on roll at {setting.name} on that day."
    if referral is not None and referral.pupil_id != pupil.pk:
        errors["referral"] = "The referral is for another pupil."
    if concern is not None and concern.pupil_id != pupil.pk:
        errors["concern"] = "The concern is about another pupil."
    if measure_weeks < 1:
        errors["measure_weeks"] = "An intervention lasts at least a week."
    if errors:
        raise ValidationError(errors)
    _check_lead(setting, lead)
    case = Case(
        pupil=pupil,
        setting=setting,
        opened_on=opened_on,
        intervention_started_on=opened_on,
        lead=lead,
        referral=referral,
        concern=concern,
        lawful_basis=lawful_basis,
        opened_by=actor,
        **{name: value.strip() for name, value in details.items()},
    )
    case.full_clean(exclude=["pupil", "setting", "lead", "referral", "concern", "opened_by"])
    case.save()
    case.outcomes.set(outcomes)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.OPENED, on=opened_on, by=actor, lead=lead
    )
    if concern is not None and concern.status in Concern.ACTIVE:
        concern_mark_case_opened(actor=actor, concern=concern, case=case)
    if lead is not None:
        _ensure_lead_member(case, lead, opened_on)
    _choose_measures(case, measures, opened_on, measure_weeks)
    _audit(actor, AuditEntry.Action.CREATE, case, case, "case opened")
    return case


# --- The team -----------------------------------------------------------------------------------


@transaction.atomic
def case_member_add(
    *,
    actor: User,
    case: Case,
    role: str,
    starts_on: datetime.date,
    user: User | None = None,
    name: str = "",
    organisation: Organisation | None = None,
    organisation_name: str = "",
) -> CaseMember:
    """Add someone to the team around the child: a user, or a named person."""
    _require_manage(actor, case)
    case = _locked_case(case, None)
    _require_open(case)
    if user is None and not name.strip():
        raise ValidationError({"name": "Choose a user or give the person's name."})
    if starts_on < case.opened_on:
        raise ValidationError({"starts_on": "A member cannot join before the case opened."})
    if user is not None and active_members(case, starts_on).filter(user=user).exists():
        raise ValidationError({"user": "They are already on the team."})
    if user is not None and not lead_candidates(case.setting).filter(pk=user.pk).exists():
        raise ValidationError({"user": "They must work in the setting's partnership."})
    member = _member_add(
        case=case,
        starts_on=starts_on,
        role=role,
        user=user,
        name=name,
        organisation=organisation,
        organisation_name=organisation_name,
    )
    _audit(actor, AuditEntry.Action.CREATE, case, case, "case member added")
    return member


@transaction.atomic
def case_member_end(
    *, actor: User, case: Case, member: CaseMember, ends_on: datetime.date
) -> CaseMember:
    """A member leaves the team; a practitioner's link to the pupil ends with them."""
    _require_manage(actor, case)
    if member.case_id != case.pk:
        raise PermissionDenied("That member is not on this case.")
    member = CaseMember.objects.select_for_update().get(pk=member.pk)
    if member.ends_on is not None:
        raise ValidationError("They have already left the team.")
    if ends_on < member.starts_on:
        raise ValidationError({"ends_on": "A member cannot leave before they joined."})
    if member.user_id is not None and member.user_id == case.lead_id and case.is_open:
        raise ValidationError("Change the lead before the lead leaves the team.")
    _member_finish(member, ends_on)
    _audit(actor, AuditEntry.Action.UPDATE, case, case, "case member ended")
    return member


# --- The plan -----------------------------------------------------------------------------------


def _check_owner(case: Case, owner: User | None, owner_name: str) -> None:
    if owner is None and not owner_name.strip():
        raise ValidationError({"owner": "Say who owns the action."})
    if owner is not None and not active_members(case, _today()).filter(user=owner).exists():
        raise ValidationError({"owner": "The owner must be on the team."})


@transaction.atomic
def plan_action_add(
    *,
    actor: User,
    case: Case,
    what: str,
    due_on: datetime.date,
    owner: User | None = None,
    owner_name: str = "",
) -> PlanAction:
    _require_work(actor, case)
    _require_open(case)
    _check_owner(case, owner, owner_name)
    action = PlanAction(
        case=case, what=what.strip(), due_on=due_on, owner=owner, owner_name=owner_name.strip()
    )
    action.full_clean(exclude=["case", "owner"])
    action.save()
    _audit(actor, AuditEntry.Action.CREATE, case, action, "plan action added")
    notice_action_added(actor=actor, action=action)
    return action


@transaction.atomic
def plan_action_update(
    *,
    actor: User,
    action: PlanAction,
    version: int,
    what: str,
    due_on: datetime.date,
    status: str,
    owner: User | None = None,
    owner_name: str = "",
) -> PlanAction:
    case = action.case
    _require_work(actor, case)
    _require_open(case)
    current = PlanAction.objects.select_for_update().get(pk=action.pk)
    if current.version != version:
        raise StaleRecord(
            "Someone else changed this action while you were editing it. "
            "What you typed is below: check it and save again."
        )
    if status not in PlanAction.Status.values:
        raise ValidationError({"status": "Choose the action's status."})
    _check_owner(case, owner, owner_name)
    changed = [
        name
        for name, value in (
            ("what", what.strip()),
            ("due_on", due_on),
            ("status", status),
            ("owner_id", owner.pk if owner else None),
            ("owner_name", owner_name.strip()),
        )
        if getattr(current, name) != value
    ]
    current.what, current.due_on, current.status = what.strip(), due_on, status
    current.owner, current.owner_name = owner, owner_name.strip()
    current.version += 1
    current.full_clean(exclude=["case", "owner"])
    current.save()
    what_changed = ", ".join(n.removesuffix("_id") for n in changed) or "nothing"
    _audit(actor, AuditEntry.Action.UPDATE, case, current, f"plan action: {what_changed}")
    if changed:
        notice_action_changed(actor=actor, action=current)
    return current


# --- Reviews ------------------------------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    actor: User,
    case: Case,
    held_on: datetime.date,
    child_view: str,
    scale_now: int,
    scale_goal: int,
    attendees: Sequence[CaseMember] = (),
    others_present: str = "",
    parent_view: str = "",
    other_views: str = "",
    working: str = "",
    goals: str = "",
    next_steps: str = "",
    starts_intervention: bool = False,
) -> Review:
    """Record a review held as a solution-focused meeting. A review that starts a new
    intervention restarts its clock and reads the case's measures afresh from that day."""
    _require_work(actor, case)
    case = _locked_case(case, None)
    _require_open(case)
    errors: dict[str, str] = {}
    if held_on > _today():
        errors["held_on"] = "A review cannot be recorded before it is held."
    if held_on < case.opened_on:
        errors["held_on"] = "A review cannot be held before the case opened."
    for name, value in (("scale_now", scale_now), ("scale_goal", scale_goal)):
        if not 1 <= value <= 10:
            errors[name] = "Give a point on the scale from 1 to 10."
    if any(m.case_id != case.pk for m in attendees):
        errors["attendees"] = "Those at the meeting must be on this case's team."
    if errors:
        raise ValidationError(errors)
    review = Review(
        case=case,
        held_on=held_on,
        child_view=child_view.strip(),
        parent_view=parent_view.strip(),
        other_views=other_views.strip(),
        working=working.strip(),
        goals=goals.strip(),
        next_steps=next_steps.strip(),
        others_present=others_present.strip(),
        scale_now=scale_now,
        scale_goal=scale_goal,
        starts_intervention=starts_intervention,
        recorded_by=actor,
    )
    review.full_clean(exclude=["case", "recorded_by"])
    review.save()
    review.attendees.set(attendees)
    if starts_intervention and held_on > case.intervention_started_on:
        running = list(case.measures.filter(read_at__isnull=True))
        _read_measures(case, running, held_on - datetime.timedelta(days=1))
        kinds = [m.kind for m in case.measures.filter(starts_on=case.intervention_started_on)]
        case.intervention_started_on = held_on
        case.version += 1
        case.save(update_fields=["intervention_started_on", "version"])
        _choose_measures(case, kinds, held_on, INTERVENTION_WEEKS)
    if case.next_review_on is not None and held_on >= case.next_review_on:
        case.next_review_on = None
        case.next_review_at = ""
        case.version += 1
        case.save(update_fields=["next_review_on", "next_review_at", "version"])
    _audit(actor, AuditEntry.Action.CREATE, case, review, "review recorded")
    notice_review_recorded(actor=actor, review=review)
    return review


@transaction.atomic
def review_book(
    *, actor: User, case: Case, version: int, next_review_on: datetime.date, where: str = ""
) -> Case:
    """Book the case's next review for a day (and a place); the team is told. Recording a
    review held on or after that day clears the booking."""
    _require_work(actor, case)
    case = _locked_case(case, version)
    _require_open(case)
    if next_review_on < _today():
        raise ValidationError({"next_review_on": "Book the review for today or a later day."})
    case.next_review_on = next_review_on
    case.next_review_at = where.strip()
    case.version += 1
    case.save(update_fields=["next_review_on", "next_review_at", "version"])
    _audit(actor, AuditEntry.Action.UPDATE, case, case, "review booked")
    notice_review_booked(actor=actor, case=case)
    return case


# --- Measures -----------------------------------------------------------------------------------


def _read_measures(
    case: Case, measures: Iterable[CaseMeasure], ends_by: datetime.date | None
) -> list[CaseMeasure]:
    now = timezone.now()
    read = []
    for measure in measures:
        measure.case = case
        windows = measure_windows(measure.starts_on, measure.weeks, ends_by)
        if measure.before is None:
            measure.before = measure_value(
                measure, windows.before_first, windows.before_last, before=True
            )
        measure.after = measure_value(
            measure, windows.after_first, windows.after_last, before=False
        )
        measure.after_to = windows.after_last
        measure.read_at = now
        measure.save(update_fields=["before", "after", "after_to", "read_at"])
        read.append(measure)
    return read


@transaction.atomic
def case_measures_read(*, case: Case, today: datetime.date) -> list[CaseMeasure]:
    """Read the after figure of each of the case's measures whose window has ended (or
    every one, once the case has closed). Run by closure and by ``knotwork casework
    measures``; nobody's action, so the audit row has no actor."""
    due = [
        m
        for m in case.measures.filter(read_at__isnull=True)
        if case.closed_on is not None or measure_windows(m.starts_on, m.weeks).after_last < today
    ]
    read = _read_measures(case, due, case.closed_on)
    if read:
        audit_record(
            actor=None,
            action=AuditEntry.Action.UPDATE,
            pupil=case.pupil,
            obj=case,
            what="case measures read",
        )
    return read


# --- Closing, re-opening, the lead -----------------------------------------------------------


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: Case,
    version: int,
    closed_on: datetime.date,
    closure_reason: str,
    exit_summary: str,
) -> Case:
    """Close the case: every member leaves the team (their links end), and the measures
    are read up to the day it closed."""
    _require_manage(actor, case)
    case = _locked_case(case, version)
    _require_open(case)
    errors: dict[str, str] = {}
    if closure_reason not in Case.ClosureReason.values:
        errors["closure_reason"] = "Choose why the case is closing."
    if not exit_summary.strip():
        errors["exit_summary"] = "Write the exit summary."
    if closed_on > _today():
        errors["closed_on"] = "A case cannot close in the future."
    elif closed_on < case.opened_on:
        errors["closed_on"] = "A case cannot close before it opened."
    if errors:
        raise ValidationError(errors)
    for member in case.members.filter(ends_on__isnull=True):
        _member_finish(member, closed_on)
    case.status = Case.Status.CLOSED
    case.closed_on = closed_on
    case.closure_reason = closure_reason
    case.exit_summary = exit_summary.strip()
    case.version += 1
    case.save()
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.CLOSED,
        on=closed_on,
        by=actor,
        lead=case.lead,
        closure_reason=closure_reason,
    )
    _read_measures(case, case.measures.filter(read_at__isnull=True), closed_on)
    _audit(actor, AuditEntry.Action.UPDATE, case, case, "case closed")
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case, version: int, reopened_on: datetime.date) -> Case:
    """Re-open a closed case. Its history stays: the closure is in the timeline, the past
    members and read measures stay as they were; the lead rejoins the team and a new
    intervention starts with the same measures."""
    _require_manage(actor, case)
    case = _locked_case(case, version)
    if case.is_open:
        raise ValidationError("This case is already open.")
    if reopened_on > _today() or case.closed_on is None or reopened_on < case.closed_on:
        raise ValidationError(
            {"reopened_on": "Re-open on or after the day it closed, not later than today."}
        )
    kinds = list(dict.fromkeys(case.measures.order_by("-starts_on").values_list("kind", flat=True)))
    case.status = Case.Status.OPEN
    case.closed_on = None
    case.closure_reason = ""
    case.intervention_started_on = reopened_on
    case.version += 1
    case.save()
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.REOPENED, on=reopened_on, by=actor, lead=case.lead
    )
    if case.lead is not None:
        _ensure_lead_member(case, case.lead, reopened_on)
    _choose_measures(case, kinds, reopened_on, INTERVENTION_WEEKS)
    _audit(actor, AuditEntry.Action.UPDATE, case, case, "case reopened")
    return case


@transaction.atomic
def case_lead_change(
    *, actor: User, case: Case, version: int, lead: User, changed_on: datetime.date
) -> Case:
    """Give the case a new lead professional; they join the team if not on it."""
    _require_manage(actor, case)
    case = _locked_case(case, version)
    _require_open(case)
    if lead.pk == case.lead_id:
        raise ValidationError({"lead": "They already lead this case."})
    if changed_on > _today() or changed_on < case.opened_on:
        raise ValidationError({"changed_on": "Give a day between the opening and today."})
    _check_lead(case.setting, lead)
    case.lead = lead
    case.version += 1
    case.save(update_fields=["lead", "version"])
    _ensure_lead_member(case, lead, changed_on)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.LEAD_CHANGED, on=changed_on, by=actor, lead=lead
    )
    _audit(actor, AuditEntry.Action.UPDATE, case, case, "case lead changed")
    return case

"""The attendance ladder of a pupil: what a page reads, and every change to it.

Reads: ``ladder_page`` (the ladder page), ``ladder_panel`` (the summary a
pupil's attendance page includes as ``attendance/_ladder_panel.html``),
``step_for_user``, ``raised_signals``. Writes: ``ladder_step_add``,
``ladder_step_complete`` and ``ladder_step_withdraw``, each access-checked
(edit access to the pupil), atomic and audited; the last two refuse a stale
``version`` so two people completing the same step at once are told.
The rules themselves are in ``ladder_rules``.
"""

from __future__ import annotations

import csv
import datetime
import io
import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from knotwork.accounts.models import Membership, User
from knotwork.attendance import ladder_rules as rules
from knotwork.attendance.models import LadderStep, Signal
from knotwork.attendance.signal_services import enrolment_signals
from knotwork.attendance.signals import describe
from knotwork.casework.consent_models import Section
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import PartnershipMember
from knotwork.pupils.access import (
    PARTNERSHIP_ROLES,
    SETTING_ROLES,
    Access,
    pupil_access,
    pupil_sections,
    visible_pupils,
)
from knotwork.pupils.models import Contact, Enrolment, Pupil

KIND_LABELS = dict(LadderStep.Kind.choices)
SIGNAL_LABELS = dict(Signal.Kind.choices)


class StaleStep(ValidationError):
    """Someone else changed the step since it was read."""


# --- reads ---------------------------------------------------------------------


def steps_for_pupil(pupil: Pupil) -> QuerySet[LadderStep]:
    return LadderStep.objects.filter(pupil=pupil).select_related("owner", "parent")


def step_facts(steps: list[LadderStep]) -> list[rules.StepFact]:
    return [
        rules.StepFact(
            kind=s.kind,
            status=s.status,
            on=s.date,
            review_on=s.review_on,
            parent=s.parent_id,
            ref=s.uuid,
        )
        for s in steps
    ]


def parents_of(pupil: Pupil) -> list[Contact]:
    """The pupil's contacts with parental responsibility, first contacted first."""
    return list(Contact.objects.filter(pupil=pupil, parental_responsibility=True))


def current_enrolments(pupil: Pupil, on: datetime.date) -> list[Enrolment]:
    return list(
        Enrolment.objects.current(on).filter(pupil=pupil).select_related("setting", "pupil")
    )


@dataclass(frozen=True)
class RaisedSignal:
    kind: str
    label: str
    description: str
    since: datetime.date | None


def raised_signals(pupil: Pupil, on: datetime.date) -> list[RaisedSignal]:
    """The early signs holding now in the pupil's current registers, worked out afresh, with
    the day each was first stored (when the stored signs have seen it)."""
    enrolments = current_enrolments(pupil, on)
    found = enrolment_signals(enrolments, on)
    since = {
        (s.enrolment_id, s.kind): s.first_seen
        for s in Signal.objects.filter(enrolment__in=enrolments, cleared_on__isnull=True)
    }
    raised: dict[str, RaisedSignal] = {}
    for enrolment in enrolments:
        for result in found.get(enrolment.pk, []):
            raised.setdefault(
                result.kind,
                RaisedSignal(
                    kind=result.kind,
                    label=SIGNAL_LABELS[result.kind],
                    description=describe(result),
                    since=since.get((enrolment.pk, result.kind)),
                ),
            )
    return sorted(raised.values(), key=lambda r: list(SIGNAL_LABELS).index(r.kind))


def situation_for(
    pupil: Pupil,
    today: datetime.date,
    *,
    steps: list[LadderStep] | None = None,
    signals: list[RaisedSignal] | None = None,
    parents: list[Contact] | None = None,
) -> rules.Situation:
    steps = list(steps_for_pupil(pupil)) if steps is None else steps
    signals = raised_signals(pupil, today) if signals is None else signals
    parents = parents_of(pupil) if parents is None else parents
    return rules.Situation(
        steps=step_facts(steps),
        today=today,
        signals=frozenset(s.kind for s in signals),
        parents=[p.pk for p in parents],
    )


def step_for_user(
    user: User, step_uuid: uuid_module.UUID | str, *, write: bool = False
) -> LadderStep:
    """A ladder step if the user may see its pupil: 404 when not, 403 when they may see it
    but asked to change it without edit access."""
    step = (
        LadderStep.objects.filter(uuid=step_uuid, pupil__in=visible_pupils(user))
        .select_related("pupil", "owner", "parent", "created_by")
        .first()
    )
    if step is None or Section.ATTENDANCE not in pupil_sections(user, step.pupil):
        raise Http404("No such step")
    if write and pupil_access(user, step.pupil) < Access.EDIT:
        raise PermissionDenied("You may see this pupil's ladder but not change it.")
    return step


def owner_choices(pupil: Pupil, on: datetime.date) -> QuerySet[User]:
    """People who may own a step: those with edit access at the pupil's settings or in their
    partnerships (the service checks the one chosen against ``pupils.access``)."""
    setting_ids = [e.setting_id for e in current_enrolments(pupil, on)]
    partnership_orgs = PartnershipMember.objects.filter(
        partnership__memberships__organisation_id__in=setting_ids
    ).values("organisation_id")
    memberships = Membership.objects.filter(can_edit=True).filter(
        Q(role__in=SETTING_ROLES, organisation_id__in=setting_ids)
        | Q(role__in=PARTNERSHIP_ROLES, organisation_id__in=partnership_orgs)
    )
    return (
        User.objects.filter(is_active=True, memberships__in=memberships)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class Rung:
    """One rung of the ladder as the page shows it."""

    kind: str
    label: str
    status: str  # done, planned, due, available, blocked
    steps: list[LadderStep]
    reason: str = ""


@dataclass
class LadderPage:
    pupil: Pupil
    today: datetime.date
    steps: list[LadderStep]
    rungs: list[Rung]
    position: str | None
    next_step: rules.NextStep
    overdue: list[rules.Overdue]
    options: list[rules.Option]
    signals: list[RaisedSignal]
    parents: list[Contact]
    can_edit: bool
    penalty_terms: list[tuple[Contact, str]] = field(default_factory=list)

    @property
    def position_label(self) -> str:
        return KIND_LABELS[self.position] if self.position else "Not on the ladder yet"

    @property
    def next_label(self) -> str:
        return KIND_LABELS[self.next_step.kind] if self.next_step.kind else ""

    @property
    def allowed(self) -> list[tuple[str, str]]:
        """(kind, label) of each step that may be added now, above the current rung (or on
        it, for a step that may be taken again: a further panel, a notice to another parent)."""
        floor = rules.ORDER.index(self.position) if self.position else -1
        return [
            (o.kind, KIND_LABELS[o.kind])
            for o in self.options
            if o.allowed
            and (
                rules.ORDER.index(o.kind) > floor
                or (o.kind == self.position and o.kind in rules.REPEATABLE)
            )
        ]

    @property
    def overdue_items(self) -> list[str]:
        return [f"{KIND_LABELS[item.step.kind]}: {item.what}" for item in self.overdue]


def _rungs(
    steps: list[LadderStep], options: list[rules.Option], next_step: rules.NextStep
) -> list[Rung]:
    rungs = []
    for option in options:
        mine = [s for s in steps if s.kind == option.kind]
        live = [s for s in mine if s.status != LadderStep.Status.WITHDRAWN]
        if any(s.status == LadderStep.Status.PLANNED for s in live):
            status = "planned"
        elif live:
            status = "done"
        elif next_step.kind == option.kind:
            status = "due"
        elif option.allowed:
            status = "available"
        else:
            status = "blocked"
        rungs.append(Rung(option.kind, KIND_LABELS[option.kind], status, mine, option.reason))
    return rungs


def penalty_terms_by_parent(
    situation: rules.Situation, parents: list[Contact], on: datetime.date
) -> list[tuple[Contact, str]]:
    """For each parent: the terms of a notice issued on ``on``, or why one may not be."""
    found = []
    for parent in parents:
        reason = rules.penalty_blocker(situation, parent.pk, on)
        if reason is None:
            notices = [s for s in situation.steps if s.kind == rules.PENALTY_NOTICE]
            mine = [s for s in notices if s.parent == parent.pk]
            terms = rules.penalty_terms(on, mine)
            found.append((parent, f"Notice {terms.number}: {terms.summary()}."))
        else:
            found.append((parent, f"Not possible: {reason}"))
    return found


def ladder_page(pupil: Pupil, user: User, today: datetime.date) -> LadderPage:
    """Everything the ladder page shows for a pupil the user may see."""
    steps = list(steps_for_pupil(pupil))
    signals = raised_signals(pupil, today)
    parents = parents_of(pupil)
    situation = situation_for(pupil, today, steps=steps, signals=signals, parents=parents)
    options = rules.options(situation)
    next_step = rules.next_step(situation)
    return LadderPage(
        pupil=pupil,
        today=today,
        steps=steps,
        rungs=_rungs(steps, options, next_step),
        position=rules.position(situation.steps),
        next_step=next_step,
        overdue=rules.overdue(situation),
        options=options,
        signals=signals,
        parents=parents,
        can_edit=pupil_access(user, pupil, today) >= Access.EDIT,
        penalty_terms=penalty_terms_by_parent(situation, parents, today),
    )


@dataclass(frozen=True)
class LadderPanel:
    """The summary ``attendance/_ladder_panel.html`` shows (as ``panel``)."""

    pupil: Pupil
    position: str
    next_kind: str
    next_due_on: datetime.date | None
    next_reason: str
    next_overdue: bool
    overdue: int
    signals: list[RaisedSignal]
    url: str
    can_edit: bool


def ladder_panel(pupil: Pupil, user: User, today: datetime.date | None = None) -> LadderPanel:
    """Where the pupil is on the ladder, what is due next and when, and the signs raised now.

    The page that includes the panel has already checked access and written its audit row;
    this refuses a user who may not see the pupil.
    """
    today = today or timezone.localdate()
    access = pupil_access(user, pupil, today)
    if access < Access.READ:
        raise PermissionDenied("You may not see this pupil.")
    steps = list(steps_for_pupil(pupil))
    signals = raised_signals(pupil, today)
    situation = situation_for(pupil, today, steps=steps, signals=signals)
    following = rules.next_step(situation)
    position = rules.position(situation.steps)
    return LadderPanel(
        pupil=pupil,
        position=KIND_LABELS[position] if position else "Not on the ladder yet",
        next_kind=KIND_LABELS[following.kind] if following.kind else "",
        next_due_on=following.due_on,
        next_reason=following.reason,
        next_overdue=following.overdue,
        overdue=len(rules.overdue(situation)),
        signals=signals,
        url=reverse("attendance:ladder", args=[pupil.uuid]),
        can_edit=access >= Access.EDIT,
    )


def step_form_context(pupil: Pupil, kind: str, today: datetime.date) -> dict[str, Any]:
    """What the form for a new step shows beside its fields: why the step may not be
    added now (if so), and for a penalty notice each parent's terms, worked out."""
    parents = parents_of(pupil)
    situation = situation_for(pupil, today, parents=parents)
    return {
        "kind": kind,
        "kind_label": KIND_LABELS[kind],
        "blocker": rules.blocker(kind, situation),
        "penalty_terms": (
            penalty_terms_by_parent(situation, parents, today)
            if kind == rules.PENALTY_NOTICE
            else []
        ),
    }


CSV_HEADER = ["Step", "Status", "Date", "Owner", "Addressed to", "Review date", "Outcome"]
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def ladder_csv(steps: Iterable[LadderStep]) -> str:
    """A pupil's ladder steps as CSV, with a byte order mark so spreadsheets read UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for step in steps:
        row = [
            step.get_kind_display(),
            step.get_status_display(),
            step.date.isoformat(),
            step.owner.get_full_name() or step.owner.username,
            f"{step.parent.name} ({step.parent.relationship})" if step.parent else "",
            step.review_on.isoformat() if step.review_on else "",
            step.outcome,
        ]
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


# --- writes --------------------------------------------------------------------


def _require_edit(actor: User, pupil: Pupil) -> None:
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's attendance ladder.")


def _panel_details(details: dict[str, Any], review_on: datetime.date | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    target = details.get("target_attendance")
    try:
        value = Decimal(str(target))
    except ArithmeticError:
        value = Decimal(-1)
    if target in (None, "") or not Decimal(0) <= value <= Decimal(100):
        errors["target_attendance"] = "Enter the target attendance as a per cent from 0 to 100."
    if not str(details.get("agreed_actions", "")).strip():
        errors["agreed_actions"] = "Enter the actions agreed at the meeting."
    if review_on is None:
        errors["review_on"] = "Enter the date the targets will be reviewed."
    if errors:
        raise ValidationError(errors)
    return {
        "target_attendance": str(value),
        "agreed_actions": str(details["agreed_actions"]).strip(),
        "contract_agreed": bool(details.get("contract_agreed")),
    }


@transaction.atomic
def ladder_step_add(
    *,
    actor: User,
    pupil: Pupil,
    kind: str,
    date: datetime.date,
    owner: User,
    parent: Contact | None = None,
    review_on: datetime.date | None = None,
    details: dict[str, Any] | None = None,
) -> LadderStep:
    """Add a planned step to the pupil's ladder, if the ladder's rules allow it now.

    Letters and notices go to a parent with parental responsibility, by the parent's
    preferred channel; a penalty notice's amount is worked out here, never typed.
    """
    _require_edit(actor, pupil)
    # One step at a time per pupil, so two notices cannot both pass the limit check.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    if kind not in rules.ORDER:
        raise ValidationError({"kind": "Choose a step of the ladder."})
    if pupil_access(owner, pupil) < Access.EDIT:
        raise ValidationError({"owner": "The owner must be someone who may change this record."})
    if review_on is not None and review_on < date:
        raise ValidationError({"review_on": "The review date must be on or after the step's date."})
    parents = parents_of(pupil)
    if parent is not None and parent.pk not in {p.pk for p in parents}:
        raise ValidationError({"parent": "Choose a parent or carer with parental responsibility."})
    if kind in rules.TO_A_PARENT and parent is None:
        raise ValidationError({"parent": "Choose the parent or carer this is addressed to."})
    today = timezone.localdate()
    signals = raised_signals(pupil, min(date, today))
    situation = situation_for(pupil, date, signals=signals, parents=parents)
    reason = rules.blocker(kind, situation)
    if kind == rules.PENALTY_NOTICE and parent is not None:
        reason = reason or rules.penalty_blocker(situation, parent.pk, date)
    if reason:
        raise ValidationError({"parent" if kind == rules.PENALTY_NOTICE else "kind": reason})
    stored: dict[str, Any] = {}
    if kind == rules.PANEL:
        stored.update(_panel_details(details or {}, review_on))
    if kind == rules.PENALTY_NOTICE and parent is not None:
        notices = [s for s in situation.steps if s.kind == kind and s.parent == parent.pk]
        stored.update(rules.penalty_terms(date, notices).as_details())
    if parent is not None:
        stored["channel"] = parent.preferred_channel
    step = LadderStep.objects.create(
        pupil=pupil,
        kind=kind,
        date=date,
        owner=owner,
        parent=parent,
        review_on=review_on,
        details=stored,
        created_by=actor,
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=step, what=f"ladder {kind}"
    )
    return step


def _locked(actor: User, step: LadderStep, expected_version: int) -> LadderStep:
    _require_edit(actor, step.pupil)
    locked = LadderStep.objects.select_for_update().select_related("pupil").get(pk=step.pk)
    if locked.version != expected_version:
        raise StaleStep(
            "Someone else changed this step while you were looking at it. "
            "Here it is as it is now: check it, then try again if you still need to."
        )
    return locked


@transaction.atomic
def ladder_step_complete(
    *, actor: User, step: LadderStep, outcome: str, expected_version: int
) -> LadderStep:
    """Mark a planned step done, with its outcome."""
    locked = _locked(actor, step, expected_version)
    if locked.status != LadderStep.Status.PLANNED:
        raise ValidationError(f"This step is already {locked.get_status_display().lower()}.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter the outcome of this step."})
    locked.status = LadderStep.Status.DONE
    locked.outcome = outcome.strip()[:200]
    locked.version += 1
    locked.save(update_fields=["status", "outcome", "version"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=locked.pupil,
        obj=locked,
        what=f"ladder {locked.kind} done",
    )
    return locked


@transaction.atomic
def ladder_step_withdraw(
    *, actor: User, step: LadderStep, reason: str, expected_version: int
) -> LadderStep:
    """Withdraw a step, planned or done (a withdrawn penalty notice no longer counts)."""
    locked = _locked(actor, step, expected_version)
    if locked.status == LadderStep.Status.WITHDRAWN:
        raise ValidationError("This step is already withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the step is withdrawn."})
    if locked.outcome:
        locked.details = {**locked.details, "outcome_before_withdrawal": locked.outcome}
    locked.status = LadderStep.Status.WITHDRAWN
    locked.outcome = reason.strip()[:200]
    locked.version += 1
    locked.save(update_fields=["status", "outcome", "details", "version"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=locked.pupil,
        obj=locked,
        what=f"ladder {locked.kind} withdrawn",
    )
    return locked

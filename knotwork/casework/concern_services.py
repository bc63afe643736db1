"""Every change to concerns and trigger rules.

Concerns raised by the trigger points are written in bulk (``concerns_raise``), one audit
row for each concern created; those staff raise by hand, and everything done about a
concern (acknowledged, dismissed with a reason, referred, a case opened), go through one
function each: keyword-only, atomic, access-checked (edit access to the pupil),
validated and audited. Changes refuse a stale ``expected_version`` so two people acting
at once are told.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.casework import triggers
from knotwork.casework.models import Concern, Referral, TriggerRule
from knotwork.casework.trigger_queries import trigger_facts
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.core.request_context import current_origin
from knotwork.directory.models import Partnership
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Enrolment, Pupil

BATCH_SIZE = 1000


class StaleConcern(ValidationError):
    """Someone else acted on the concern since it was read."""


# --- trigger rules ---------------------------------------------------------------------------


@transaction.atomic
def trigger_rules_adopt_defaults(
    *, partnership: Partnership, actor: User | None = None
) -> list[TriggerRule]:
    """Give the partnership the default trigger points (``triggers.DEFAULT_RULES``) it does
    not have a rule of that kind for yet; answers the rules created."""
    held = set(TriggerRule.objects.filter(partnership=partnership).values_list("kind", flat=True))
    made = [
        TriggerRule(
            partnership=partnership,
            kind=kind,
            threshold=threshold,
            window_school_days=window,
            active=active,
            created_by=actor,
        )
        for kind, threshold, window, active in triggers.DEFAULT_RULES
        if kind not in held
    ]
    TriggerRule.objects.bulk_create(made)
    return made


def rule_figures(rule: TriggerRule) -> triggers.Rule:
    return triggers.Rule(
        id=rule.pk,
        kind=rule.kind,
        threshold=rule.threshold,
        window_school_days=rule.window_school_days,
    )


# --- raised by the trigger points --------------------------------------------------------------


def _audit_rows(
    actor: User | None, concerns: Sequence[Concern], action: str, what: str
) -> list[AuditEntry]:
    """The rows ``audit_record`` would write, one a concern, for writing in bulk."""
    origin = current_origin()
    label = Concern._meta.label_lower
    return [
        AuditEntry(
            actor=actor,
            action=action,
            pupil_id=c.pupil_id,
            object_type=label,
            object_id=str(c.uuid),
            what=what[:120],
            request_id=origin.request_id,
            ip_address=origin.ip_address,
        )
        for c in concerns
    ]


@transaction.atomic
def concerns_raise(
    *, firings: Iterable[triggers.Firing], actor: User | None = None
) -> Counter[int]:
    """Write a concern for each firing whose rule, pupil and key have none yet, and an
    audit row for each; answers how many were created per rule id."""
    wanted: dict[tuple[int, int, str], triggers.Firing] = {}
    for firing in firings:
        wanted.setdefault((firing.rule_id, firing.pupil_id, firing.key), firing)
    created: Counter[int] = Counter()
    if not wanted:
        return created
    rule_ids = sorted({rule_id for rule_id, _, _ in wanted})
    held = set(
        Concern.objects.filter(source=Concern.Source.TRIGGER, rule_id__in=rule_ids).values_list(
            "rule_id", "pupil_id", "key"
        )
    )
    new = [
        Concern(
            pupil_id=f.pupil_id,
            setting_id=f.setting_id,
            source=Concern.Source.TRIGGER,
            rule_id=f.rule_id,
            key=f.key[:80],
            summary=f.summary[:300],
            evidence=f.evidence,
            fired_on=f.fired_on,
        )
        for identity, f in wanted.items()
        if (identity[0], identity[1], identity[2][:80]) not in held
    ]
    Concern.objects.bulk_create(new, batch_size=BATCH_SIZE)
    AuditEntry.objects.bulk_create(
        _audit_rows(actor, new, AuditEntry.Action.CREATE, "concern raised by trigger point"),
        batch_size=BATCH_SIZE,
    )
    created.update(c.rule_id for c in new if c.rule_id is not None)
    return created


@dataclass(frozen=True)
class TriggersRun:
    on: datetime.date
    pupils: int
    raised: dict[TriggerRule, int]
    fired: dict[TriggerRule, int]


def triggers_run(
    *, partnership: Partnership, on: datetime.date, actor: User | None = None
) -> TriggersRun:
    """Evaluate every active trigger rule of the partnership on a day and raise the
    concerns that are new."""
    rules = list(TriggerRule.objects.filter(partnership=partnership, active=True))
    figures = {rule.pk: rule_figures(rule) for rule in rules}
    facts = trigger_facts(partnership, on, figures.values())
    firings = {rule.pk: triggers.evaluate(figures[rule.pk], facts) for rule in rules}
    created = concerns_raise(firings=[f for found in firings.values() for f in found], actor=actor)
    return TriggersRun(
        on=on,
        pupils=len(facts.roll),
        raised={rule: created.get(rule.pk, 0) for rule in rules},
        fired={rule: len(firings[rule.pk]) for rule in rules},
    )


# --- raised by staff -------------------------------------------------------------------------


def _require_edit(actor: User, pupil: Pupil) -> None:
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's concerns.")


@transaction.atomic
def concern_raise(
    *, actor: User, pupil: Pupil, sign: str, note: str, today: datetime.date
) -> Concern:
    """A member of staff raises a concern about a pupil they may edit: the sign they
    noticed and what they saw. It goes on the worklist of the pupil's setting."""
    _require_edit(actor, pupil)
    errors: dict[str, str] = {}
    if sign not in Concern.Sign.values:
        errors["sign"] = "Choose the sign you noticed."
    if not note.strip():
        errors["note"] = "Say what you noticed."
    enrolment = (
        Enrolment.objects.current(today).filter(pupil=pupil).order_by("start_date", "pk").first()
    )
    if enrolment is None:
        errors.setdefault("sign", "The pupil is not on roll at a setting today.")
    if errors:
        raise ValidationError(errors)
    assert enrolment is not None
    label = Concern.Sign(sign).label
    concern = Concern.objects.create(
        pupil=pupil,
        setting_id=enrolment.setting_id,
        source=Concern.Source.STAFF,
        sign=sign,
        summary=f"Raised by staff on {triggers.long_date(today)}: {label.lower()}.",
        note=note.strip(),
        fired_on=today,
        raised_by=actor,
    )
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, pupil=pupil, obj=concern, what="concern"
    )
    return concern


# --- acting on a concern -------------------------------------------------------------------------


def _locked(actor: User, concern: Concern, expected_version: int | None) -> Concern:
    locked = Concern.objects.select_for_update().select_related("pupil").get(pk=concern.pk)
    _require_edit(actor, locked.pupil)
    if expected_version is not None and locked.version != expected_version:
        raise StaleConcern(
            "Someone else acted on this concern since you opened the page. "
            "Look at it again before you act."
        )
    if locked.status not in Concern.ACTIVE:
        raise ValidationError(
            f"This concern is {locked.get_status_display().lower()}; it is no longer open."
        )
    return locked


def _act(actor: User, concern: Concern, status: str, what: str, **fields: object) -> Concern:
    concern.status = status
    concern.acted_by = actor
    concern.acted_at = timezone.now()
    concern.version += 1
    for name, value in fields.items():
        setattr(concern, name, value)
    concern.save(update_fields=["status", "acted_by", "acted_at", "version", *fields])
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, pupil=concern.pupil, obj=concern, what=what
    )
    return concern


@transaction.atomic
def concern_acknowledge(*, actor: User, concern: Concern, expected_version: int) -> Concern:
    """Someone has seen the concern and is looking into it."""
    locked = _locked(actor, concern, expected_version)
    if locked.status == Concern.Status.ACKNOWLEDGED:
        raise ValidationError("This concern has already been acknowledged.")
    return _act(actor, locked, Concern.Status.ACKNOWLEDGED, "concern acknowledged")


@transaction.atomic
def concern_dismiss(
    *, actor: User, concern: Concern, expected_version: int, reason: str
) -> Concern:
    """Nothing more to do: dismissed, with the reason (required)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the concern is dismissed."})
    if len(reason) > 300:
        raise ValidationError({"reason": "Say why in 300 characters or fewer."})
    locked = _locked(actor, concern, expected_version)
    return _act(
        actor, locked, Concern.Status.DISMISSED, "concern dismissed", dismissed_reason=reason
    )


@transaction.atomic
def concern_mark_referred(*, actor: User, concern: Concern, referral: Referral) -> Concern:
    """The concern became this referral (called by ``referral_services`` when a referral
    is sent from a concern)."""
    if referral.pupil_id != concern.pupil_id:
        raise ValidationError("The referral is about another pupil.")
    locked = _locked(actor, concern, None)
    return _act(actor, locked, Concern.Status.REFERRED, "concern referred")


@transaction.atomic
def concern_mark_case_opened(*, actor: User, concern: Concern, case: models.Model) -> Concern:
    """A case was opened around the pupil from this concern."""
    if getattr(case, "pupil_id", concern.pupil_id) != concern.pupil_id:
        raise ValidationError("The case is about another pupil.")
    locked = _locked(actor, concern, None)
    return _act(actor, locked, Concern.Status.CASE_OPENED, "concern became a case")


def concern_worklist_export_audit(*, actor: User, concerns: Sequence[Concern]) -> None:
    """One EXPORT row on each pupil's trail for a worklist taken away as a file."""
    AuditEntry.objects.bulk_create(
        _audit_rows(actor, concerns, AuditEntry.Action.EXPORT, "concern worklist CSV"),
        batch_size=BATCH_SIZE,
    )

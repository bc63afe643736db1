"""Every change to a managed move: access-checked, validated, atomic and audited.

The roll follows the move (england.md 5.1: practice is a short dual registration that
then becomes the permanent move). When the trial starts the home school's enrolment
becomes the main registration (M) and the receiving school adds a subsidiary one (S), so
both schools' staff see the pupil. Made permanent on a day, the home enrolment and the
subsidiary one end the day before and the pupil goes on the receiving school's roll as a
single registration from that day. Returned or broken down, the subsidiary enrolment
ends the day before and the home one stays the main registration: it was dual for the
trial, and a single registration there would overlap the ended subsidiary one, which the
enrolment rules (``pupils.rules.enrolment_conflict``) do not allow.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from knotwork.accounts.models import User
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.placements.move_models import ManagedMove, ManagedMoveReview
from knotwork.placements.move_rules import earliest_trial_end, trial_long_enough
from knotwork.placements.panel_models import AgendaItem
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.rules import Span, enrolment_conflict

CREATE = AuditEntry.Action.CREATE
UPDATE = AuditEntry.Action.UPDATE
DAY = datetime.timedelta(days=1)
C, M, S = (
    Enrolment.Registration.SINGLE,
    Enrolment.Registration.MAIN,
    Enrolment.Registration.SUBSIDIARY,
)


def trial_weeks() -> int:
    return int(settings.KNOTWORK_MANAGED_MOVE_TRIAL_WEEKS)


def _require_edit(actor: User, pupil: Pupil) -> None:
    if pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not change this pupil's record.")


def _home_enrolment(pupil: Pupil, setting: Setting, on: datetime.date) -> Enrolment:
    home = Enrolment.objects.current(on).filter(pupil=pupil, setting=setting).first()
    if home is None:
        raise ValidationError({"from_setting": "The pupil is not on this school's roll then."})
    return home


def _audit_enrolment(actor: User, enrolment: Enrolment, action: str, what: str = "") -> None:
    audit_record(actor=actor, action=action, pupil=enrolment.pupil, obj=enrolment, what=what)


def _add_enrolment(
    actor: User, pupil: Pupil, setting: Setting, start: datetime.date, registration: str
) -> Enrolment:
    existing = [
        Span(e.start_date, e.end_date, e.registration, e.setting_id)
        for e in Enrolment.objects.filter(pupil=pupil)
    ]
    clash = enrolment_conflict(Span(start, None, registration, setting.pk), existing)
    if clash is not None:
        raise ValidationError("The pupil's enrolments do not allow this move on that day.")
    enrolment = Enrolment.objects.create(
        pupil=pupil, setting=setting, start_date=start, registration=registration
    )
    _audit_enrolment(actor, enrolment, CREATE, "managed move")
    return enrolment


@transaction.atomic
def move_agree(
    *,
    actor: User,
    pupil: Pupil,
    from_setting: Setting,
    to_setting: Setting,
    reason: str,
    support: str,
    parent_agreed_on: datetime.date | None,
    pupil_agreed_on: datetime.date | None,
    starts_on: datetime.date,
    trial_ends_on: datetime.date | None = None,
    agenda_item: AgendaItem | None = None,
) -> ManagedMove:
    """Record an agreed managed move and start its trial: dual registration from the
    start day. The parents must have agreed (a managed move is voluntary), and the trial
    lasts at least KNOTWORK_MANAGED_MOVE_TRIAL_WEEKS."""
    _require_edit(actor, pupil)
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    weeks = trial_weeks()
    trial_ends_on = trial_ends_on or earliest_trial_end(starts_on, weeks)
    errors: dict[str, str] = {}
    if from_setting.pk == to_setting.pk:
        errors["to_setting"] = "A managed move is to another school."
    if parent_agreed_on is None:
        errors["parent_agreed_on"] = "A managed move needs the parents' agreement."
    elif parent_agreed_on > starts_on:
        errors["parent_agreed_on"] = "The parents agree before the move starts."
    if not trial_long_enough(starts_on, trial_ends_on, weeks):
        errors["trial_ends_on"] = f"The trial lasts at least {weeks} weeks."
    if not reason.strip():
        errors["reason"] = "Say why the move is proposed."
    if agenda_item is not None and agenda_item.pupil_id != pupil.pk:
        errors["agenda_item"] = "That agenda item is about another pupil."
    if errors:
        raise ValidationError(errors)
    if ManagedMove.objects.filter(pupil=pupil, status=ManagedMove.Status.TRIAL).exists():
        raise ValidationError("The pupil is already in the trial of a managed move.")
    home = _home_enrolment(pupil, from_setting, starts_on)
    if home.registration == S:
        raise ValidationError({"from_setting": "The move starts from the pupil's main school."})
    if home.registration == C:
        home.registration = M
        home.save(update_fields=["registration"])
        _audit_enrolment(actor, home, UPDATE, "registration")
    _add_enrolment(actor, pupil, to_setting, starts_on, S)
    move = ManagedMove(
        pupil=pupil,
        from_setting=from_setting,
        to_setting=to_setting,
        reason=reason.strip(),
        support=support.strip(),
        parent_agreed_on=parent_agreed_on,
        pupil_agreed_on=pupil_agreed_on,
        starts_on=starts_on,
        trial_ends_on=trial_ends_on,
        agenda_item=agenda_item,
        proposed_by=actor,
    )
    move.full_clean()
    move.save()
    audit_record(actor=actor, action=CREATE, pupil=pupil, obj=move, what="managed move")
    return move


@transaction.atomic
def move_review_record(
    *,
    actor: User,
    move: ManagedMove,
    held_on: datetime.date,
    progress: str,
    notes: str = "",
) -> ManagedMoveReview:
    _require_edit(actor, move.pupil)
    if move.status != ManagedMove.Status.TRIAL:
        raise ValidationError("Reviews are held during the trial.")
    if held_on < move.starts_on:
        raise ValidationError({"held_on": "A review is held after the move starts."})
    if progress not in ManagedMoveReview.Progress.values:
        raise ValidationError({"progress": "Say how the move is going."})
    review = ManagedMoveReview.objects.create(
        move=move, held_on=held_on, progress=progress, notes=notes.strip(), recorded_by=actor
    )
    audit_record(actor=actor, action=CREATE, pupil=move.pupil, obj=review, what="move review")
    return review


def _trial_enrolments(move: ManagedMove) -> tuple[Enrolment | None, Enrolment | None]:
    on = move.starts_on
    found = Enrolment.objects.filter(pupil=move.pupil, start_date__lte=on).filter(
        end_date__isnull=True
    )
    home = found.filter(setting=move.from_setting).first()
    trial = found.filter(setting=move.to_setting, registration=S).first()
    return home, trial


def _end(actor: User, enrolment: Enrolment | None, on: datetime.date) -> None:
    if enrolment is None:
        return
    enrolment.end_date = max(on, enrolment.start_date)
    enrolment.save(update_fields=["end_date"])
    _audit_enrolment(actor, enrolment, UPDATE, "end_date")


@transaction.atomic
def move_outcome_record(
    *, actor: User, move: ManagedMove, status: str, on: datetime.date
) -> ManagedMove:
    """End the trial: made permanent from ``on`` (the day the move is finalised), or
    returned or broken down on ``on``. The enrolments follow (see the module)."""
    _require_edit(actor, move.pupil)
    Pupil.objects.select_for_update().filter(pk=move.pupil_id).first()
    if move.status != ManagedMove.Status.TRIAL:
        raise ValidationError("This move's outcome is already recorded.")
    ending = {
        ManagedMove.Status.PERMANENT,
        ManagedMove.Status.RETURNED,
        ManagedMove.Status.BROKE_DOWN,
    }
    if status not in ending:
        raise ValidationError({"status": "Choose how the move ended."})
    if on <= move.starts_on:
        raise ValidationError({"on": "The outcome comes after the move starts."})
    if status == ManagedMove.Status.PERMANENT and on < move.trial_ends_on:
        raise ValidationError({"on": "A move is made permanent at the end of its trial."})
    home, trial = _trial_enrolments(move)
    if status == ManagedMove.Status.PERMANENT:
        _end(actor, home, on - DAY)
        _end(actor, trial, on - DAY)
        _add_enrolment(actor, move.pupil, move.to_setting, on, C)
        move.finalised_on = on
    else:
        _end(actor, trial, on - DAY)
    move.status = status
    move.ended_on = on
    move.full_clean()
    move.save(update_fields=["status", "ended_on", "finalised_on"])
    audit_record(actor=actor, action=UPDATE, pupil=move.pupil, obj=move, what=f"move {status}")
    return move

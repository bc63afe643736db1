"""Every write about notices: telling a case's team what happened, reading a notice,
a user's email rhythm, the purpose each member is told for, and the digests.

The ``notice_*`` calls that tell a team are made by the services where the change
happens (the plan, reviews, suspensions, a pupil missing from school), inside their
transaction: the notices are saved with the change, and the straight-away emails go
only once it has committed. Who is told for what is ``rules.who_is_told``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.attendance.models import FirstDayContact
from knotwork.behaviour.models import Exclusion
from knotwork.casework.case_models import Case, PlanAction, Review
from knotwork.casework.case_queries import may_manage_case
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.notices import rules
from knotwork.notices.mail import Line, digest_email, single_email
from knotwork.notices.models import Notice, NoticePreference, Purpose, Rhythm, TeamPurpose
from knotwork.notices.queries import (
    pending_by_recipient,
    rhythms_of,
    still_visible,
    team_purposes,
    team_seats,
)
from knotwork.pupils.access import visible_among
from knotwork.pupils.models import Pupil


def case_link(case: Case) -> str:
    """The case page's address, by the case's UUID, as an email gives it."""
    return settings.KNOTWORK_SITE_URL.rstrip("/") + reverse("casework:case", args=[case.uuid])


# --- Telling the team ---------------------------------------------------------------------------


@transaction.atomic
def _tell(*, actor: User | None, case: Case, kind: str) -> list[Notice]:
    today = timezone.localdate()
    seats = team_seats(case, today)
    actor_id = actor.pk if actor is not None else None
    users = User.objects.in_bulk({s.user_id for s in seats} - {actor_id})
    may_see = {
        pk
        for pk, user in users.items()
        if user.is_active and visible_among(user, [case.pupil_id], today)
    }
    told = rules.who_is_told(seats, actor_id=actor_id, may_see=may_see)
    if not told:
        return []
    rhythms = rhythms_of(list(told))
    notices = Notice.objects.bulk_create(
        Notice(
            recipient_id=user_id,
            case=case,
            pupil_id=case.pupil_id,
            kind=kind,
            purpose=purpose,
            by=actor,
            email=rules.email_state(rhythms[user_id], bool(users[user_id].email)),
        )
        for user_id, purpose in told.items()
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        pupil=case.pupil,
        obj=case,
        what=f"notices: {kind} to {len(notices)}",
    )
    now_ids = [
        n.pk
        for n in notices
        if n.email == Notice.Email.PENDING and rhythms[n.recipient_id] == Rhythm.IMMEDIATELY
    ]
    if now_ids:
        # Robust: a mail server that is down must not fail a change already saved.
        transaction.on_commit(partial(notices_email_now, now_ids), robust=True)
    return notices


def notice_action_added(*, actor: User, action: PlanAction) -> list[Notice]:
    """Tell the team an action was added to the plan."""
    return _tell(actor=actor, case=action.case, kind=Notice.Kind.ACTION_ADDED)


def notice_action_changed(*, actor: User, action: PlanAction) -> list[Notice]:
    """Tell the team one of the plan's actions changed."""
    return _tell(actor=actor, case=action.case, kind=Notice.Kind.ACTION_CHANGED)


def notice_review_booked(*, actor: User, case: Case) -> list[Notice]:
    """Tell the team a review has been booked."""
    return _tell(actor=actor, case=case, kind=Notice.Kind.REVIEW_BOOKED)


def notice_review_recorded(*, actor: User, review: Review) -> list[Notice]:
    """Tell the team a review was recorded."""
    return _tell(actor=actor, case=review.case, kind=Notice.Kind.REVIEW_RECORDED)


def _open_cases(pupil: Pupil) -> Iterable[Case]:
    return Case.objects.filter(pupil=pupil, status=Case.Status.OPEN).select_related("pupil")


def notice_exclusion_issued(*, actor: User, exclusion: Exclusion) -> list[Notice]:
    """Tell the team of each of the pupil's open cases that the pupil was suspended or
    permanently excluded."""
    kind = rules.EXCLUSION_KINDS[exclusion.kind]
    return [
        n for case in _open_cases(exclusion.pupil) for n in _tell(actor=actor, case=case, kind=kind)
    ]


def notice_missing_from_school(*, actor: User, contact: FirstDayContact) -> list[Notice]:
    """Tell the team of each of the pupil's open cases that the pupil is missing from
    school: the first time on a day that an absence with no reason, after the call home,
    needs a home visit (``rules.means_missing``)."""
    earlier = FirstDayContact.objects.filter(
        pupil_id=contact.pupil_id, date=contact.date, outcome=contact.outcome
    ).exclude(pk=contact.pk)
    if not rules.means_missing(contact.outcome, told_before=earlier.exists()):
        return []
    kind = Notice.Kind.MISSING
    cases = _open_cases(contact.pupil)
    return [n for case in cases for n in _tell(actor=actor, case=case, kind=kind)]


# --- Email ----------------------------------------------------------------------------------


def _send(messages: list[EmailMessage]) -> None:
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)


def notices_email_now(notice_ids: Iterable[int]) -> int:
    """Email each of these notices still waiting, one email each: run once the change
    that made them has committed. Returns how many went."""
    now = timezone.now()
    with transaction.atomic():
        waiting = list(
            Notice.objects.select_for_update()
            .filter(pk__in=list(notice_ids), email=Notice.Email.PENDING)
            .select_related("recipient", "case")
        )
        messages = []
        for notice in waiting:
            subject, body = single_email(Line(notice.kind, notice.purpose, case_link(notice.case)))
            messages.append(EmailMessage(subject, body, to=[notice.recipient.email]))
        Notice.objects.filter(pk__in=[n.pk for n in waiting]).update(
            email=Notice.Email.SENT, emailed_at=now
        )
        _send(messages)
    return len(messages)


def notice_digest_send(*, rhythm: str, on: datetime.date | None = None) -> int:
    """Send each user whose rhythm this is one email of their waiting notices, of those
    they may still see; the rest stay in knotwork only. Returns how many emails went."""
    if rhythm not in (Rhythm.DAILY, Rhythm.WEEKLY):
        raise ValueError(f"No digest for the rhythm {rhythm!r}.")
    on = on or timezone.localdate()
    now = timezone.now()
    sent = 0
    for user, notices in pending_by_recipient(rhythm).items():
        with transaction.atomic():
            ids = [n.pk for n in notices]
            locked = list(
                Notice.objects.select_for_update()
                .filter(pk__in=ids, email=Notice.Email.PENDING)
                .values_list("pk", flat=True)
            )
            waiting = Notice.objects.filter(pk__in=locked)
            still = set(still_visible(waiting, user, on).values_list("pk", flat=True))
            lines = [Line(n.kind, n.purpose, case_link(n.case)) for n in notices if n.pk in still]
            Notice.objects.filter(pk__in=ids, email=Notice.Email.PENDING).exclude(
                pk__in=still
            ).update(email=Notice.Email.NONE)
            if not lines or not user.is_active or not user.email:
                Notice.objects.filter(pk__in=still).update(email=Notice.Email.NONE)
                continue
            Notice.objects.filter(pk__in=still).update(email=Notice.Email.SENT, emailed_at=now)
            subject, body = digest_email(rhythm, lines)
            _send([EmailMessage(subject, body, to=[user.email])])
            sent += 1
    return sent


# --- The reader's own -----------------------------------------------------------------------


@transaction.atomic
def notice_mark_read(*, actor: User, notice: Notice) -> Notice:
    """The reader marks one of their notices read (once; reading again changes nothing)."""
    if notice.recipient_id != actor.pk:
        raise PermissionDenied("That notice is someone else's.")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            pupil=notice.pupil,
            obj=notice,
            what="notice read",
        )
    return notice


@transaction.atomic
def notice_preference_set(*, actor: User, rhythm: str) -> NoticePreference:
    """The user chooses how often their notices reach them by email. Notices waiting for
    a digest wait for the new one, or stay in knotwork only (``rules.pending_after_change``)."""
    if rhythm not in Rhythm.values:
        raise ValidationError({"rhythm": "Choose how often knotwork emails you."})
    preference, _ = NoticePreference.objects.update_or_create(
        user=actor, defaults={"rhythm": rhythm}
    )
    if rules.pending_after_change(rhythm) == Notice.Email.NONE:
        Notice.objects.filter(recipient=actor, email=Notice.Email.PENDING).update(
            email=Notice.Email.NONE
        )
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, what=f"notice rhythm: {rhythm}")
    return preference


@transaction.atomic
def notice_purposes_set(*, actor: User, case: Case, purposes: Mapping[int, str]) -> int:
    """Set what each person on the case's team is told for, by user id; those who manage
    the case (its lead, or those who may change the pupil's record) may. Returns how
    many changed."""
    today = timezone.localdate()
    if not may_manage_case(actor, case, today):
        raise PermissionDenied("You may not change who is told what on this case.")
    rows = {row.user.pk: row for row in team_purposes(case, today)}
    errors = {}
    for user_id, purpose in purposes.items():
        if user_id not in rows:
            errors[f"purpose_{user_id}"] = "They are not on the team."
        elif purpose not in Purpose.values:
            errors[f"purpose_{user_id}"] = "Choose what they are told for."
    if errors:
        raise ValidationError(errors)
    changed = 0
    for user_id, purpose in purposes.items():
        row = rows[user_id]
        if row.purpose == purpose and row.chosen:
            continue
        TeamPurpose.objects.update_or_create(
            case=case, user_id=user_id, defaults={"purpose": purpose, "set_by": actor}
        )
        changed += 1
    if changed:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            pupil=case.pupil,
            obj=case,
            what=f"notice purposes: {changed}",
        )
    return changed

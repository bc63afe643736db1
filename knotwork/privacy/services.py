"""Every change the privacy app makes: opening a record by breaking glass, and the data
protection lead's review of it. Keyword-only, atomic, access-checked and audited.

The lead is told of each use by email with no personal data in it: no names, no
reason, only a link to the use by its UUID."""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership
from knotwork.privacy.models import BreakGlass, DataProtectionLead
from knotwork.privacy.queries import (
    break_glass_partnership,
    led_partnership_ids,
    only_a_board_member,
)
from knotwork.pupils.access import visible_among
from knotwork.pupils.models import Pupil

logger = logging.getLogger(__name__)

REASON_MAX = 2000
NOTICE_SUBJECT = "knotwork: a record was opened by breaking glass"


def break_glass_window() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.KNOTWORK_BREAK_GLASS_HOURS)


def _lead_addresses(partnership: Partnership, on: datetime.date) -> list[str]:
    leads = DataProtectionLead.objects.current(on).filter(partnership=partnership)
    return sorted({lead.user.email for lead in leads.select_related("user") if lead.user.email})


def _notice_body(break_glass: BreakGlass, site_url: str) -> str:
    link = site_url.rstrip("/") + reverse("privacy:review", args=[break_glass.uuid])
    return (
        "Someone in your partnership opened a pupil's record by breaking glass, giving a "
        "safeguarding reason.\n\n"
        "As the partnership's data protection lead, please review it:\n"
        f"{link}\n\n"
        "Sign in to see who, which record and why. This email holds no personal data."
    )


def _send_notice(break_glass: BreakGlass, recipients: list[str], site_url: str) -> None:
    try:
        send_mail(
            NOTICE_SUBJECT,
            _notice_body(break_glass, site_url),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except (smtplib.SMTPException, OSError):
        # The use is on the lead's report whatever happens to the email.
        logger.warning("break glass notice %s could not be sent", break_glass.uuid)


@transaction.atomic
def break_glass_open(*, actor: User, pupil: Pupil, reason: str, site_url: str) -> BreakGlass:
    """Open one pupil's record to ``actor`` for the break-glass window, with their reason,
    reported to the data protection lead of the partnership they share with the pupil.

    Refused (PermissionDenied) for board members and for anyone who shares no
    partnership with the pupil; refused (ValidationError) with no reason, or when the
    actor can already see the record."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why you need to open this record.", code="no_reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Say why in {REASON_MAX} characters or fewer.", code="too_long")
    if only_a_board_member(actor):
        raise PermissionDenied("Board members cannot break glass.")
    partnership = break_glass_partnership(actor, pupil)
    if partnership is None:
        raise PermissionDenied("You cannot break glass for this pupil.")
    if visible_among(actor, [pupil.pk]):
        raise ValidationError("You can already see this record.", code="already_visible")
    opened_at = timezone.now()
    break_glass = BreakGlass.objects.create(
        user=actor,
        pupil=pupil,
        partnership=partnership,
        reason=reason,
        opened_at=opened_at,
        ends_at=opened_at + break_glass_window(),
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        pupil=pupil,
        obj=break_glass,
        what="break glass opened",
    )
    recipients = _lead_addresses(partnership, timezone.localdate())
    if recipients:
        transaction.on_commit(lambda: _send_notice(break_glass, recipients, site_url))
    return break_glass


@transaction.atomic
def break_glass_review(*, actor: User, break_glass: BreakGlass, note: str) -> BreakGlass:
    """The data protection lead marks a use reviewed, with their note."""
    if break_glass.partnership_id not in led_partnership_ids(actor, timezone.localdate()):
        raise PermissionDenied("Only the partnership's data protection lead reviews this.")
    locked = BreakGlass.objects.select_for_update().get(pk=break_glass.pk)
    if locked.reviewed_at is not None:
        raise ValidationError("This use has already been reviewed.", code="reviewed")
    note = note.strip()
    if not note:
        raise ValidationError("Say what you found.", code="no_note")
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = actor
    locked.review_note = note
    locked.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        pupil=locked.pupil,
        obj=locked,
        what="break glass reviewed",
    )
    return locked


def break_glass_report_audit(*, actor: User, uses: Sequence[BreakGlass]) -> None:
    """One VIEW row on each pupil's trail for the uses a page of the report shows."""
    audit_record_many(
        actor=actor,
        action=AuditEntry.Action.VIEW,
        records=[(use.pupil_id, use) for use in uses],
        what="break glass report",
    )

"""Who needs to know (seed 000 resource sheet 3.3): a notice to each member of a case's
team when something happens on the case, each for one purpose (information, action,
comment or response), and how often each user wants them by email.

A notice holds which case and which kind of event, never what was written: the case
page says the rest to those who may still see it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = [
    "EmailState",
    "Notice",
    "NoticeKind",
    "NoticePreference",
    "Purpose",
    "Rhythm",
    "TeamPurpose",
]


class Purpose(models.TextChoices):
    """Why someone is told (seed 000 resource sheet 3.3)."""

    INFORMATION = "information", "For information"
    ACTION = "action", "For action"
    COMMENT = "comment", "For comment"
    RESPONSE = "response", "For response"


class Rhythm(models.TextChoices):
    """How often a user's notices reach them by email."""

    IMMEDIATELY = "immediately", "Straight away"
    DAILY = "daily", "A daily digest"
    WEEKLY = "weekly", "A weekly digest, on Mondays"
    NEVER = "never", "Never: I will read them in knotwork"


class NoticePreference(models.Model):
    """A user's chosen email rhythm; a user without one gets notices straight away."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    rhythm = models.CharField(max_length=12, choices=Rhythm.choices, default=Rhythm.IMMEDIATELY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rhythm__in=Rhythm.values), name="notice_preference_rhythm_known"
            )
        ]

    def __str__(self) -> str:
        return self.get_rhythm_display()


class TeamPurpose(models.Model):
    """What one person on a case's team is told for, as the case's lead set it. Without a
    row, the lead is told for action and everyone else for information."""

    case = models.ForeignKey(
        "casework.Case", on_delete=models.PROTECT, related_name="notice_purposes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="team_purpose_once"),
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="team_purpose_known"
            ),
        ]

    def __str__(self) -> str:
        return self.get_purpose_display()


class NoticeKind(models.TextChoices):
    """What happened on the case."""

    ACTION_ADDED = "action_added", "A plan action was added"
    ACTION_CHANGED = "action_changed", "A plan action was changed"
    REVIEW_BOOKED = "review_booked", "A review was booked"
    REVIEW_RECORDED = "review_recorded", "A review was recorded"
    SUSPENDED = "suspended", "The pupil was suspended"
    EXCLUDED = "excluded", "The pupil was permanently excluded"
    MISSING = "missing", "The pupil is missing from school"


class EmailState(models.TextChoices):
    """Where a notice stands for email."""

    PENDING = "pending", "To be emailed"
    SENT = "sent", "Emailed"
    NONE = "none", "Not emailed"


class Notice(models.Model):
    """One person told that something happened on a case."""

    Kind = NoticeKind
    Email = EmailState

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="notices")
    # The case's pupil, repeated so that who may still see a notice is asked of pupils.
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who made the change; never told of it themselves.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=8, choices=EmailState.choices, default=EmailState.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_inbox_idx"),
            models.Index(
                fields=["recipient"], condition=Q(email="pending"), name="notice_email_due_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoticeKind.values), name="notice_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="notice_purpose_known"
            ),
            models.CheckConstraint(
                condition=Q(email="sent", emailed_at__isnull=False)
                | (~Q(email="sent") & Q(emailed_at__isnull=True)),
                name="notice_emailed_when_sent",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

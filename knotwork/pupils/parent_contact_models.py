"""The school's parent contact log: each contact with a parent or carer, by what
channel, which way, when, who made it, a short note, and at which setting.

Seed 002 (communication with parents: their preferred channels; the parent of a pupil
at 89% attendance who had heard nothing) and seed 000 section 4 (working with parents).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

__all__ = ["ParentContact"]


class ParentContact(models.Model):
    """One contact between the school and a pupil's parent or carer."""

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        TEXT = "text", "Text message"
        MEETING = "meeting", "Meeting in school"
        HOME_VISIT = "home_visit", "Home visit"

    class Direction(models.TextChoices):
        TO_PARENT = "to_parent", "From the school to the parent"
        FROM_PARENT = "from_parent", "From the parent to the school"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="parent_contacts"
    )
    contact = models.ForeignKey(
        "pupils.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log",
        help_text="The parent or carer; empty once their contact details are removed.",
    )
    setting = models.ForeignKey("directory.Setting", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    direction = models.CharField(max_length=12, choices=Direction.choices)
    at = models.DateTimeField(help_text="When the contact was made.")
    note = models.CharField(max_length=500)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["pupil", "-at"], name="parent_contact_pupil_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    channel__in=["phone", "email", "letter", "text", "meeting", "home_visit"]
                ),
                name="parent_contact_channel_known",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["to_parent", "from_parent"]),
                name="parent_contact_direction_known",
            ),
            models.CheckConstraint(condition=~Q(note=""), name="parent_contact_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.at:%d/%m/%Y}"

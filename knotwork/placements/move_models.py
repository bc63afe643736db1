"""Managed moves: a pupil's agreed move from one school to another, its trial with
reviews, and how it ended. Whether it succeeded is worked out from the enrolments
(``move_rules.move_success``), never typed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ManagedMove(models.Model):
    class Status(models.TextChoices):
        TRIAL = "trial", "In its trial"
        PERMANENT = "permanent", "Made permanent"
        RETURNED = "returned", "Returned to the home school"
        BROKE_DOWN = "broke_down", "Broke down"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="managed_moves"
    )
    from_setting = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="moves_sent"
    )
    to_setting = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="moves_received"
    )
    reason = models.TextField()
    support = models.TextField("support offered", blank=True)
    parent_agreed_on = models.DateField(null=True, blank=True)
    pupil_agreed_on = models.DateField("pupil's views heard on", null=True, blank=True)
    agenda_item = models.ForeignKey(
        "placements.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_moves",
    )
    starts_on = models.DateField()
    trial_ends_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TRIAL)
    ended_on = models.DateField(null=True, blank=True, help_text="When the outcome was reached.")
    finalised_on = models.DateField(
        null=True, blank=True, help_text="The day the move was made permanent."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        indexes = [
            models.Index(fields=["from_setting", "starts_on"], name="move_sent_idx"),
            models.Index(fields=["to_setting", "starts_on"], name="move_received_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_setting=F("to_setting")), name="move_between_two_schools"
            ),
            models.CheckConstraint(
                condition=Q(trial_ends_on__gt=F("starts_on")), name="move_trial_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="permanent") | Q(finalised_on__isnull=False),
                name="move_permanent_is_finalised",
            ),
        ]

    def __str__(self) -> str:
        return f"Managed move from {self.starts_on:%d/%m/%Y}"


class ManagedMoveReview(models.Model):
    """A review during the trial: how it is going, and what was agreed."""

    class Progress(models.TextChoices):
        GOING_WELL = "going_well", "Going well"
        SOME_CONCERNS = "some_concerns", "Some concerns"
        AT_RISK = "at_risk", "At risk of breaking down"

    move = models.ForeignKey(ManagedMove, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    progress = models.CharField(max_length=15, choices=Progress.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Review of {self.held_on:%d/%m/%Y}"

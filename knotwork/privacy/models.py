"""Data protection around a child's record: the partnership's data protection lead, and
"break glass" uses, when someone who cannot see a pupil opens that one record for urgent
safeguarding, with a written reason, for a short window, reported to the lead.

``pupils.access`` reads open break-glass windows (read only, never edit). Facts on
sharing: ``../shared/domain/england.md`` §8 (the seven golden rules: record the decision
and the reasons).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class DataProtectionLeadQuerySet(models.QuerySet["DataProtectionLead"]):
    def current(self, on: datetime.date) -> DataProtectionLeadQuerySet:
        """Designations that have started and not ended on the day."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class DataProtectionLead(models.Model):
    """A user named as a partnership's data protection lead (DPO) for a period."""

    partnership = models.ForeignKey(
        "directory.Partnership", on_delete=models.PROTECT, related_name="data_protection_leads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_protection_leads"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Empty while they hold it.")

    objects = DataProtectionLeadQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="data_protection_lead_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"Data protection lead of {self.partnership} from {self.starts_on:%d/%m/%Y}"

    def is_current(self, on: datetime.date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class BreakGlassQuerySet(models.QuerySet["BreakGlass"]):
    def open_at(self, moment: datetime.datetime) -> BreakGlassQuerySet:
        """Windows open at that moment."""
        return self.filter(opened_at__lte=moment, ends_at__gt=moment)


class BreakGlass(models.Model):
    """One use of break glass: who opened which pupil's record, why, and for how long;
    and the data protection lead's review of it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_uses"
    )
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="break_glass_uses"
    )
    partnership = models.ForeignKey(
        "directory.Partnership",
        on_delete=models.PROTECT,
        related_name="break_glass_uses",
        help_text="Whose data protection lead it is reported to.",
    )
    reason = models.TextField(help_text="Why the record had to be opened, in the user's words.")
    opened_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        verbose_name = "break-glass use"
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["user", "ends_at"], name="break_glass_user_idx"),
            models.Index(fields=["partnership", "-opened_at"], name="break_glass_report_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("opened_at")), name="break_glass_ends_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="break_glass_reviewed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Break glass {self.opened_at:%Y-%m-%d %H:%M}"

    def is_open(self, moment: datetime.datetime) -> bool:
        return self.opened_at <= moment < self.ends_at

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None

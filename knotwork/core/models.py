"""The audit trail: every read and change of a pupil's record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditEntry(models.Model):
    """One action on personal data. Holds ids and action names, never free text about a child."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        SEARCH = "search", "Searched"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Indexed only where set (audit_actor_idx): a scheduled run acts as nobody.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    # No index of its own: audit_pupil_idx begins with it.
    pupil = models.ForeignKey(
        "pupils.Pupil",
        on_delete=models.PROTECT,
        null=True,
        related_name="audit_entries",
        db_index=False,
    )
    object_type = models.CharField(max_length=60, help_text="app_label.model of the record.")
    object_id = models.CharField(max_length=64, blank=True)
    what = models.CharField(
        max_length=120, blank=True, help_text="The page or field names involved; no values."
    )
    request_id = models.UUIDField(null=True, default=None)
    ip_address = models.GenericIPAddressField(null=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["pupil", "-at"], name="audit_pupil_idx"),
            models.Index(
                fields=["actor"], condition=Q(actor__isnull=False), name="audit_actor_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}"

"""Users and the organisations they work for, with their role in each."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in. What they may see follows from their memberships."""

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    SCHOOL_STAFF = "school_staff", "School staff"
    BA_LEADER = "ba_leader", "Behaviour and attendance leader"
    COORDINATOR = "coordinator", "Partnership coordinator"
    LA_OFFICER = "la_officer", "Local authority officer"
    AGENCY_PRACTITIONER = "agency_practitioner", "Agency practitioner"
    BOARD_MEMBER = "board_member", "Board member (read only)"


class Membership(models.Model):
    """A user's place in an organisation: the role, and whether they may change records."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    can_edit = models.BooleanField(
        default=False, help_text="May change pupils' records (never for board members)."
    )
    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org"),
            models.CheckConstraint(
                condition=~models.Q(role="board_member", can_edit=True),
                name="board_members_read_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"

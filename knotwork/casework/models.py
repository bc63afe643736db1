"""Casework around a child: the partnership's trigger points, the concerns they raise
(and those staff raise by hand), and referrals to agencies with every change of state
timed, so waiting times can be counted.

Sources: seed 000 resource sheets 1.3 and 2.2 (referrals taken on, waiting times),
seed 002 (early signs of difficulty); facts on sharing: ``../shared/domain/england.md``
§8-9.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from knotwork.pupils.models import PupilLink


class TriggerRule(models.Model):
    """A trigger point the partnership has agreed: a rule over a pupil's attendance or
    behaviour that puts a concern on their setting's worklist when it fires.

    Kinds are evaluated by ``casework.triggers``; each reads its own figures
    (``threshold``, ``window_school_days``) and a new kind plugs in there."""

    class Kind(models.TextChoices):
        ATTENDANCE_BELOW = "attendance_below", "Attendance below a rate over recent school days"
        NEWLY_PERSISTENT = "newly_persistent", "Newly persistently absent"
        PENALTY_THRESHOLD = "penalty_threshold", "Penalty notice threshold reached"
        INCIDENTS = "incidents", "Incidents within a number of school days"
        SUSPENSION = "suspension", "Any suspension"
        REPEAT_SUSPENSION = "repeat_suspension", "More than one suspension in a term"
        MANAGED_MOVE = "managed_move", "A managed move under way"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        "directory.Partnership", on_delete=models.CASCADE, related_name="trigger_rules"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    threshold = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The rule's figure: a rate in per cent, or a number of incidents or "
        "suspensions. Empty where the kind needs none.",
    )
    window_school_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Over how many school days, where the kind looks back."
    )
    stale_after_days = models.PositiveSmallIntegerField(
        default=10, help_text="A concern nobody has acted on after this many days stands out."
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "kind", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Concern(models.Model):
    """Something about a pupil that someone should look at: raised by a trigger point
    (saying which rule fired, on what data) or by a member of staff."""

    class Source(models.TextChoices):
        TRIGGER = "trigger", "Trigger point"
        STAFF = "staff", "Raised by staff"

    class Sign(models.TextChoices):
        """Early signs of difficulty a member of staff may notice (seed 002)."""

        APPEARANCE = "appearance", "Change in appearance"
        FRIENDSHIPS = "friendships", "Change in friendships"
        MORALE = "morale", "Low morale or withdrawn"
        BEHAVIOUR = "behaviour", "Change in behaviour"
        ATTENDANCE = "attendance", "Attendance or punctuality"
        WORK = "work", "Work or progress falling off"
        HOME = "home", "Something at home"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        DISMISSED = "dismissed", "Dismissed"
        REFERRED = "referred", "Referred"
        CASE_OPENED = "case_opened", "Case opened"

    #: Statuses a worklist still shows.
    ACTIVE = (Status.OPEN, Status.ACKNOWLEDGED)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # No index of their own: concern_pupil_idx and concern_worklist_idx begin with them.
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="concerns", db_index=False
    )
    setting = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    rule = models.ForeignKey(
        TriggerRule, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    key = models.CharField(
        max_length=80,
        blank=True,
        help_text="What the rule fired on (an exclusion, a window), so the same facts "
        "raise one concern however often the rules are run.",
    )
    sign = models.CharField(max_length=12, choices=Sign.choices, blank=True)
    summary = models.CharField(
        max_length=300, help_text="Which rule fired and on what data; figures and dates only."
    )
    evidence = models.JSONField(default=dict, blank=True, help_text="The figures; no names.")
    note = models.TextField(blank=True, help_text="What a member of staff noticed.")
    fired_on = models.DateField(help_text="The school day the data are from.")
    raised_at = models.DateTimeField(auto_now_add=True)
    # Indexed only where set (concern_raised_by_idx): a trigger point's concern has none.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    acted_at = models.DateTimeField(null=True, blank=True)
    # Indexed only where set (concern_acted_by_idx): a new concern has none.
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    dismissed_reason = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-fired_on", "-pk"]
        indexes = [
            models.Index(fields=["setting", "status"], name="concern_worklist_idx"),
            models.Index(fields=["pupil", "status"], name="concern_pupil_idx"),
            # A setting's worklist in its order, with what it is filtered on: its count
            # and a page read from the index alone on PostgreSQL.
            models.Index(
                fields=["setting", "-fired_on", "-id"],
                include=["pupil", "status", "source", "rule"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="concern_worklist_order_idx",
            ),
            # Who raised or acted on concerns (and whether a user may be deleted), with
            # no entry for the many concerns nobody has yet.
            models.Index(
                fields=["raised_by"],
                condition=Q(raised_by__isnull=False),
                name="concern_raised_by_idx",
            ),
            models.Index(
                fields=["acted_by"],
                condition=Q(acted_by__isnull=False),
                name="concern_acted_by_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "pupil", "key"],
                condition=Q(source="trigger"),
                name="one_concern_per_rule_firing",
            ),
            models.CheckConstraint(
                condition=Q(source="trigger", rule__isnull=False)
                | Q(source="staff", rule__isnull=True),
                name="concern_rule_matches_source",
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(dismissed_reason=""),
                name="concern_dismissed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Concern ({self.get_status_display()}) on {self.fired_on:%d/%m/%Y}"


class AgencyService(models.Model):
    """A service an agency or the local authority's service offers, taking referrals,
    with the time it aims to answer a referral in."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="referral_services"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    target_days = models.PositiveSmallIntegerField(
        help_text="Days from a referral being sent to its being accepted or declined."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="service_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    """A request for help for a pupil, from a setting (or the panel) to an agency's
    service, the local authority's service, or the partnership panel."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WAITING = "waiting", "Waiting for the service to start"
        STARTED = "started", "Service started"
        CLOSED = "closed", "Closed"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"

    #: Still waiting for an answer or for the service: what an inbox shows first.
    OPEN = (Status.SENT, Status.ACCEPTED, Status.WAITING)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="referrals")
    from_organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="referrals_made"
    )
    to_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        help_text="An agency or the local authority's service; empty for the panel.",
    )
    service = models.ForeignKey(
        AgencyService, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    panel = models.ForeignKey(
        "directory.Partnership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="panel_referrals",
        help_text="The partnership whose panel is asked; empty for an agency.",
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    reason = models.TextField()
    evidence = models.TextField(blank=True, help_text="What the school has tried and seen.")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    lawful_basis = models.CharField(
        max_length=20,
        choices=PupilLink.LawfulBasis.choices,
        help_text="Why this may be shared: consent, or the basis relied on without it.",
    )
    basis_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    basis_note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was accepted or declined."
    )
    declined_reason = models.CharField(max_length=300, blank=True)
    started_on = models.DateField(null=True, blank=True, help_text="The first session of help.")
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_assigned",
        help_text="The practitioner who takes the referral on.",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["to_organisation", "status"], name="referral_inbox_idx"),
            models.Index(fields=["pupil", "status"], name="referral_pupil_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_organisation__isnull=False, panel__isnull=True)
                | Q(to_organisation__isnull=True, panel__isnull=False),
                name="referral_to_one_place",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(declined_reason=""),
                name="referral_declined_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral ({self.get_status_display()}) sent {self.sent_at:%d/%m/%Y}"


class ReferralEvent(models.Model):
    """One change of a referral's state, timed: the waiting times are counted from these."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=Referral.Status.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.at:%d/%m/%Y %H:%M}"


from knotwork.casework.case_models import *  # noqa: E402, F403
from knotwork.casework.consent_models import *  # noqa: E402, F403

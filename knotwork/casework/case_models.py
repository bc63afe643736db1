"""Cases around a child: the assessment, the team around the child with one lead
professional, the plan's actions, reviews held as solution-focused meetings, and the
before/after measures an intervention is judged by.

Sources: seed 001 (solution-focused meetings in six steps, scaling 1-10; the lead
professional), seed 002 activity 3.3 (the approach a referral meeting agrees), seed 003
(caseloads of 15-20, interventions of 10 weeks).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from knotwork.pupils.models import PupilLink

__all__ = ["Case", "CaseEvent", "CaseMeasure", "CaseMember", "PlanAction", "Review"]


class Case(models.Model):
    """One child's case: the assessment, the approach agreed, the lead, and how it ended."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class ClosureReason(models.TextChoices):
        OUTCOMES_MET = "outcomes_met", "Outcomes met"
        STEPPED_UP = "stepped_up", "Stepped up to statutory services"
        STEPPED_DOWN = "stepped_down", "Stepped down to the school's own support"
        MOVED_AWAY = "moved_away", "Moved away or left the setting"
        CONSENT_WITHDRAWN = "consent_withdrawn", "Family withdrew consent"
        OTHER = "other", "Other"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="cases")
    setting = models.ForeignKey("directory.Setting", on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    referral = models.ForeignKey(
        "casework.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    concern = models.ForeignKey(
        "casework.Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    lawful_basis = models.CharField(
        max_length=20,
        choices=PupilLink.LawfulBasis.choices,
        default=PupilLink.LawfulBasis.CONSENT,
        help_text="Why the team may see the child's record: the basis their links carry.",
    )
    # The assessment, in the early help domains, each with strengths and needs.
    development_strengths = models.TextField(blank=True)
    development_needs = models.TextField(blank=True)
    parenting_strengths = models.TextField(blank=True)
    parenting_needs = models.TextField(blank=True)
    family_strengths = models.TextField(blank=True)
    family_needs = models.TextField(blank=True)
    outcomes = models.ManyToManyField("directory.Outcome", blank=True, related_name="+")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_led",
        help_text="The lead professional or key worker.",
    )
    # The approach agreed at the referral meeting (seed 002 activity 3.3).
    common_approach = models.TextField(blank=True)
    responsibility = models.TextField(blank=True, help_text="Who takes responsibility for what.")
    school_feedback = models.TextField(blank=True, help_text="How feedback reaches the school.")
    key_contacts = models.TextField(blank=True, help_text="The key contact for each agency.")
    monitoring = models.TextField(blank=True, help_text="Monitoring and follow-up of support.")
    parent_involvement = models.TextField(blank=True, help_text="How parents are involved.")
    information_protocol = models.TextField(blank=True, help_text="How information is shared.")
    intervention_started_on = models.DateField(
        help_text="The start of the current intervention, from which its clock runs."
    )
    next_review_on = models.DateField(
        null=True, blank=True, help_text="When the next review is booked for, if it is."
    )
    next_review_at = models.CharField("where the next review meets", max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    exit_summary = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["lead", "status"], name="case_caseload_idx"),
            models.Index(fields=["pupil", "status"], name="case_pupil_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True, closure_reason="")
                | (Q(status="closed", closed_on__isnull=False) & ~Q(closure_reason="")),
                name="case_closed_with_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(intervention_started_on__gte=F("opened_on")),
                name="case_intervention_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Case ({self.get_status_display()}) opened {self.opened_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseEvent(models.Model):
    """One line of a case's timeline: opened, closed, re-opened, lead changed."""

    class Kind(models.TextChoices):
        OPENED = "opened", "Opened"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Re-opened"
        LEAD_CHANGED = "lead_changed", "Lead professional changed"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The lead from this event on.",
    )
    closure_reason = models.CharField(max_length=20, choices=Case.ClosureReason.choices, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%d/%m/%Y}"


class CaseMember(models.Model):
    """A member of the team around the child: a user, or a named person with their
    organisation, in a role, from a day to a day."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_memberships",
    )
    name = models.CharField(max_length=120, blank=True, help_text="Someone without an account.")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation_name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    link = models.OneToOneField(
        PupilLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_member",
        help_text="The link that lets a practitioner member see the child while a member.",
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="member_is_someone"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="member_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.role

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.name

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation is not None else self.organisation_name


class PlanAction(models.Model):
    """One action in the case's plan: what, who owns it, by when, how it stands."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    #: Still to do: what can be overdue.
    OUTSTANDING = (Status.NOT_STARTED, Status.IN_PROGRESS)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    what = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner_name = models.CharField(
        max_length=120, blank=True, help_text="Someone without an account."
    )
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_name=""), name="action_has_owner"
            )
        ]

    def __str__(self) -> str:
        return f"Action due {self.due_on:%d/%m/%Y}"

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return self.owner.get_full_name() or self.owner.get_username()
        return self.owner_name


class Review(models.Model):
    """A review held as a solution-focused meeting (seed 001's six steps): each view,
    what is working, goals, where we are now and want to be on 1-10, next steps."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    attendees = models.ManyToManyField(CaseMember, blank=True, related_name="reviews_attended")
    others_present = models.CharField(
        max_length=300, blank=True, help_text="Anyone else there: the child, parents, others."
    )
    child_view = models.TextField(help_text="The child's view, in their words where possible.")
    parent_view = models.TextField(blank=True)
    other_views = models.TextField(blank=True)
    working = models.TextField(blank=True, help_text="What is working, or has worked.")
    goals = models.TextField(blank=True)
    scale_now = models.PositiveSmallIntegerField(help_text="Where we are now, 1-10.")
    scale_goal = models.PositiveSmallIntegerField(help_text="Where we want to be, 1-10.")
    next_steps = models.TextField(blank=True)
    starts_intervention = models.BooleanField(
        default=False, help_text="The review starts a new intervention, restarting its clock."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_now__gte=1, scale_now__lte=10), name="review_scale_now_1_10"
            ),
            models.CheckConstraint(
                condition=Q(scale_goal__gte=1, scale_goal__lte=10), name="review_scale_goal_1_10"
            ),
        ]

    def __str__(self) -> str:
        return f"Review on {self.held_on:%d/%m/%Y}"


class CaseMeasure(models.Model):
    """A measure chosen when an intervention starts, read over the same length of time
    before it and during it: the before figure at once, the after at the end or at closure."""

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", "Attendance rate (%)"
        INCIDENTS = "incidents", "Incidents"
        SCALING = "scaling", "Scaling score (1-10)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    starts_on = models.DateField(help_text="The intervention's first day.")
    weeks = models.PositiveSmallIntegerField(default=10)
    before = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    after = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    after_to = models.DateField(
        null=True, blank=True, help_text="The last day the after figure covers, once read."
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weeks__gte=1), name="measure_weeks_positive"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

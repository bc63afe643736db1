"""Alternative provision and the PRU: the partnership's directory of providers with their
quality assurance, placements (AP, PRU, and education from the sixth day of a suspension or
permanent exclusion) and their half-termly reviews."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from knotwork.placements.provision_rules import AT_PROVIDER, WEEK_SESSIONS


class ProviderProfile(models.Model):
    """What the partnership checks of a provider (an AP or PRU setting in the directory)."""

    class Registration(models.TextChoices):
        PRU = "pru", "Pupil referral unit"
        AP_ACADEMY = "ap_academy", "AP academy or free school"
        INDEPENDENT = "independent", "Registered independent school"
        UNREGISTERED = "unregistered", "Unregistered provider"

    class Ofsted(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"
        EXPECTED = "expected", "Expected standard (report card)"
        NOT_INSPECTED = "not_inspected", "Not inspected by Ofsted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    setting = models.OneToOneField(
        "directory.Setting", on_delete=models.PROTECT, related_name="provider_profile"
    )
    registration = models.CharField(max_length=20, choices=Registration.choices)
    registration_number = models.CharField(
        max_length=20, blank=True, help_text="The DfE number, if registered."
    )
    ofsted = models.CharField(max_length=30, choices=Ofsted.choices)
    ofsted_inspected_on = models.DateField(null=True, blank=True)
    safeguarding_checked_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last check of safeguarding (policy, single central record, DBS).",
    )
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="The partnership's last quality assurance visit."
    )
    cost_per_day = models.DecimalField(max_digits=12, decimal_places=2)
    places = models.PositiveSmallIntegerField(null=True, blank=True)
    offer = models.TextField(blank=True, help_text="What the provider teaches and for whom.")
    contact_name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["setting__name"]
        constraints = [
            models.CheckConstraint(condition=Q(cost_per_day__gte=0), name="cost_not_negative")
        ]

    def __str__(self) -> str:
        return f"Provider profile of {self.setting}"


class ProvisionPlacement(models.Model):
    """A pupil placed with a provider while staying on the home school's roll.

    The pupil's week is ``timetable``: ten letters, P at the provider, S at school, - in
    neither (``provision_rules.timetable_check`` flags a week that does not add up). While
    the placement runs the pupil is dual registered (``enrolment``, subsidiary, at the
    provider), so the provider takes their register in knotwork and its staff see them.
    """

    class Kind(models.TextChoices):
        AP = "ap", "Alternative provision"
        PRU = "pru", "Pupil referral unit"
        DAY6_SUSPENSION = "day6_suspension", "From the sixth day of a suspension"
        DAY6_PERMANENT = "day6_permanent", "From the sixth day of a permanent exclusion"

    class Outcome(models.TextChoices):
        REINTEGRATED = "reintegrated", "Returned to the home school"
        NEW_SCHOOL = "new_school", "Moved to a new school"
        STAYED = "stayed", "Stayed in alternative provision"
        POST_16 = "post_16", "Left for post-16 education or training"
        BROKE_DOWN = "broke_down", "Placement broke down"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        "directory.Partnership", on_delete=models.PROTECT, related_name="provision_placements"
    )
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="provision_placements"
    )
    home_setting = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="placements_out"
    )
    provider = models.ForeignKey(
        ProviderProfile, on_delete=models.PROTECT, related_name="placements"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    exclusion = models.ForeignKey(
        "behaviour.Exclusion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provision_placements",
        help_text="The suspension or permanent exclusion this is education from day 6 of.",
    )
    enrolment = models.ForeignKey(
        "pupils.Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provision_placements",
        help_text="The pupil's (subsidiary) registration at the provider for the placement.",
    )
    decided_at = models.ForeignKey(
        "placements.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provision_placements",
        help_text="The panel's agreed decision the placement was recorded from, if any.",
    )
    timetable = models.CharField(max_length=WEEK_SESSIONS, default=AT_PROVIDER * WEEK_SESSIONS)
    starts_on = models.DateField()
    planned_reintegration_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # The information passport (Annex A 3.2): what the provider needs from day one.
    passport_shared_on = models.DateField(null=True, blank=True)
    passport_needs = models.TextField("needs", blank=True)
    passport_strengths = models.TextField("strengths and interests", blank=True)
    passport_risks = models.TextField("risks and how they are managed", blank=True)
    passport_strategies = models.TextField("what works", blank=True)
    passport_attainment = models.TextField("attainment and current work", blank=True)
    # The personalised learning plan.
    plan_agreed_on = models.DateField(null=True, blank=True)
    plan_targets = models.TextField("targets", blank=True)
    plan_curriculum = models.TextField("curriculum and qualifications", blank=True)
    plan_support = models.TextField("support", blank=True)
    plan_reintegration = models.TextField("steps back to school", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["partnership", "starts_on"], name="provision_partnership_idx"),
            models.Index(fields=["provider", "starts_on"], name="provision_provider_idx"),
            models.Index(fields=["home_setting", "starts_on"], name="provision_home_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(timetable__regex=r"^[PS-]{10}$"), name="timetable_ten_sessions"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="placement_in_order",
            ),
            models.CheckConstraint(
                condition=Q(planned_reintegration_on__isnull=True)
                | Q(planned_reintegration_on__gte=F("starts_on")),
                name="reintegration_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["day6_suspension", "day6_permanent"], exclusion__isnull=False)
                | Q(kind__in=["ap", "pru"], exclusion__isnull=True),
                name="day6_names_its_exclusion",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(ends_on__isnull=False), name="outcome_when_ended"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on:%d/%m/%Y}"

    @property
    def sessions_per_week(self) -> int:
        return self.timetable.count(AT_PROVIDER)

    @property
    def full_time(self) -> bool:
        return self.sessions_per_week == WEEK_SESSIONS


class ProvisionReview(models.Model):
    """A half-termly review of a placement: due at the end of each half term it runs in."""

    class Progress(models.TextChoices):
        GOOD = "good", "Good progress"
        SOME = "some", "Some progress"
        NONE = "none", "No progress"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(
        ProvisionPlacement, on_delete=models.CASCADE, related_name="reviews"
    )
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    progress = models.CharField(max_length=10, choices=Progress.choices, blank=True)
    notes = models.TextField(blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        indexes = [models.Index(fields=["held_on", "due_on"], name="provision_review_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["placement", "due_on"], name="one_review_a_due_date"),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | ~Q(progress=""), name="held_review_has_progress"
            ),
        ]

    def __str__(self) -> str:
        return f"Review due {self.due_on:%d/%m/%Y}"

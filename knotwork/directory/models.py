"""Who is in a partnership: local authorities, settings, the LA service and agencies."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class LocalAuthority(models.Model):
    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(
        "LA code", max_length=3, unique=True, help_text="The three-digit DfE LA number."
    )

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{3}$"), name="la_code_3_digits")
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """Anything a user can belong to: a setting, an agency or the LA's service."""

    class Kind(models.TextChoices):
        SETTING = "setting", "Setting"
        AGENCY = "agency", "Agency"
        LA_SERVICE = "la_service", "Local authority service"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="organisations"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Setting(Organisation):
    """A school or other provider where pupils are on roll."""

    class Phase(models.TextChoices):
        PRIMARY = "primary", "Primary"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        POST_16 = "post_16", "16 plus"

    class Type(models.TextChoices):
        SECONDARY = "secondary", "Secondary school"
        PRIMARY = "primary", "Primary school"
        SPECIAL = "special", "Special school"
        PRU = "pru", "Pupil referral unit / short stay school"
        AP = "ap", "Alternative provider"
        FE = "fe", "FE college"

    urn = models.CharField("URN", max_length=6, unique=True)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    setting_type = models.CharField("type", max_length=20, choices=Type.choices)
    calendar = models.ForeignKey(
        "termdates.Calendar", on_delete=models.PROTECT, related_name="settings"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(urn__regex=r"^[0-9]{6}$"), name="urn_6_digits")
        ]


class OfstedJudgement(models.Model):
    """The behaviour judgement of one inspection (graded until 2024, report cards after)."""

    class Grade(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"
        EXCEPTIONAL = "exceptional", "Exceptional"
        STRONG = "strong", "Strong standard"
        EXPECTED = "expected", "Expected standard"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        URGENT_IMPROVEMENT = "urgent_improvement", "Urgent improvement"

    GOOD_OR_BETTER = frozenset({"outstanding", "good", "exceptional", "strong", "expected"})

    setting = models.ForeignKey(Setting, on_delete=models.CASCADE, related_name="judgements")
    inspected_on = models.DateField()
    behaviour = models.CharField(max_length=30, choices=Grade.choices)

    class Meta:
        ordering = ["-inspected_on"]
        constraints = [
            models.UniqueConstraint(fields=["setting", "inspected_on"], name="one_judgement_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_behaviour_display()} ({self.inspected_on:%B %Y})"

    @property
    def is_good_or_better(self) -> bool:
        return self.behaviour in self.GOOD_OR_BETTER


class Outcome(models.Model):
    """One of the five Every Child Matters outcomes an agency serves."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Agency(Organisation):
    """An entry in the partnership's local reference directory of agencies."""

    class Type(models.TextChoices):
        EWS = "ews", "Education welfare service"
        EP = "ep", "Educational psychology"
        CAMHS = "camhs", "Child and adolescent mental health services (CAMHS)"
        YOT = "yot", "Youth offending team"
        SOCIAL_CARE = "social_care", "Children's social care"
        CAREERS = "careers", "Careers guidance (Connexions)"
        POLICE_SSP = "police_ssp", "Police, Safer Schools Partnership"
        SCHOOL_NURSE = "school_nurse", "School nursing"
        YOUTH_SERVICE = "youth_service", "Youth service"
        MAST = "mast", "Multi-agency support team"
        SPECIALIST = "specialist", "Specialist team"
        VOLUNTARY = "voluntary", "Voluntary organisation"
        HOUSING = "housing", "Housing"
        OTHER = "other", "Other"

    agency_type = models.CharField("type", max_length=20, choices=Type.choices)
    services = models.TextField(help_text="What the agency offers schools, pupils and families.")
    how_to_refer = models.TextField()
    contact_name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    area = models.CharField(max_length=120, help_text="Where the agency works.")
    outcomes = models.ManyToManyField(Outcome, related_name="agencies", blank=True)
    last_reviewed = models.DateField()
    kept_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agencies_kept",
        help_text="Who keeps this entry up to date.",
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]


class Partnership(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly"
        HALF_TERMLY = "half_termly", "Every half term"
        TERMLY = "termly", "Termly"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="partnerships"
    )
    meeting_frequency = models.CharField(max_length=20, choices=Frequency.choices)
    persistent_absence_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(1)), MaxValueValidator(Decimal(100))],
        help_text="Per cent of possible sessions missed that makes an enrolment persistently "
        "absent: 10 since 2015/16 (the 2010 sources used 20).",
    )
    members: models.ManyToManyField[Organisation, PartnershipMember] = models.ManyToManyField(
        Organisation, through="PartnershipMember", related_name="partnerships"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnershipMember(models.Model):
    """A setting, agency or LA service in a partnership, with its named representative."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnership_memberships"
    )
    representative_name = models.CharField(max_length=120)
    representative_role = models.CharField(max_length=120)
    representative_email = models.EmailField(blank=True)
    joined_on = models.DateField()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="member_once_per_partnership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"

"""Behaviour: incidents with the pupils involved, withdrawals from class, and
suspensions and permanent exclusions with the steps the law times.

An incident or exclusion is seen only by those who may see its pupil
(``pupils.access``); an incident with several pupils shows each viewer only
the pupils they may see.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from knotwork.behaviour.reasons import CHOICES as REASON_CHOICES


class Incident(models.Model):
    class Place(models.TextChoices):
        CLASSROOM = "classroom", "Classroom"
        CORRIDOR = "corridor", "Corridor"
        PLAYGROUND = "playground", "Playground"
        DINING_HALL = "dining_hall", "Dining hall"
        TOILETS = "toilets", "Toilets"
        CHANGING_ROOMS = "changing_rooms", "Changing rooms"
        SPORTS = "sports", "Sports field or hall"
        LIBRARY = "library", "Library"
        OFFICE = "office", "Office or reception"
        GATE = "gate", "School gate"
        JOURNEY = "journey", "Journey to or from school"
        TRIP = "trip", "School trip"
        ONLINE = "online", "Online"
        COMMUNITY = "community", "In the community"
        OTHER = "other", "Somewhere else"

    class Kind(models.TextChoices):
        OBSERVATION = "observation", "Observation (no sanction)"
        DISRUPTION = "disruption", "Disruption"
        DEFIANCE = "defiance", "Defiance"
        VERBAL_PUPIL = "verbal_pupil", "Verbal abuse of a pupil"
        VERBAL_ADULT = "verbal_adult", "Verbal abuse of an adult"
        PHYSICAL_PUPIL = "physical_pupil", "Physical abuse of a pupil"
        PHYSICAL_ADULT = "physical_adult", "Physical abuse of an adult"
        DAMAGE = "damage", "Damage to property"
        THEFT = "theft", "Theft"
        DRUGS = "drugs", "Drugs or alcohol"
        WEAPONS = "weapons", "Weapon or prohibited item"
        SEXUAL = "sexual", "Sexual misconduct"
        ONLINE = "online", "Online abuse"
        TRUANCY = "truancy", "Truancy from lessons"
        OTHER = "other", "Other"

    class Severity(models.IntegerChoices):
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"
        SERIOUS = 4, "Serious"

    class Bullying(models.TextChoices):
        NONE = "", "Not bullying"
        RACIST = "racist", "Racist"
        RELIGIOUS = "religious", "Religious"
        SEXIST = "sexist", "Sexist or sexual"
        HBT = "hbt", "Homophobic, biphobic or transphobic"
        SEND = "send", "SEN or disability"
        APPEARANCE = "appearance", "Appearance"
        CYBER = "cyber", "Cyber"
        OTHER = "other", "Other bullying"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    setting = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="incidents"
    )
    occurred_at = models.DateTimeField()
    place = models.CharField(max_length=20, choices=Place.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.LOW)
    bullying = models.CharField(max_length=12, choices=Bullying.choices, blank=True, default="")
    racist = models.BooleanField(
        default=False, help_text="A racist incident, reportable to the local authority."
    )
    description = models.TextField(blank=True)
    staff_involved = models.CharField(max_length=300, blank=True)
    action_taken = models.CharField(max_length=300, blank=True)
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_on = models.DateField(null=True, blank=True)
    follow_up_done_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Withdrawn records are kept for the audit trail."
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["setting", "occurred_at"], name="incident_setting_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.occurred_at:%d/%m/%Y %H:%M})"


class IncidentPupil(models.Model):
    """A pupil in an incident, with their part in it."""

    class Role(models.TextChoices):
        INSTIGATOR = "instigator", "Instigator"
        TARGET = "target", "Target"
        WITNESS = "witness", "Witness"
        INVOLVED = "involved", "Involved"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="pupils")
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="incident_roles"
    )
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "pupil"], name="pupil_once_per_incident")
        ]
        indexes = [models.Index(fields=["pupil", "incident"], name="incident_pupil_idx")]

    def __str__(self) -> str:
        return self.get_role_display()


class Withdrawal(models.Model):
    """A pupil taken out of lessons within school: learning support unit, remove room,
    internal exclusion. Counted so its use can be compared across pupil groups."""

    class Kind(models.TextChoices):
        LEARNING_SUPPORT_UNIT = "lsu", "Learning support unit"
        REMOVE_ROOM = "remove_room", "Remove room"
        INTERNAL_EXCLUSION = "internal", "Internal exclusion"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="withdrawals")
    setting = models.ForeignKey("directory.Setting", on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="withdrawals"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    date = models.DateField()
    sessions = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Whole sessions (half days) out of lessons."
    )
    minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Minutes out of lessons, for shorter uses."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__isnull=False) | Q(minutes__isnull=False),
                name="withdrawal_has_length",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date:%d/%m/%Y}"


class Exclusion(models.Model):
    """A suspension (any number of whole or half days) or a permanent exclusion.

    Lengths are in sessions: one session is half a school day (a lunchtime
    counts as half a day). Dates of notices and meetings drive the clocks in
    ``rules.py``.
    """

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        PERMANENT = "permanent", "Permanent exclusion"

    class Channel(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone, then in writing"
        IN_PERSON = "in_person", "In person, then in writing"

    class ProvisionBy(models.TextChoices):
        SCHOOL = "school", "The school"
        LOCAL_AUTHORITY = "la", "The local authority"

    class BoardOutcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        REINSTATED = "reinstated", "Reinstatement directed"

    class ReviewOutcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        RECONSIDER = "reconsider", "Governing board to reconsider"
        QUASHED = "quashed", "Quashed: governing board to reconsider"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="exclusions")
    enrolment = models.ForeignKey(
        "pupils.Enrolment", on_delete=models.PROTECT, related_name="exclusions"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="exclusions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    start_date = models.DateField()
    start_half = models.CharField(
        max_length=2, choices=[("AM", "Morning"), ("PM", "Afternoon")], default="AM"
    )
    sessions = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Length of a suspension in sessions (half days)."
    )
    reason_1 = models.CharField(max_length=2, choices=REASON_CHOICES)
    reason_2 = models.CharField(max_length=2, choices=REASON_CHOICES, blank=True)
    reason_3 = models.CharField(max_length=2, choices=REASON_CHOICES, blank=True)
    decided_by = models.CharField(max_length=120, help_text="The headteacher's name and role.")
    # Telling people, "without delay" (england.md §4.2).
    parents_told_on = models.DateField(null=True, blank=True)
    parents_told_how = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    la_told_on = models.DateField(null=True, blank=True)
    social_worker_told_on = models.DateField(null=True, blank=True)
    virtual_school_told_on = models.DateField(null=True, blank=True)
    governors_told_on = models.DateField(null=True, blank=True)
    # Education from the sixth school day (§4.5).
    provision_by = models.CharField(max_length=6, choices=ProvisionBy.choices, blank=True)
    provision_where = models.CharField(max_length=200, blank=True)
    provision_from = models.DateField(null=True, blank=True)
    # The governing board and the independent review panel (§4.3-4.4).
    parents_representations_on = models.DateField(null=True, blank=True)
    board_met_on = models.DateField(null=True, blank=True)
    board_outcome = models.CharField(max_length=10, choices=BoardOutcome.choices, blank=True)
    board_decision_sent_on = models.DateField(null=True, blank=True)
    review_applied_on = models.DateField(null=True, blank=True)
    review_outcome = models.CharField(max_length=10, choices=ReviewOutcome.choices, blank=True)
    review_decided_on = models.DateField(null=True, blank=True)
    cancelled_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["pupil", "start_date"], name="exclusion_pupil_idx"),
            models.Index(fields=["enrolment", "start_date"], name="exclusion_enrolment_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="permanent") | Q(sessions__gte=1),
                name="suspension_has_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start_date:%d/%m/%Y}"

    @property
    def reasons(self) -> list[str]:
        return [code for code in (self.reason_1, self.reason_2, self.reason_3) if code]

    @property
    def days(self) -> float | None:
        """Length in school days (half days allowed); None for a permanent exclusion."""
        return None if self.sessions is None else self.sessions / 2

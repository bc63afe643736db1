"""Consent and sharing: what a parent or carer (or a young person judged competent)
agreed may be shared with an organisation, and the decisions to share without consent,
with their lawful basis and who made them.

``pupils.access`` reads both: an agency practitioner's link opens only the sections of
the pupil's record that a live consent or sharing decision for their organisation
covers. Facts on the lawful bases: ``../shared/domain/england.md`` §8.1; the golden
rules (record the decision and the reasons; share only what is necessary): §8.2.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from knotwork.pupils.models import PupilLink

__all__ = ["ConsentRecord", "Section", "SharingDecision", "SpecialCondition"]


class Section(models.TextChoices):
    """The parts of a pupil's record sharing is agreed for, one per pupil page."""

    ATTENDANCE = "attendance", "Attendance"
    BEHAVIOUR = "behaviour", "Behaviour, suspensions and exclusions"
    CASEWORK = "casework", "Casework: concerns, cases, plans and reviews"


#: Each section's flag on a consent or decision.
SECTION_FIELDS = {
    Section.ATTENDANCE: "shares_attendance",
    Section.BEHAVIOUR: "shares_behaviour",
    Section.CASEWORK: "shares_casework",
}

_ANY_SECTION = Q(shares_attendance=True) | Q(shares_behaviour=True) | Q(shares_casework=True)


class SpecialCondition(models.TextChoices):
    """The UK GDPR Art 9 condition (with DPA 2018 Sch 1) relied on for special category
    data shared without consent (england.md §8.1; Sch 1 numbering unverified there)."""

    SAFEGUARDING = "sch1_18", "Art 9(2)(g), DPA 2018 Sch 1 para 18: safeguarding of children"
    STATUTORY = "sch1_6", "Art 9(2)(g), DPA 2018 Sch 1 para 6: statutory purposes"
    HEALTH_CARE = "art9_2h", "Art 9(2)(h): health or social care"
    VITAL = "art9_2c", "Art 9(2)(c): vital interests, consent cannot be given"
    NONE = "none", "No special category data shared"


class Sections(models.Model):
    """The sections a consent or decision covers, as flags the database can check."""

    shares_attendance = models.BooleanField("Attendance", default=False)
    shares_behaviour = models.BooleanField("Behaviour", default=False)
    shares_casework = models.BooleanField("Casework", default=False)

    class Meta:
        abstract = True

    @property
    def sections(self) -> frozenset[str]:
        return frozenset(str(s) for s, name in SECTION_FIELDS.items() if getattr(self, name))

    @property
    def section_labels(self) -> list[str]:
        return [s.label for s, name in SECTION_FIELDS.items() if getattr(self, name)]


class ConsentQuerySet(models.QuerySet["ConsentRecord"]):
    def live(self, on: datetime.date) -> ConsentQuerySet:
        """Given by ``on``, not expired, not withdrawn (withdrawal holds from its day)."""
        return self.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on),
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on),
            given_on__lte=on,
        )


class ConsentRecord(Sections):
    """Consent to share sections of a pupil's record with one organisation."""

    class GivenBy(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        YOUNG_PERSON = "young_person", "The young person (judged competent by maturity)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="consents")
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="consents_received",
        help_text="Who the record may be shared with.",
    )
    given_by = models.CharField(max_length=15, choices=GivenBy.choices)
    given_by_name = models.CharField(max_length=120, help_text="The name of who gave it.")
    given_on = models.DateField()
    expires_on = models.DateField(
        null=True, blank=True, help_text="The last day it holds; empty until withdrawn."
    )
    note = models.CharField(max_length=300, blank=True, help_text="What it is for.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(
        null=True, blank=True, help_text="From this day nothing more is shared."
    )
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.CharField(max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["pupil", "organisation"], name="consent_pupil_org_idx")]
        constraints = [
            models.CheckConstraint(condition=_ANY_SECTION, name="consent_covers_a_section"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("given_on")),
                name="consent_expires_after_given",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdrawal_recorded_by__isnull=True)
                | Q(withdrawn_on__gte=F("given_on"), withdrawal_recorded_by__isnull=False),
                name="consent_withdrawn_with_date_and_recorder",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent given {self.given_on:%d/%m/%Y}"


class SharingDecisionQuerySet(models.QuerySet["SharingDecision"]):
    def live(self, on: datetime.date) -> SharingDecisionQuerySet:
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class SharingDecision(Sections):
    """A decision to share sections of a pupil's record with an organisation without
    consent (or after it was withdrawn): the lawful basis, the Art 9 condition, who
    decided (for safeguarding, the designated safeguarding lead), why, and for how long."""

    #: The Art 6 bases a decision without consent may rest on.
    BASES = (
        PupilLink.LawfulBasis.PUBLIC_TASK,
        PupilLink.LawfulBasis.LEGAL_OBLIGATION,
        PupilLink.LawfulBasis.VITAL_INTERESTS,
    )

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="sharing_decisions"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="sharing_decisions"
    )
    lawful_basis = models.CharField(
        max_length=20,
        choices=[(b.value, b.label) for b in BASES],
        help_text="UK GDPR Art 6.",
    )
    special_condition = models.CharField(
        max_length=10, choices=SpecialCondition.choices, help_text="UK GDPR Art 9."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_role = models.CharField(
        max_length=120, help_text="For example, designated safeguarding lead."
    )
    reason = models.TextField(help_text="Why sharing without consent is necessary.")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day it holds; review it by then.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = SharingDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["pupil", "organisation"], name="sharing_pupil_org_idx")]
        constraints = [
            models.CheckConstraint(condition=_ANY_SECTION, name="sharing_covers_a_section"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="sharing_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(lawful_basis=PupilLink.LawfulBasis.CONSENT),
                name="sharing_basis_not_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"Sharing without consent from {self.starts_on:%d/%m/%Y}"

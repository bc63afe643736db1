"""Pupils, where they are on roll, the adults around them, and links to agency staff."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from knotwork.pupils.rules import InvalidUPN, national_curriculum_year, validate_upn


def validate_upn_field(value: str) -> None:
    try:
        validate_upn(value)
    except InvalidUPN as exc:
        raise ValidationError(str(exc), code="invalid_upn") from exc


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"


class Ethnicity(models.TextChoices):
    """DfE main ethnicity codes (census and CTF)."""

    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class SenProvision(models.TextChoices):
    """School census SEN provision codes."""

    NONE = "N", "No special educational need"
    SEN_SUPPORT = "K", "SEN support"
    EHC_PLAN = "E", "Education, health and care plan"


# Pupils in need or looked after: those a social worker or virtual school head is told
# about. A partial index on Pupil has this same condition; SQLite uses a partial index only
# when the query holds its condition as written (an OR of the two flags cannot use two
# indexes, one a flag), so the lookups go through ``PupilQuerySet.social_care``.
SOCIAL_CARE = Q(child_in_need=True) | Q(looked_after=True)


class PupilQuerySet(models.QuerySet["Pupil"]):
    def social_care(self) -> PupilQuerySet:
        """Pupils in need or looked after (a few in a hundred: ``pupil_social_care_idx``)."""
        return self.filter(SOCIAL_CARE)

    def on_roll_at(
        self, setting_ids: models.QuerySet[Any, Any] | list[int], on: datetime.date
    ) -> PupilQuerySet:
        """Pupils with an enrolment at one of the settings on the day."""
        on_roll = Enrolment.objects.current(on).filter(
            pupil=OuterRef("pk"), setting_id__in=setting_ids
        )
        return self.filter(Exists(on_roll))


class Pupil(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    upn = models.CharField("UPN", max_length=13, unique=True, validators=[validate_upn_field])
    legal_forename = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=100, blank=True)
    legal_surname = models.CharField(max_length=100)
    preferred_forename = models.CharField(max_length=100, blank=True)
    preferred_surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    sen_provision = models.CharField(
        "SEN provision", max_length=1, choices=SenProvision.choices, default=SenProvision.NONE
    )
    fsm_eligible = models.BooleanField("eligible for free school meals", default=False)
    looked_after = models.BooleanField(default=False)
    child_in_need = models.BooleanField(default=False)
    young_carer = models.BooleanField(default=False)
    eal = models.BooleanField("English as an additional language", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        indexes = [
            models.Index(fields=["legal_surname", "legal_forename"], name="pupil_name_idx"),
            models.Index(fields=["date_of_birth"], name="pupil_dob_idx"),
            models.Index(fields=["id"], condition=SOCIAL_CARE, name="pupil_social_care_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(upn__regex=r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$"),
                name="upn_shape",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def forename(self) -> str:
        return self.preferred_forename or self.legal_forename

    @property
    def surname(self) -> str:
        return self.preferred_surname or self.legal_surname

    @property
    def display_name(self) -> str:
        return f"{self.forename} {self.surname}"

    def year_group(self, on: datetime.date | None = None) -> int:
        return national_curriculum_year(self.date_of_birth, on or datetime.date.today())


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def current(self, on: datetime.date) -> EnrolmentQuerySet:
        """Enrolments that have started and not ended on the day."""
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class Enrolment(models.Model):
    """A pupil on roll at a setting for a period (end empty while on roll)."""

    class Registration(models.TextChoices):
        SINGLE = "C", "Single registration"
        MAIN = "M", "Dual registration, main"
        SUBSIDIARY = "S", "Dual registration, subsidiary"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="enrolments")
    setting = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="enrolments"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    registration = models.CharField(
        max_length=1, choices=Registration.choices, default=Registration.SINGLE
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["setting", "start_date", "end_date"], name="enrolment_roll_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="enrolment_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_registration_display()} from {self.start_date:%d/%m/%Y}"

    def is_current(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Contact(models.Model):
    """A parent or carer (or other contact) of a pupil."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        TEXT = "text", "Text message"
        LETTER = "letter", "Letter"
        PHONE = "phone", "Phone call"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60)
    parental_responsibility = models.BooleanField(default=False)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    preferred_channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=60, default="English")
    interpreter_needed = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(default=1, help_text="1 is contacted first.")

    class Meta:
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return f"{self.relationship} (contact {self.priority})"


class PupilLinkQuerySet(models.QuerySet["PupilLink"]):
    def current(self, on: datetime.date) -> PupilLinkQuerySet:
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class PupilLink(models.Model):
    """Why an agency practitioner may see a pupil: a case, a referral or a placement.

    Rows are made by the work that creates the link (casework, placements);
    ``pupils.access`` reads them.
    """

    class Reason(models.TextChoices):
        CASE = "case", "Case"
        REFERRAL = "referral", "Referral"
        PLACEMENT = "placement", "Placement"

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", "Consent"
        PUBLIC_TASK = "public_task", "Public task"
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
        VITAL_INTERESTS = "vital_interests", "Vital interests"

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pupil_links"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = PupilLinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="link_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} link from {self.starts_on:%d/%m/%Y}"


from knotwork.pupils.parent_contact_models import *  # noqa: E402, F403

"""Attendance: registers (one byte per session), amendments, imports, first-day
contact, the legal ladder and early-sign signals.

A register holds one enrolment's marks for one academic year of its
setting's calendar: ``marks[i]`` is the code id (``codes.py``) of session
``i`` of that year (``termdates.rules.SessionMap``), 0 while unmarked.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from knotwork.attendance.codes import BY_ID, Code


class Register(models.Model):
    """One enrolment's register marks for one academic year."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        "pupils.Enrolment", on_delete=models.PROTECT, related_name="registers"
    )
    academic_year = models.ForeignKey(
        "termdates.AcademicYear", on_delete=models.PROTECT, related_name="registers"
    )
    setting = models.ForeignKey(
        "directory.Setting",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The enrolment's setting, so a setting's registers for a day are read "
        "without going through every enrolment.",
    )
    marks = models.BinaryField(help_text="One code id per session of the year; 0 = no mark.")
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every change, so a stale edit can be refused."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "academic_year"], name="one_register_per_enrolment_year"
            )
        ]
        indexes = [
            models.Index(fields=["setting", "academic_year"], name="register_setting_year_idx")
        ]

    def __str__(self) -> str:
        return f"Register {self.academic_year}"

    def code_at(self, index: int) -> Code | None:
        value = bytes(self.marks)[index] if index < len(self.marks) else 0
        return BY_ID.get(value)


class MarkAmendment(models.Model):
    """A mark changed after it was first entered: original, new, reason, who and when.

    The register regulations require all five to be kept. A first mark in an
    empty session is an entry, not an amendment, and is not listed here.
    """

    class Source(models.TextChoices):
        FORM = "form", "Changed in knotwork"
        IMPORT = "import", "Import"
        PROVIDER_REGISTER = "provider", "Alternative provider register"

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="amendments")
    session = models.PositiveSmallIntegerField(help_text="Index of the session in the year.")
    date = models.DateField()
    half = models.CharField(max_length=2, choices=[("AM", "AM"), ("PM", "PM")])
    original = models.PositiveSmallIntegerField(help_text="Code id before the change.")
    new = models.PositiveSmallIntegerField(help_text="Code id after the change.")
    reason = models.CharField(max_length=200)
    source = models.CharField(max_length=10, choices=Source.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["register", "session"], name="amendment_session_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(original=models.F("new")), name="amendment_changes")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.half}: {self.original_code} to {self.new_code}"

    @property
    def original_code(self) -> str:
        code = BY_ID.get(self.original)
        return code.code if code else "-"

    @property
    def new_code(self) -> str:
        code = BY_ID.get(self.new)
        return code.code if code else "-"


class ImportRun(models.Model):
    """One file of marks brought in, from upload to its outcome, with its progress."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV (UPN, URN, date, session, code)"
        CTF = "ctf", "Common Transfer File (XML)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        VALIDATING = "validating", "Checking every line"
        WRITING = "writing", "Saving the marks"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file_name = models.CharField(max_length=200)
    file_format = models.CharField(max_length=3, choices=Format.choices)
    content = models.BinaryField(help_text="The file as uploaded, kept until it is imported.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps_total = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    marks_new = models.PositiveIntegerField(default=0)
    marks_amended = models.PositiveIntegerField(default=0)
    marks_unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="[{file, line, field, reason}], no pupil data."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.steps_total:
            return 0
        return min(100, (100 * self.steps_done) // self.steps_total)


class FirstDayContact(models.Model):
    """A call or message to a parent about an absence with no reason yet (code N)."""

    class Outcome(models.TextChoices):
        REASON_GIVEN = "reason_given", "Spoke to parent: reason given"
        NO_ANSWER = "no_answer", "No answer"
        MESSAGE_LEFT = "message_left", "Message left"
        HOME_VISIT = "home_visit", "Home visit needed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    setting = models.ForeignKey("directory.Setting", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey(
        "pupils.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    date = models.DateField(help_text="The school day of the absence.")
    channel = models.CharField(max_length=10, help_text="Contact.Channel used.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["setting", "date"], name="first_day_setting_idx")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.date:%d/%m/%Y}"


class LadderStep(models.Model):
    """A step of the attendance ladder for a pupil: support first, then legal measures.

    Steps follow WTISA 2024 and the penalty notice framework
    (../shared/domain/england.md §3.3-3.4); ``rules.py`` says which is next.
    """

    class Kind(models.TextChoices):
        LETTER_1 = "letter_1", "Letter, stage 1"
        LETTER_2 = "letter_2", "Letter, stage 2"
        LETTER_3 = "letter_3", "Letter, stage 3"
        PANEL = "panel", "Attendance panel meeting and parenting contract"
        NOTICE_TO_IMPROVE = "notice_to_improve", "Notice to improve"
        PENALTY_NOTICE = "penalty_notice", "Penalty notice"
        ESO = "eso", "Education supervision order"
        PROSECUTION_444_1 = "prosecution_444_1", "Prosecution, s444(1)"
        PROSECUTION_444_1A = "prosecution_444_1a", "Prosecution, s444(1A)"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        WITHDRAWN = "withdrawn", "Withdrawn"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    date = models.DateField(help_text="When the step was taken or is planned.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "pupils.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The parent a letter or notice is addressed to.",
    )
    review_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="Targets, amounts and the like for this kind of step."
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["pupil", "date"], name="ladder_pupil_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class Signal(models.Model):
    """An early sign found in a pupil's marks, kept for casework's trigger points."""

    class Kind(models.TextChoices):
        FALLING = "falling", "Attendance falling"
        NEWLY_PERSISTENT = "newly_persistent", "Newly persistently absent"
        PENALTY_THRESHOLD = "penalty_threshold", "Penalty notice threshold reached"
        SAME_WEEKDAY = "same_weekday", "Absent on the same weekday"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        "pupils.Enrolment", on_delete=models.PROTECT, related_name="attendance_signals"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    first_seen = models.DateField()
    last_seen = models.DateField()
    evidence = models.JSONField(default=dict, help_text="The figures that raised it; no names.")
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]
        indexes = [models.Index(fields=["enrolment", "kind"], name="signal_enrolment_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} since {self.first_seen:%d/%m/%Y}"

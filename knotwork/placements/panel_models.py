"""Panel meetings: the partnership's panel, its members, its meetings with who came, the
agenda of cases put forward, the decisions and the actions with their owners."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from knotwork.directory.models import Partnership


class Panel(models.Model):
    """A standing panel of a partnership (usually one: the partnership's panel)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="panels")
    name = models.CharField(max_length=200)
    frequency = models.CharField(max_length=20, choices=Partnership.Frequency.choices)
    papers_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="Days before a meeting that its papers go to the members, who may then "
        "see the pupils on its agenda until the end of the meeting day.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="panel_name_once")
        ]

    def __str__(self) -> str:
        return self.name


def seat_held(day: datetime.date, prefix: str = "") -> Q:
    """Seats held on a day (``prefix`` is the path to the seat, as ``"members__"``)."""
    return Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})


class PanelMemberQuerySet(models.QuerySet["PanelMember"]):
    def held_on(self, day: datetime.date) -> PanelMemberQuerySet:
        """The seats held on a day: not ended, or ended on it or later."""
        return self.filter(seat_held(day))


class PanelMember(models.Model):
    """An organisation with a seat on the panel, and whether it is expected at meetings.
    A seat that ends keeps its row (and the meetings it came to), with the last day it
    was held; the organisation may be given a new seat later."""

    class Role(models.TextChoices):
        SETTING = "setting", "School"
        PRU = "pru", "Pupil referral unit / short stay school"
        LOCAL_AUTHORITY = "la", "Local authority"
        POLICE = "police", "Police (Safer Schools officer)"
        FE = "fe", "FE link"
        PRIMARY = "primary", "Primary link"
        AGENCY = "agency", "Agency"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="panel_seats"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    expected = models.BooleanField(
        default=True, help_text="Expected at every meeting (FE and primary links on occasion)."
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text="The last day the organisation held the seat."
    )

    objects = PanelMemberQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "organisation"],
                condition=Q(ended_on__isnull=True),
                name="panel_seat_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.panel}"


class PanelMeeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "held_on"], name="panel_meeting_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.panel} on {self.held_on:%d/%m/%Y}"


class MeetingAttendance(models.Model):
    """Whether a member came to a meeting (or sent apologies). One row a member a meeting,
    written when the meeting's attendance is recorded."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return self.get_status_display()


class AgendaItem(models.Model):
    """A case put forward to a meeting, and what the panel decided."""

    class Kind(models.TextChoices):
        MANAGED_MOVE = "managed_move", "Managed move proposal"
        FAIR_ACCESS = "fair_access", "Fair access placement"
        AP_REFERRAL = "ap_referral", "Alternative provision referral"
        LA_SERVICE = "la_service", "Request for the local authority service"
        HARD_TO_PLACE = "hard_to_place", "Hard-to-place pupil"
        OTHER = "other", "Other business"

    class Decision(models.TextChoices):
        AGREED = "agreed", "Agreed"
        NOT_AGREED = "not_agreed", "Not agreed"
        DEFERRED = "deferred", "Deferred to the next meeting"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="items")
    pupil = models.ForeignKey(
        "pupils.Pupil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    put_forward_by = models.ForeignKey(
        "directory.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    put_forward_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    referral = models.ForeignKey(
        "casework.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="The referral to the panel this case came from, if any.",
    )
    summary = models.TextField()
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]
        indexes = [models.Index(fields=["meeting", "position"], name="agenda_item_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="other") | Q(pupil__isnull=False),
                name="agenda_item_names_its_pupil",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="agenda_decision_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.meeting.held_on:%d/%m/%Y})"


class PanelAction(models.Model):
    """An action the meeting agreed, with its owner and when it is due."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text

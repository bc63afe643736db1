"""Fair access: pupils placed in a school under the partnership's fair access protocol, and
the weighting each school's fair share is measured against."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class FairAccessCategory(models.TextChoices):
    """The children a fair access protocol may place (School Admissions Code 2021, 3.16;
    england.md §5.2)."""

    A = "a", "Child in need or child protection plan (now or in the last 12 months)"
    B = "b", "Living in a refuge or other relevant accommodation"
    C = "c", "From the criminal justice system"
    D = "d", "In alternative provision needing reintegration, or excluded but suitable"
    E = "e", "SEN without an EHC plan, disability or medical condition"
    F = "f", "Young carer"
    G = "g", "Homeless"
    H = "h", "In formal kinship care"
    I = "i", "Gypsy, Roma, Traveller, refugee or asylum seeker"  # noqa: E741
    J = "j", "Refused a place on grounds of challenging behaviour (para 3.10)"
    K = "k", "No place sought because of exceptional circumstances"
    L = "l", "Out of education four weeks or more with no place within reach"
    M = "m", "Previously looked after, no place promptly secured"


class FairAccessPlacement(models.Model):
    """A pupil placed under the protocol: out of school from a date, placed at a school,
    started there (empty until they do). Sessions missed are worked out from the placing
    school's calendar (``fair_access_rules``), never typed."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        "directory.Partnership", on_delete=models.PROTECT, related_name="fair_access_placements"
    )
    pupil = models.ForeignKey(
        "pupils.Pupil", on_delete=models.PROTECT, related_name="fair_access_placements"
    )
    category = models.CharField(max_length=1, choices=FairAccessCategory.choices)
    arrived_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the pupil came into the partnership's area, if during the school "
        "year: the sessions they should reach are counted from then.",
    )
    out_of_school_from = models.DateField(help_text="The first day without a school place.")
    placed_at = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="fair_access_placements"
    )
    placed_on = models.DateField(help_text="The day the placement was agreed.")
    started_on = models.DateField(
        null=True, blank=True, help_text="The pupil's first day at the school."
    )
    decided_at = models.ForeignKey(
        "placements.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fair_access_placements",
        help_text="The panel's agreed decision the placement was recorded from, if any.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-placed_on", "-id"]
        indexes = [
            models.Index(fields=["partnership", "placed_on"], name="fair_access_partnership_idx"),
            models.Index(fields=["placed_at", "placed_on"], name="fair_access_school_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(started_on__gte=F("out_of_school_from")),
                name="fair_access_starts_after_out",
            ),
            models.CheckConstraint(
                condition=Q(placed_on__gte=F("out_of_school_from")),
                name="fair_access_placed_after_out",
            ),
        ]

    def __str__(self) -> str:
        return f"Fair access placement agreed {self.placed_on:%d/%m/%Y}"


class FairShareWeighting(models.Model):
    """The share of fair access placements a school agreed to take, from a school year on
    (a weight: 1.0 for a standard share, more for a larger school)."""

    partnership = models.ForeignKey(
        "directory.Partnership", on_delete=models.CASCADE, related_name="fair_share_weightings"
    )
    setting = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="fair_share_weightings"
    )
    weight = models.DecimalField(max_digits=6, decimal_places=2)
    from_year = models.PositiveSmallIntegerField(help_text="2026 for the year 2026/27.")

    class Meta:
        ordering = ["setting__name", "-from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "setting", "from_year"], name="one_weight_a_year"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Weight {self.weight} from {self.from_year}"

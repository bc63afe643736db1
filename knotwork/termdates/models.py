"""School calendars: academic years, half terms and planned closures.

Which dates are school sessions is worked out in ``rules.py`` from these rows
and England's bank holidays.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q


class Calendar(models.Model):
    """A set of term dates: usually the LA's, or an academy's own."""

    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AcademicYear(models.Model):
    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="years")
    start_year = models.PositiveSmallIntegerField(help_text="2026 for the year 2026/27.")

    class Meta:
        ordering = ["calendar", "start_year"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "start_year"], name="one_year_per_calendar")
        ]

    def __str__(self) -> str:
        return f"{self.start_year}/{str(self.start_year + 1)[-2:]}"

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 8, 31)


class Term(models.Model):
    """One half term: autumn 1 is the first half of the autumn term."""

    class Name(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=10, choices=Name.choices)
    half = models.PositiveSmallIntegerField(choices=[(1, "first half"), (2, "second half")])
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "name", "half"], name="one_half_term"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="term_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.half}"


class Closure(models.Model):
    """A planned day or session the setting is shut to pupils (INSET, polling day...)."""

    class Kind(models.TextChoices):
        INSET = "inset", "INSET (training) day"
        PLANNED = "planned", "Planned closure"

    class Part(models.TextChoices):
        DAY = "day", "Whole day"
        AM = "AM", "Morning"
        PM = "PM", "Afternoon"

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    part = models.CharField(max_length=3, choices=Part.choices, default=Part.DAY)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "date", "part"], name="one_closure")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} ({self.get_part_display()})"

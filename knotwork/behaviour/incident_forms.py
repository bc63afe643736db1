"""Forms of the incident pages: clean and validate only (saving is in ``incident_services``)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.behaviour.models import Incident, IncidentPupil, Withdrawal
from knotwork.directory.models import Setting
from knotwork.pupils.models import Pupil


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class OwnerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


def _choose(choices: Sequence[tuple[Any, str]], prompt: str) -> list[tuple[Any, str]]:
    return [("", prompt), *choices]


ROLE_CHOICES = list(IncidentPupil.Role.choices)


class IncidentForm(forms.Form):
    """An incident's details. With ``settings`` it records a new one (the setting chosen);
    without, it edits one (the version it was read at travels with it)."""

    setting = forms.ModelChoiceField(
        label="Setting", queryset=Setting.objects.none(), empty_label=None
    )
    occurred_on = forms.DateField(label="Date", widget=DateInput())
    occurred_time = forms.TimeField(
        label="Time", widget=TimeInput(), help_text="For example, 13:20"
    )
    place = forms.ChoiceField(label="Where", choices=_choose(Incident.Place.choices, "Choose"))
    kind = forms.ChoiceField(
        label="What happened", choices=_choose(Incident.Kind.choices, "Choose")
    )
    severity = forms.TypedChoiceField(
        label="Severity", choices=Incident.Severity.choices, coerce=int
    )
    bullying = forms.ChoiceField(
        label="Bullying", choices=Incident.Bullying.choices, required=False
    )
    racist = forms.BooleanField(
        label="A racist incident (reportable to the local authority)", required=False
    )
    description = forms.CharField(
        label="Description", widget=forms.Textarea, required=False, max_length=5000
    )
    staff_involved = forms.CharField(label="Staff involved", required=False, max_length=300)
    action_taken = forms.CharField(label="Action taken", required=False, max_length=300)
    follow_up_owner = OwnerField(
        label="Follow-up owner",
        queryset=User.objects.none(),
        required=False,
        empty_label="No follow-up",
    )
    follow_up_on = forms.DateField(label="Follow-up by", widget=DateInput(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        owners: QuerySet[User],
        settings: Sequence[Setting] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["follow_up_owner"].queryset = owners  # type: ignore[attr-defined]
        if settings is None:
            del self.fields["setting"]
            self.fields["version"].required = True
        else:
            self.fields["setting"].queryset = Setting.objects.filter(  # type: ignore[attr-defined]
                pk__in=[s.pk for s in settings]
            ).order_by("name")
            del self.fields["version"]

    def chosen_setting(self) -> Setting | None:
        """The setting chosen so far, before the rest is checked (for the pupil picker)."""
        if "setting" not in self.fields:
            return None
        value = self.data.get("setting") if self.is_bound else self.initial.get("setting")
        try:
            setting: Setting | None = self.fields["setting"].clean(value)
        except forms.ValidationError:
            return None
        return setting

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, moment = data.get("occurred_on"), data.get("occurred_time")
        if day and moment:
            occurred_at = timezone.make_aware(datetime.datetime.combine(day, moment))
            if occurred_at > timezone.now():
                self.add_error("occurred_on", "The incident cannot be in the future.")
            data["occurred_at"] = occurred_at
        if data.get("bullying") == Incident.Bullying.RACIST:
            data["racist"] = True
        owner, by = data.get("follow_up_owner"), data.get("follow_up_on")
        if owner is not None and by is None:
            self.add_error("follow_up_on", "Enter the date the follow-up is due.")
        if by is not None and owner is None:
            self.add_error("follow_up_owner", "Choose who will follow it up.")
        return data

    def details(self) -> dict[str, Any]:
        """The service's keyword arguments for the incident's fields."""
        data = self.cleaned_data
        names = (
            "place", "kind", "severity", "bullying", "racist", "description",
            "staff_involved", "action_taken", "follow_up_owner", "follow_up_on",
        )  # fmt: skip
        return {"occurred_at": data["occurred_at"], **{name: data[name] for name in names}}


# --- The pupils named on a new incident ---------------------------------------------------------

#: The most pupils one incident form carries.
MAX_ROWS = 30


@dataclass
class PupilRow:
    """A pupil named on the form: their uuid, their part, and the pupil once looked up."""

    uuid: str
    role: str
    pupil: Pupil | None = None
    error: str = ""


class PupilRows:
    """The rows of pupils (pupil + role) on the new incident form, and the picker that adds
    one more. It works without JavaScript: each button posts the whole form back with an
    ``action`` (``find``, ``add``, ``remove``, ``save``) and the page comes back with
    everything typed kept."""

    def __init__(self, data: Mapping[str, Any] | None) -> None:
        data = data or {}
        self.rows: list[PupilRow] = []
        for i in range(MAX_ROWS):
            uuid = data.get(f"pupil-{i}")
            if uuid:
                self.rows.append(PupilRow(str(uuid).strip(), str(data.get(f"role-{i}", ""))))
        self.find = str(data.get("find", "")).strip()[:100]
        self.chosen = str(data.get("chosen", "")).strip()
        self.chosen_role = str(data.get("chosen_role", ""))
        action = str(data.get("action", ""))
        self.remove_index: int | None = None
        if action.startswith("remove-") and action[7:].isdigit():
            self.remove_index, action = int(action[7:]), "remove"
        self.action = action
        self.errors: list[str] = []
        self.picker_error = ""

    def uuids(self) -> list[str]:
        return [r.uuid for r in self.rows] + ([self.chosen] if self.chosen else [])

    def resolve(self, pupils: Mapping[str, Pupil]) -> None:
        """Attach the pupils looked up (those the user may change); unknown rows are flagged."""
        for row in self.rows:
            row.pupil = pupils.get(row.uuid)
            row.error = "" if row.pupil else "You cannot name this pupil."

    def remove(self) -> None:
        if self.remove_index is not None and 0 <= self.remove_index < len(self.rows):
            del self.rows[self.remove_index]

    def add_chosen(self, pupils: Mapping[str, Pupil]) -> bool:
        """Add the pupil chosen in the picker, in the role chosen; False (and why) if not."""
        pupil = pupils.get(self.chosen)
        if pupil is None:
            self.picker_error = "Find a pupil and choose them from the list."
        elif self.chosen_role not in IncidentPupil.Role.values:
            self.picker_error = "Choose the pupil's part in the incident."
        elif any(r.uuid == self.chosen for r in self.rows):
            self.picker_error = f"{pupil.display_name} is already named."
        elif len(self.rows) >= MAX_ROWS:
            self.picker_error = f"One incident can name up to {MAX_ROWS} pupils."
        else:
            self.rows.append(PupilRow(self.chosen, self.chosen_role, pupil))
            self.find = self.chosen = self.chosen_role = ""
            return True
        return False

    def is_valid(self) -> bool:
        """After ``resolve``: at least one pupil, each one the user may name, in a part."""
        self.errors = []
        if not self.rows:
            self.errors.append("Name at least one pupil: find them, choose their part, then "
                               "press Add another pupil.")  # fmt: skip
        for row in self.rows:
            if row.pupil is None:
                self.errors.append("A pupil named cannot be found: remove them and add again.")
            elif row.role not in IncidentPupil.Role.values:
                row.error = "Choose this pupil's part in the incident."
                self.errors.append(f"Choose {row.pupil.display_name}'s part in the incident.")
        return not self.errors

    def named(self) -> list[tuple[Pupil, str]]:
        return [(r.pupil, r.role) for r in self.rows if r.pupil is not None]


# --- One pupil's part, on an incident's page ----------------------------------------------------


class PupilRoleForm(forms.Form):
    """Add a pupil to an incident, or change the part of a pupil it names."""

    chosen = forms.UUIDField(
        label="Pupil",
        error_messages={"required": "Find a pupil and choose them from the list."},
    )
    chosen_role = forms.ChoiceField(
        label="Part in the incident",
        choices=_choose(ROLE_CHOICES, "Choose"),
        error_messages={"required": "Choose the pupil's part in the incident."},
    )


class PupilRemoveForm(forms.Form):
    pupil = forms.UUIDField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    """A change to the whole incident, made at the version it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput)


# --- The list's filters -------------------------------------------------------------------------

FOLLOW_UP_CHOICES = [("", "Any"), ("open", "Follow-up due"), ("overdue", "Follow-up overdue")]
BULLYING_CHOICES = [
    ("", "Any incident"),
    ("any", "Any bullying"),
    *[(v, label) for v, label in Incident.Bullying.choices if v],
]


class ListFilterForm(forms.Form):
    """The incident list's filters, read from the query string (no names in them)."""

    setting = forms.ModelChoiceField(
        label="Setting", queryset=Setting.objects.none(), required=False, empty_label="All"
    )
    start = forms.DateField(label="From", widget=DateInput(), required=False)
    end = forms.DateField(label="To", widget=DateInput(), required=False)
    kind = forms.ChoiceField(
        label="What happened", choices=_choose(Incident.Kind.choices, "Any"), required=False
    )
    place = forms.ChoiceField(
        label="Where", choices=_choose(Incident.Place.choices, "Anywhere"), required=False
    )
    severity = forms.TypedChoiceField(
        label="Severity",
        choices=_choose(Incident.Severity.choices, "Any"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    bullying = forms.ChoiceField(label="Bullying", choices=BULLYING_CHOICES, required=False)
    racist = forms.BooleanField(label="Racist incidents only", required=False)
    follow_up = forms.ChoiceField(label="Follow-up", choices=FOLLOW_UP_CHOICES, required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, settings: QuerySet[Setting]) -> None:
        super().__init__({k: v for k, v in data.items() if k in self.base_fields})
        self.fields["setting"].queryset = settings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day must be on or after the first day.")
        return data


# --- Withdrawals ----------------------------------------------------------------------------------


class IncidentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        when = timezone.localtime(obj.occurred_at)
        return f"{when:%-d %b %Y %H:%M}: {obj.get_kind_display()}, {obj.get_place_display()}"


class WithdrawalForm(forms.Form):
    setting = forms.ModelChoiceField(
        label="Setting", queryset=Setting.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label="Where to", choices=_choose(Withdrawal.Kind.choices, "Choose"))
    date = forms.DateField(label="Date", widget=DateInput())
    sessions = forms.IntegerField(
        label="Sessions",
        required=False,
        min_value=1,
        max_value=20,
        help_text="Whole sessions (half days) out of lessons.",
    )
    minutes = forms.IntegerField(
        label="Minutes",
        required=False,
        min_value=1,
        max_value=600,
        help_text="Or, for a shorter use, the minutes out of lessons.",
    )
    incident = IncidentChoiceField(
        label="Incident it followed (optional)",
        queryset=Incident.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(
        self,
        *args: Any,
        settings: Sequence[Setting],
        incidents: QuerySet[Incident],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = Setting.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in settings]
        ).order_by("name")
        self.fields["incident"].queryset = Incident.objects.filter(  # type: ignore[attr-defined]
            pk__in=[i.pk for i in incidents]
        ).order_by("-occurred_at", "-id")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("sessions") and not data.get("minutes") and not self.has_error("sessions"):
            self.add_error("sessions", "Enter the sessions or the minutes out of lessons.")
        day = data.get("date")
        if day and day > timezone.localdate():
            self.add_error("date", "The date cannot be in the future.")
        return data


# --- The patterns page ----------------------------------------------------------------------------

COUNTED_CHOICES = [
    ("responsible", "Pupils who instigated or were involved"),
    ("target", "Pupils who were targets"),
    ("all", "Pupils in any part, witnesses too"),
]


class PatternFilterForm(forms.Form):
    """The patterns page's filters, read from the query string: a setting (or all of those
    in scope), a date window, what happened, bullying only, and who the groups count."""

    setting = forms.ModelChoiceField(
        label="Setting", queryset=Setting.objects.none(), required=False, empty_label="All"
    )
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())
    kind = forms.ChoiceField(
        label="What happened", choices=_choose(Incident.Kind.choices, "Any"), required=False
    )
    bullying = forms.BooleanField(label="Bullying only", required=False)
    counted = forms.ChoiceField(label="Pupil groups count", choices=COUNTED_CHOICES)

    def __init__(
        self,
        data: Any,
        *,
        settings: Sequence[Setting],
        everything_label: str,
        start: datetime.date,
        end: datetime.date,
    ) -> None:
        defaults = {"start": start.isoformat(), "end": end.isoformat(), "counted": "responsible"}
        given = {k: v for k, v in data.items() if k in self.base_fields and v != ""}
        super().__init__({**defaults, **given})
        field = self.fields["setting"]
        field.queryset = Setting.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in settings]
        ).order_by("name")
        field.empty_label = everything_label  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day must be on or after the first day.")
        elif start and end and (end - start).days > 3 * 366:
            self.add_error("start", "Choose dates no more than three years apart.")
        return data

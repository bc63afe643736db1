"""Input for the parent contact log: clean and validate only; the service saves."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from knotwork.directory.models import Setting
from knotwork.pupils.models import Contact
from knotwork.pupils.parent_contact_models import ParentContact
from knotwork.pupils.parent_contact_services import NOTE_MAX


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class _ContactChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.relationship})"


class ParentContactForm(forms.Form):
    contact = _ContactChoice(
        label="Parent or carer",
        queryset=Contact.objects.none(),
        empty_label="Choose one",
        error_messages={"required": "Choose the parent or carer."},
    )
    channel = forms.ChoiceField(
        label="How",
        choices=[("", "Choose one"), *ParentContact.Channel.choices],
        error_messages={"required": "Choose how the contact was made."},
    )
    direction = forms.ChoiceField(
        label="Who contacted whom",
        choices=[("", "Choose one"), *ParentContact.Direction.choices],
        error_messages={"required": "Choose who contacted whom."},
    )
    on = forms.DateField(
        label="Date",
        widget=_DateInput(),
        error_messages={"required": "Enter the date.", "invalid": "Enter a real date."},
    )
    time = forms.TimeField(
        label="Time",
        widget=_TimeInput(),
        error_messages={"required": "Enter the time.", "invalid": "Enter a time like 09:30."},
    )
    setting = forms.ModelChoiceField(
        label="Setting", queryset=Setting.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label="Note",
        help_text="What was said or agreed, briefly and to the facts.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX,
        error_messages={
            "required": "Write a short note of the contact.",
            "max_length": f"Keep the note to {NOTE_MAX} characters or fewer.",
        },
    )

    def __init__(
        self,
        *args: Any,
        contacts: QuerySet[Contact],
        settings: Sequence[Setting],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        contact_field = self.fields["contact"]
        setting_field = self.fields["setting"]
        assert isinstance(contact_field, forms.ModelChoiceField)
        assert isinstance(setting_field, forms.ModelChoiceField)
        contact_field.queryset = contacts
        setting_field.queryset = Setting.objects.filter(pk__in=[s.pk for s in settings])

    def at(self) -> datetime.datetime:
        """The date and time entered, in the school's time zone."""
        naive = datetime.datetime.combine(self.cleaned_data["on"], self.cleaned_data["time"])
        return timezone.make_aware(naive)

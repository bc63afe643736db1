"""Forms of the managed-move pages: clean and validate only (saving is in
``move_services``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from knotwork.casework.referral_forms import DateInput
from knotwork.directory.models import Setting
from knotwork.placements.move_models import ManagedMove, ManagedMoveReview


class MoveForm(forms.Form):
    to_setting = forms.ModelChoiceField(label="Receiving school", queryset=Setting.objects.none())
    reason = forms.CharField(label="Why the move", widget=forms.Textarea, max_length=3000)
    support = forms.CharField(
        label="Support offered", widget=forms.Textarea, max_length=3000, required=False
    )
    parent_agreed_on = forms.DateField(label="Parents agreed on", widget=DateInput())
    pupil_agreed_on = forms.DateField(
        label="Pupil's views heard on", widget=DateInput(), required=False
    )
    starts_on = forms.DateField(label="Starts on", widget=DateInput())
    trial_ends_on = forms.DateField(
        label="Trial ends on",
        widget=DateInput(),
        required=False,
        help_text="At least six weeks after the start; six weeks if left empty.",
    )

    def __init__(self, *args: Any, receiving: Sequence[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_setting"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Setting.objects.filter(pk__in=[s.pk for s in receiving]).order_by("name")


class ReviewForm(forms.Form):
    held_on = forms.DateField(label="Review held on", widget=DateInput())
    progress = forms.ChoiceField(
        label="How it is going", choices=ManagedMoveReview.Progress.choices
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False, max_length=3000)


OUTCOMES = [
    (ManagedMove.Status.PERMANENT, "Made permanent"),
    (ManagedMove.Status.RETURNED, "Returned to the home school"),
    (ManagedMove.Status.BROKE_DOWN, "Broke down"),
]


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label="Outcome", choices=OUTCOMES)
    on = forms.DateField(
        label="From",
        widget=DateInput(),
        help_text="Made permanent: the first day on the new school's roll alone.",
    )

"""Input for the concern pages: clean and validate only; the services save."""

from __future__ import annotations

from django import forms

from knotwork.casework.models import Concern, TriggerRule


class ConcernRaiseForm(forms.Form):
    sign = forms.ChoiceField(
        label="What have you noticed?",
        choices=[("", "Choose one"), *Concern.Sign.choices],
        error_messages={"required": "Choose the sign you noticed."},
    )
    note = forms.CharField(
        label="What did you see?",
        help_text="Say what you saw and when. Keep to the facts.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Say what you noticed."},
    )


class ConcernActForm(forms.Form):
    """The version the page was showing, so a stale action is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConcernDismissForm(ConcernActForm):
    reason = forms.CharField(
        label="Why is the concern dismissed?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why the concern is dismissed.",
            "max_length": "Say why in 300 characters or fewer.",
        },
    )


class WorklistFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Open and acknowledged")]
        + [(s.value, s.label) for s in Concern.Status if s in Concern.ACTIVE],
    )
    source = forms.ChoiceField(
        label="Raised by", required=False, choices=[("", "Any"), *Concern.Source.choices]
    )
    kind = forms.ChoiceField(
        label="Trigger point", required=False, choices=[("", "Any"), *TriggerRule.Kind.choices]
    )

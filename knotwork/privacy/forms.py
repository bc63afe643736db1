"""Input for the privacy pages: clean and validate only; the services save."""

from __future__ import annotations

from django import forms

from knotwork.core.models import AuditEntry
from knotwork.privacy.services import REASON_MAX
from knotwork.pupils.rules import InvalidUPN, validate_upn


class UPNForm(forms.Form):
    """A pupil picked by UPN, posted so it never sits in a URL."""

    upn = forms.CharField(
        label="The pupil's UPN",
        help_text="The 13-character unique pupil number, for example A801200001001.",
        max_length=20,
        error_messages={"required": "Enter the pupil's UPN."},
    )

    def clean_upn(self) -> str:
        try:
            return validate_upn(self.cleaned_data["upn"])
        except InvalidUPN as exc:
            raise forms.ValidationError(str(exc)) from exc


class BreakGlassForm(UPNForm):
    reason = forms.CharField(
        label="Why must you see this record now?",
        help_text="The safeguarding concern, in your own words. Your data protection lead "
        "reads it.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=REASON_MAX,
        error_messages={
            "required": "Say why you need to open this record.",
            "max_length": f"Say why in {REASON_MAX} characters or fewer.",
        },
    )
    understood = forms.BooleanField(
        label="I understand that breaking glass is logged and reported to the partnership's "
        "data protection lead",
        error_messages={"required": "Confirm that you understand this is logged and reported."},
    )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label="Your review",
        help_text="Whether the reason justified opening the record, and anything done.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": "Say what you found.",
            "max_length": "Keep the review to 2000 characters or fewer.",
        },
    )


class ViewLogFilterForm(forms.Form):
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any"), *AuditEntry.Action.choices]
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date must be on or after the start date.")
        return data

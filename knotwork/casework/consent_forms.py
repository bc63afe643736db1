"""Forms of the consent and sharing pages: clean and validate only (``consent_services``
saves, and checks again what the forms check)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from knotwork.accounts.models import User
from knotwork.casework.case_forms import DateInput, PersonField
from knotwork.casework.consent_models import ConsentRecord, Section, SharingDecision
from knotwork.casework.consent_models import SpecialCondition as Condition
from knotwork.directory.models import Organisation


def _sections() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Which parts of the record may be shared",
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one part of the record to share."},
    )


def _organisation(queryset: QuerySet[Organisation]) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label="Shared with",
        queryset=queryset,
        empty_label="Choose an organisation",
        error_messages={"required": "Choose who the record is shared with."},
    )


class ConsentForm(forms.Form):
    given_by = forms.ChoiceField(
        label="Who gave consent",
        choices=[("", "Choose one"), *ConsentRecord.GivenBy.choices],
        error_messages={"required": "Choose who gave consent."},
    )
    given_by_name = forms.CharField(
        label="Their name",
        max_length=120,
        error_messages={"required": "Give the name of who gave consent."},
    )
    sections = _sections()
    given_on = forms.DateField(
        label="Date given",
        widget=DateInput(),
        error_messages={"required": "Give the date consent was given.", "invalid": "Give a date."},
    )
    expires_on = forms.DateField(
        label="Expires after",
        required=False,
        widget=DateInput(),
        help_text="The last day it holds. Leave empty if it holds until withdrawn.",
        error_messages={"invalid": "Give a date."},
    )
    note = forms.CharField(
        label="What it is for",
        required=False,
        max_length=300,
        help_text="For example, the referral or the work it was asked for.",
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"organisation": _organisation(organisations), **self.fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given, expires = data.get("given_on"), data.get("expires_on")
        if given and expires and expires < given:
            self.add_error("expires_on", "The expiry date must be on or after the date given.")
        return data


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(
        label="Date withdrawn",
        widget=DateInput(),
        error_messages={
            "required": "Give the date consent was withdrawn.",
            "invalid": "Give a date.",
        },
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How it was withdrawn, for example by phone to the school office.",
    )


class DecisionForm(forms.Form):
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (UK GDPR Article 6)",
        choices=[("", "Choose one"), *((b.value, b.label) for b in SharingDecision.BASES)],
        error_messages={"required": "Choose the lawful basis relied on without consent."},
    )
    special_condition = forms.ChoiceField(
        label="Condition for special category data (Article 9)",
        choices=[("", "Choose one"), *Condition.choices],
        error_messages={"required": "Choose the condition for special category data."},
    )
    decided_by = PersonField(
        label="Who decided",
        queryset=User.objects.none(),
        empty_label="Choose one",
        error_messages={"required": "Choose who decided."},
    )
    decided_by_role = forms.CharField(
        label="Their role",
        max_length=120,
        help_text="For example, designated safeguarding lead.",
        error_messages={"required": "Give the role of who decided."},
    )
    reason = forms.CharField(
        label="Why sharing without consent is necessary",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why sharing without consent is necessary."},
    )
    sections = _sections()
    starts_on = forms.DateField(
        label="From",
        widget=DateInput(),
        error_messages={"required": "Give the first day.", "invalid": "Give a date."},
    )
    ends_on = forms.DateField(
        label="Until",
        widget=DateInput(),
        help_text="The last day it holds: a year at most, then decide again.",
        error_messages={"required": "Give the last day.", "invalid": "Give a date."},
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        people: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"organisation": _organisation(organisations), **self.fields}
        self.fields["decided_by"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if isinstance(starts, datetime.date) and isinstance(ends, datetime.date) and ends < starts:
            self.add_error("ends_on", "The last day must be on or after the first.")
        return data

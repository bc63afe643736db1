"""Forms of the attendance ladder pages: clean and validate only (saving is in ``ladder``)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet

from knotwork.accounts.models import User
from knotwork.attendance import ladder_rules as rules
from knotwork.pupils.models import Contact

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnerField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class ParentField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.relationship}, prefers {obj.get_preferred_channel_display()})"


class StepForm(forms.Form):
    """A new step of one kind: the fields depend on the kind (a penalty notice's amount is
    worked out, never typed; a panel has its targets)."""

    date = forms.DateField(label="Date", widget=_DATE, help_text="When it is taken or planned.")
    owner = OwnerField(label="Owner", queryset=User.objects.none(), empty_label=None)
    parent = ParentField(
        label="Addressed to", queryset=Contact.objects.none(), required=False, empty_label=None
    )
    review_on = forms.DateField(label="Review date", widget=_DATE, required=False)
    target_attendance = forms.DecimalField(
        label="Target attendance (%)", min_value=0, max_value=100, decimal_places=1
    )
    agreed_actions = forms.CharField(label="Agreed actions", widget=forms.Textarea, max_length=2000)
    contract_agreed = forms.BooleanField(label="Parenting contract agreed", required=False)

    def __init__(
        self,
        *args: Any,
        kind: str,
        owners: QuerySet[User],
        parents: QuerySet[Contact] | list[Contact],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        if kind in rules.TO_A_PARENT:
            ids = [p.pk for p in parents]
            self.fields["parent"].queryset = Contact.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
            self.fields["parent"].required = True
            self.fields["parent"].help_text = (
                "A parent or carer with parental responsibility; "
                "it goes by their preferred channel."
            )
        else:
            del self.fields["parent"]
        if kind == rules.PANEL:
            self.fields["review_on"].required = True
            self.fields["review_on"].help_text = "When the targets will be reviewed."
        else:
            for name in ("target_attendance", "agreed_actions", "contract_agreed"):
                del self.fields[name]
            self.fields["review_on"].help_text = "When to look at attendance again (optional)."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day: datetime.date | None = data.get("date")
        review: datetime.date | None = data.get("review_on")
        if day and review and review < day:
            self.add_error("review_on", "The review date must be on or after the step's date.")
        return data

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        if self.kind != rules.PANEL:
            return {}
        return {
            "target_attendance": data["target_attendance"],
            "agreed_actions": data["agreed_actions"],
            "contract_agreed": data["contract_agreed"],
        }


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        max_length=200,
        widget=forms.Textarea,
        help_text="What happened: for a letter, how it was sent and any reply.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why is it withdrawn?", max_length=200, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)

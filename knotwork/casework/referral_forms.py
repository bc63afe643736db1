"""Forms of the referral pages: clean and validate only (saving is in ``referral_services``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from knotwork.accounts.models import User
from knotwork.casework.models import AgencyService, Referral
from knotwork.directory.models import Organisation, Partnership
from knotwork.pupils.models import PupilLink


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


#: A destination's choice value: "service:<uuid>" or "panel:<uuid>".
Destination = tuple[str, list[tuple[str, str]]]


class ReferralForm(forms.Form):
    """A new referral. ``destinations`` are the services grouped by agency, then the panel."""

    from_organisation = forms.ModelChoiceField(
        label="Referring for", queryset=Organisation.objects.none(), empty_label=None
    )
    destination = forms.ChoiceField(label="Refer to")
    urgency = forms.ChoiceField(label="Urgency", choices=Referral.Urgency.choices)
    reason = forms.CharField(
        label="Reason for the referral", widget=forms.Textarea, max_length=5000
    )
    evidence = forms.CharField(
        label="What the school has tried and seen",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )
    lawful_basis = forms.ChoiceField(
        label="Consent or lawful basis for sharing",
        choices=[("", "Choose"), *PupilLink.LawfulBasis.choices],
    )
    basis_decided_by = PersonField(
        label="Who decided to share", queryset=User.objects.none(), empty_label=None
    )
    basis_note = forms.CharField(
        label="Why, where there is no consent", required=False, max_length=300
    )
    concern = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        organisations: Sequence[Organisation],
        destinations: Sequence[Destination],
        deciders: Sequence[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["from_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        decided = self.fields["basis_decided_by"]
        assert isinstance(decided, forms.ModelChoiceField)
        decided.queryset = User.objects.filter(pk__in=[u.pk for u in deciders])
        destination = self.fields["destination"]
        assert isinstance(destination, forms.ChoiceField)
        destination.choices = [("", "Choose a service"), *destinations]
        self.destinations = destinations

    def target(self) -> tuple[AgencyService | None, Partnership | None]:
        """The service or panel chosen (after ``is_valid``)."""
        kind, _, key = self.cleaned_data["destination"].partition(":")
        if kind == "service":
            return AgencyService.objects.select_related("organisation").get(uuid=key), None
        return None, Partnership.objects.get(uuid=key)


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assigned_to = PersonField(label="Practitioner taking it on", queryset=User.objects.none())
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args: Any, people: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in people])


class ReasonForm(forms.Form):
    """Declining or closing: the reason is required."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Reason", max_length=300)


class WaitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="Note", required=False, max_length=300)


class StartForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    started_on = forms.DateField(label="Date of the first session", widget=DateInput())


class InboxFilterForm(forms.Form):
    SHOW = [("open", "Open"), ("all", "All"), *Referral.Status.choices]

    show = forms.ChoiceField(label="Show", choices=SHOW, required=False)
    urgency = forms.ChoiceField(
        label="Urgency", choices=[("", "Any"), *Referral.Urgency.choices], required=False
    )
    service = forms.ModelChoiceField(
        label="Service",
        queryset=AgencyService.objects.none(),
        required=False,
        empty_label="Any",
        to_field_name="uuid",
    )
    overdue = forms.BooleanField(label="Only those past the target", required=False)
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, services: Sequence[AgencyService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = AgencyService.objects.filter(pk__in=[s.pk for s in services])

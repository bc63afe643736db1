"""Forms of the panel pages: clean and validate only (saving is in ``panel_services``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from knotwork.accounts.models import User
from knotwork.casework.referral_forms import DateInput, PersonField
from knotwork.directory.models import Organisation
from knotwork.placements.panel_models import AgendaItem, MeetingAttendance, PanelMember


class ItemForm(forms.Form):
    """A case put forward: the pupil by UPN (posted, never in a URL), or other business."""

    kind = forms.ChoiceField(label="What the panel is asked about", choices=AgendaItem.Kind.choices)
    upn = forms.CharField(
        label="Pupil's UPN",
        required=False,
        max_length=13,
        help_text="Leave empty for other business.",
    )
    organisation = forms.ModelChoiceField(
        label="Put forward by", queryset=Organisation.objects.none(), empty_label=None
    )
    summary = forms.CharField(
        label="What the panel is asked to decide", widget=forms.Textarea, max_length=3000
    )

    def __init__(self, *args: Any, organisations: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])

    def clean_upn(self) -> str:
        return str(self.cleaned_data["upn"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and data["kind"] != AgendaItem.Kind.OTHER and not data.get("upn"):
            self.add_error("upn", "Give the pupil's UPN.")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="The panel's decision", choices=[("", "Choose"), *AgendaItem.Decision.choices]
    )
    note = forms.CharField(label="Note of the decision", required=False, max_length=2000)


class AttendanceForm(forms.Form):
    """One choice for each member of the panel."""

    def __init__(self, *args: Any, members: Sequence[PanelMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for member in self.members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=member.organisation.name,
                choices=MeetingAttendance.Status.choices,
                initial=MeetingAttendance.Status.ATTENDED,
            )

    def statuses(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data[f"member_{m.pk}"] for m in self.members}


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", max_length=300)
    owner = PersonField(label="Owner", queryset=User.objects.none(), empty_label=None)
    due_on = forms.DateField(label="Due by", widget=DateInput())
    item = forms.ChoiceField(label="For agenda item", required=False)

    def __init__(
        self,
        *args: Any,
        people: Sequence[User],
        items: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(pk__in=[u.pk for u in people]).order_by(
            "first_name", "last_name"
        )
        item = self.fields["item"]
        assert isinstance(item, forms.ChoiceField)
        item.choices = [("", "The meeting as a whole"), *items]


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="Date of the meeting", widget=DateInput())


class DoneForm(forms.Form):
    done_on = forms.DateField(label="Done on", widget=DateInput())


class MemberForm(forms.Form):
    """A seat for an organisation: which, its role, and whether it is expected."""

    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), empty_label="Choose"
    )
    role = forms.ChoiceField(
        label="Role on the panel", choices=[("", "Choose"), *PanelMember.Role.choices]
    )
    expected = forms.BooleanField(
        label="Expected at every meeting",
        required=False,
        initial=True,
        help_text="Leave unticked for members who come on occasion (FE and primary links).",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations


class MemberEndForm(forms.Form):
    ended_on = forms.DateField(label="Last day on the panel", widget=DateInput())

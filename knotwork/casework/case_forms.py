"""Forms of the case pages: clean and validate only (saving is in ``case_services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from knotwork.accounts.models import User
from knotwork.casework.case_models import Case, CaseMeasure, CaseMember, PlanAction
from knotwork.casework.case_rules import INTERVENTION_WEEKS
from knotwork.directory.models import Outcome, Setting


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class MemberChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.role})"


def _text(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea, help_text=help_text)


class CaseOpenForm(forms.Form):
    setting = forms.ModelChoiceField(
        label="Setting", queryset=Setting.objects.none(), empty_label=None
    )
    opened_on = forms.DateField(label="Opened on", widget=DateInput())
    lead = PersonField(
        label="Lead professional or key worker", queryset=User.objects.none(), required=False
    )
    development_strengths = _text("The child's development: strengths")
    development_needs = _text("The child's development: needs")
    parenting_strengths = _text("Parenting capacity: strengths")
    parenting_needs = _text("Parenting capacity: needs")
    family_strengths = _text("Family and environment: strengths")
    family_needs = _text("Family and environment: needs")
    common_approach = _text("The common approach agreed")
    responsibility = _text("Who takes responsibility for what")
    school_feedback = _text("How feedback reaches the school")
    key_contacts = _text("Key contacts for each agency")
    monitoring = _text("Monitoring and follow-up")
    parent_involvement = _text("How parents and carers are involved")
    information_protocol = _text("The information sharing protocol")
    outcomes = forms.ModelMultipleChoiceField(
        label="Outcomes the plan serves",
        queryset=Outcome.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.MultipleChoiceField(
        label="Measures to judge the intervention by",
        choices=CaseMeasure.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measure_weeks = forms.IntegerField(
        label="Weeks the intervention runs", min_value=1, max_value=52, initial=INTERVENTION_WEEKS
    )

    def __init__(
        self, *args: Any, settings: QuerySet[Setting], leads: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = settings  # type: ignore[attr-defined]
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    user = PersonField(
        label="Someone with an account", queryset=User.objects.none(), required=False
    )
    name = forms.CharField(label="Or the person's name", max_length=120, required=False)
    organisation_name = forms.CharField(label="Their organisation", max_length=120, required=False)
    role = forms.CharField(label="Role on the team", max_length=120)
    starts_on = forms.DateField(label="From", widget=DateInput())

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    what = forms.CharField(label="What", max_length=300)
    owner = PersonField(label="Owner on the team", queryset=User.objects.none(), required=False)
    owner_name = forms.CharField(label="Or the owner's name", max_length=120, required=False)
    due_on = forms.DateField(label="Due by", widget=DateInput())
    status = forms.ChoiceField(
        label="Status", choices=PlanAction.Status.choices, initial=PlanAction.Status.NOT_STARTED
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    held_on = forms.DateField(label="Held on", widget=DateInput())
    attendees = MemberChoices(
        label="Team members at the meeting",
        queryset=CaseMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    others_present = forms.CharField(label="Anyone else there", max_length=300, required=False)
    child_view = forms.CharField(label="The child's view", widget=forms.Textarea)
    parent_view = _text("The parent's or carer's view")
    other_views = _text("Others' views")
    working = _text("What is working")
    goals = _text("Goals")
    scale_now = forms.IntegerField(label="Where are we now (1-10)", min_value=1, max_value=10)
    scale_goal = forms.IntegerField(
        label="Where do we want to be (1-10)", min_value=1, max_value=10
    )
    next_steps = _text("Agreed next steps")
    starts_intervention = forms.BooleanField(
        label="This review starts a new intervention", required=False
    )

    def __init__(self, *args: Any, members: QuerySet[CaseMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = members  # type: ignore[attr-defined]


class ReviewBookForm(forms.Form):
    next_review_on = forms.DateField(label="Date of the next review", widget=DateInput())
    where = forms.CharField(label="Where it meets", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="Closed on", widget=DateInput())
    closure_reason = forms.ChoiceField(
        label="Why the case is closing", choices=[("", "Choose"), *Case.ClosureReason.choices]
    )
    exit_summary = forms.CharField(label="Exit summary", widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)


class LeadForm(forms.Form):
    lead = PersonField(label="New lead professional", queryset=User.objects.none())
    changed_on = forms.DateField(label="From", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, leads: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

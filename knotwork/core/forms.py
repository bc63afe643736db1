from django import forms
from django.core.exceptions import ValidationError

from knotwork.pupils.rules import InvalidUPN, validate_upn


class AuditLookupForm(forms.Form):
    upn = forms.CharField(label="UPN", max_length=20)

    def clean_upn(self) -> str:
        try:
            return validate_upn(self.cleaned_data["upn"])
        except InvalidUPN as exc:
            raise forms.ValidationError(str(exc)) from exc


def show_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)

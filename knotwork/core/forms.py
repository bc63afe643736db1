from django import forms

from knotwork.pupils.rules import InvalidUPN, validate_upn


class AuditLookupForm(forms.Form):
    upn = forms.CharField(label="UPN", max_length=20)

    def clean_upn(self) -> str:
        try:
            return validate_upn(self.cleaned_data["upn"])
        except InvalidUPN as exc:
            raise forms.ValidationError(str(exc)) from exc

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier
from ehsaas.portal.cnic import EXAMPLE, example_cnic_lazy, parse_cnic


class CheckForm(forms.Form):
    """A CNIC typed on the public page: 13 digits, with or without dashes."""

    cnic = forms.CharField(
        label=_("CNIC number"),
        max_length=40,
        help_text=format_lazy("{}: {}", _("13 digits, with or without dashes"), example_cnic_lazy()),
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg ltr-data",
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": EXAMPLE,
                "dir": "ltr",
            }
        ),
    )

    def clean_cnic(self) -> str:
        try:
            return parse_cnic(self.cleaned_data["cnic"])
        except InvalidIdentifier as error:
            raise ValidationError(str(error), code="invalid_cnic") from None

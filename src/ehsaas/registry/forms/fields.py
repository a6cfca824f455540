"""Form fields that several registry forms ask for in the same way."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ehsaas.registry import choices as c


def id_type_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("ID type"), choices=c.IdType.choices, initial=c.IdType.NONE)


def id_number_field() -> forms.CharField:
    """A CNIC or B-form number as people type it: dashes optional, digits left to right in Urdu too."""
    return forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "placeholder": "NNNNN-NNNNNNN-N", "dir": "ltr"}
        ),
    )

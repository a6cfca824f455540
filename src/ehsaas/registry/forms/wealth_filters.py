"""Forms of the wealth filter pages: importing a list and asking for an override; deciding one is
`forms.decision`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ehsaas.registry import choices as c
from ehsaas.registry.forms.changes import style

ACCEPTED = ".csv,text/csv"


class WealthListImportForm(forms.Form):
    """A list file and what it is: its source, the agency that sent it, the date it is true as of."""

    source = forms.ChoiceField(label=_("Source"), choices=c.WealthSource.choices)
    agency = forms.CharField(
        label=_("Agency"),
        max_length=200,
        help_text=_("The agency that sent the list, e.g. Excise and Taxation, Punjab"),
    )
    as_of = forms.DateField(
        label=_("As of"),
        help_text=_("The date the list is true as of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(
        label=_("List file"),
        help_text=_("CSV with a cnic column; name and detail columns are optional"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Choose a .csv file."))
        return upload


class WealthOverrideRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why the person should not be excluded, and what was seen, e.g. Retired in 2019; pension letter seen"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

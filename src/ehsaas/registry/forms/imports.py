from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPTED = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    """Two CSV files, or one workbook with a households sheet and a members sheet."""

    households = forms.FileField(
        label=_("Households file"),
        help_text=_("households.csv, or an XLSX workbook with two sheets: households and members"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )
    members = forms.FileField(
        label=_("Members file"),
        required=False,
        help_text=_("members.csv; leave empty when the households file is a workbook with both sheets"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def clean(self):
        data = super().clean()
        households, members = data.get("households"), data.get("members")
        for field, upload in (("households", households), ("members", members)):
            if upload and not upload.name.lower().endswith((".csv", ".xlsx")):
                self.add_error(field, _("Choose a .csv or .xlsx file."))
        if households and not members and not households.name.lower().endswith(".xlsx"):
            self.add_error("members", _("A members file is needed unless the households file is a workbook."))
        return data

"""Forms of the programme pages: a programme's settings, its benefit table and conditions as formsets,
the households to test its rules on, and the decisions on an enrolment list. The rules themselves are
checked by the service, which knows the other programmes and the geography."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ehsaas.programs.choices import (
    BeneficiaryStatus,
    BenefitKind,
    ComplianceFileKind,
    ConditionKind,
    HealthVisitKind,
)
from ehsaas.programs.models import Programme
from ehsaas.programs.quarters import InvalidQuarter, Quarter
from ehsaas.registry.forms.changes import style

RULE_WIDGET = {"rows": 2, "dir": "ltr", "class": "form-control font-monospace", "spellcheck": "false"}


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["code", "name_en", "name_ur", "description", "unit", "one_per_household", "eligibility",
                  "frequency", "benefit_cap", "budget", "quota", "starts_on", "ends_on", "takes_applications",
                  "parameters"]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "eligibility": forms.Textarea(attrs=RULE_WIDGET),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "name_ur": forms.TextInput(attrs={"dir": "rtl", "lang": "ur"}),
            "parameters": forms.Textarea(attrs={**RULE_WIDGET, "rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["dir"] = "ltr"
        style(self)

    def clean_parameters(self) -> dict:
        parameters = self.cleaned_data.get("parameters")
        if parameters in (None, ""):
            return {}
        if not isinstance(parameters, dict):
            raise forms.ValidationError(_("The settings are a JSON object: {…}."))
        return parameters

    def clean(self):
        data = super().clean()
        if data.get("ends_on") and data.get("starts_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A programme ends after it starts."))
        return data


class BenefitLineForm(forms.Form):
    # Initial values equal to what an untouched row sends, so that empty extra rows are left out.
    kind = forms.ChoiceField(label=_("Kind"), choices=BenefitKind.choices, initial=BenefitKind.BASE)
    label = forms.CharField(label=_("Label"), max_length=120)
    condition = forms.CharField(label=_("When"), required=False, widget=forms.Textarea(attrs=RULE_WIDGET))
    amount = forms.IntegerField(label=_("Amount (Rs)"), min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ConditionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ConditionKind.choices, initial=ConditionKind.SCHOOL_ATTENDANCE
    )
    minimum = forms.IntegerField(label=_("At least"), min_value=0, max_value=100)
    applies_when = forms.CharField(
        label=_("Applies when"), required=False, widget=forms.Textarea(attrs=RULE_WIDGET)
    )
    suspend_after = forms.IntegerField(label=_("Suspend after (quarters missed)"), min_value=1, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


BenefitFormSet = forms.formset_factory(BenefitLineForm, extra=2, can_delete=True)
ConditionFormSet = forms.formset_factory(ConditionForm, extra=1, can_delete=True)


def kept_rows(formset) -> list[dict]:
    """The filled rows of a valid formset, in order, without those marked for deletion."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class TestHouseholdsForm(forms.Form):
    households = forms.CharField(
        label=_("Households"), required=False,
        help_text=_("Household numbers separated by commas or spaces; leave empty for a random sample"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_households(self) -> list[str]:
        return [ref for ref in self.cleaned_data["households"].replace(",", " ").split() if ref]


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class BeneficiaryStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=BeneficiaryStatus.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


# Conditionalities.

COMPLIANCE_FILE_LIMIT = 10 * 1024 * 1024  # a district's schools in one file; larger files by the command


class ComplianceFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ComplianceFileKind.choices)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with a header line, at most 10 MB; larger files are imported with "
                    "“ehsaas conditions import”."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > COMPLIANCE_FILE_LIMIT:
            raise forms.ValidationError(_("The file is larger than 10 MB: import it with the command."))
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Send a CSV file (its name ends in .csv)."))
        return upload


class EvaluateForm(forms.Form):
    quarter = forms.CharField(label=_("Quarter"), max_length=7, help_text=_("e.g. 2026-Q3"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].widget.attrs.update({"dir": "ltr", "class": "form-control", "size": 8})

    def clean_quarter(self) -> str:
        try:
            return str(Quarter.parse(self.cleaned_data["quarter"]))
        except InvalidQuarter as error:
            raise forms.ValidationError(str(error)) from None


class HealthVisitForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Person"), queryset=None)
    kind = forms.ChoiceField(label=_("Visit"), choices=HealthVisitKind.choices)
    visited_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    centre = forms.CharField(label=_("Health centre"), max_length=120, required=False)

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.filter(status="active").order_by("member_no")
        self.fields["member"].label_from_instance = lambda member: f"{member.member_no}. {member.full_name}"
        style(self)
        for field in self.fields.values():  # drawn small and without labels on the household's page
            field.widget.attrs["aria-label"] = field.label
            field.widget.attrs["class"] += (
                " form-select-sm" if "form-select" in field.widget.attrs["class"] else " form-control-sm"
            )
        self.fields["centre"].widget.attrs["placeholder"] = self.fields["centre"].label

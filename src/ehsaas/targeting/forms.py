from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ehsaas.registry.forms.changes import style
from ehsaas.targeting.simulation import Scenario
from ehsaas.targeting.weights_file import ParsedWeights, WeightsRefused, parse_weights

MAX_WEIGHTS_FILE = 1 << 20  # a weights file is a few kilobytes
MSG_TOO_LARGE = _("The weights file is larger than 1 MB: it cannot be a list of weights.")


class PmtModelForm(forms.Form):
    """Draft a model, or edit a draft: its numbers, and its weights from a CSV or JSON file. Numbers left
    blank are taken from a JSON file of a whole model."""

    version = forms.SlugField(
        label=_("Version"), max_length=64, help_text=_("A short unique name, e.g. 2027-hies")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    intercept = forms.FloatField(label=_("Intercept"), required=False)
    scale_low = forms.FloatField(label=_("Log consumption scored 0"), required=False)
    scale_high = forms.FloatField(label=_("Log consumption scored 100"), required=False)
    weights_file = forms.FileField(
        label=_("Weights file"),
        help_text=_("CSV with the columns indicator, weight and (optionally) reference_mean; or JSON"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("intercept", "scale_low", "scale_high", "version"):
            self.fields[name].widget.attrs["dir"] = "ltr"
        if editing:
            self.fields["weights_file"].required = False
            self.fields["weights_file"].help_text = _("Leave empty to keep the weights as they are")
            self.fields["version"].disabled = True
        style(self)

    def clean_weights_file(self) -> ParsedWeights | None:
        upload = self.cleaned_data.get("weights_file")
        if not upload:
            return None
        if upload.size > MAX_WEIGHTS_FILE:
            raise ValidationError(MSG_TOO_LARGE)
        try:
            return parse_weights(upload.read(), name=upload.name)
        except WeightsRefused as error:
            raise ValidationError(error.messages) from error

    def model_arguments(self) -> dict:
        """The service's arguments: blank numbers come from the file when it gives them."""
        data, parsed = self.cleaned_data, self.cleaned_data.get("weights_file")
        arguments = {
            "name": data["name"],
            "description": data["description"],
            **{
                k: data[k] if data[k] is not None else getattr(parsed, k, None)
                for k in ("intercept", "scale_low", "scale_high")
            },
        }
        if parsed is not None:
            arguments |= {"weights": parsed.weights, "reference_means": parsed.reference_means}
        return arguments


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ScoringForm(forms.Form):
    model = forms.ModelChoiceField(
        label=_("Model"), queryset=None, required=False, empty_label=_("The active model")
    )

    def __init__(self, *args, models=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = models
        self.fields["model"].to_field_name = "version"
        style(self)


class CalibrationForm(forms.Form):
    """A survey with consumption (the data contract's two CSV files), and where to cut."""

    households = forms.FileField(
        label=_("Households file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv"})
    )
    members = forms.FileField(
        label=_("Members file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv"})
    )
    cutoff = forms.FloatField(
        label=_("Cutoff"), required=False, min_value=0, max_value=100,
        help_text=_("Households scoring at or below it are selected; leave empty to give a coverage instead"),
    )  # fmt: skip
    coverage = forms.FloatField(
        label=_("Coverage (%)"), required=False, min_value=1, max_value=99,
        help_text=_("The share of households to select, when no cutoff is given"),
    )  # fmt: skip
    poor_share = forms.FloatField(
        label=_("Poor (%)"), initial=25, min_value=1, max_value=99,
        help_text=_("The poorest share of households by consumption per person that counts as poor"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self):
        data = super().clean()
        for field in ("households", "members"):
            upload = data.get(field)
            if upload and not upload.name.lower().endswith(".csv"):
                self.add_error(field, _("Choose a .csv file."))
        if data.get("cutoff") is not None and data.get("coverage") is not None:
            raise ValidationError(_("Give a cutoff or a coverage, not both."))
        return data


class SimulationForm(forms.Form):
    """A scenario: a model, its cutoffs, the benefit, and the data it runs on (the registry as it is, or
    a survey with consumption, for the inclusion and exclusion errors)."""

    REGISTRY, SURVEY = "registry", "survey"

    model = forms.ModelChoiceField(label=_("Model"), queryset=None, empty_label=None)
    cutoff = forms.FloatField(
        label=_("Cutoff"), min_value=0, max_value=100,
        help_text=_("A household qualifies when its score is at or below it"),
    )  # fmt: skip
    disabled_cutoff = forms.FloatField(
        label=_("Cutoff with a disabled member"), required=False, min_value=0, max_value=100,
        help_text=_("The higher cutoff for households with a disabled member; leave empty for none"),
    )  # fmt: skip
    benefit = forms.IntegerField(
        label=_("Benefit (Rs a quarter)"), min_value=0, help_text=_("What each qualifying household receives")
    )
    wealth_filters = forms.BooleanField(
        label=_("Keep out households excluded by a wealth filter"), required=False
    )
    source = forms.ChoiceField(
        label=_("Run on"),
        choices=[(REGISTRY, _("The registry, as it is now")), (SURVEY, _("A survey with consumption"))],
        widget=forms.RadioSelect,
    )
    households = forms.FileField(
        label=_("Survey households file"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )  # fmt: skip
    members = forms.FileField(
        label=_("Survey members file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )
    poor_share = forms.FloatField(
        label=_("Poor (%)"), initial=25, min_value=1, max_value=99, required=False,
        help_text=_("On a survey: the poorest share of households by consumption per person that counts as poor"),
    )  # fmt: skip

    def __init__(self, *args, models=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = models
        self.fields["model"].to_field_name = "version"
        style(self)

    def clean(self):
        data = super().clean()
        if data.get("source") == self.SURVEY:
            for field in ("households", "members"):
                upload = data.get(field)
                if not upload:
                    self.add_error(field, _("A survey needs both files."))
                elif not upload.name.lower().endswith(".csv"):
                    self.add_error(field, _("Choose a .csv file."))
        cutoff, second = data.get("cutoff"), data.get("disabled_cutoff")
        if cutoff is not None and second is not None and second < cutoff:
            self.add_error("disabled_cutoff", _("It must be at least the cutoff: it widens the selection."))
        return data

    def scenario(self) -> Scenario:
        data = self.cleaned_data
        return Scenario(
            cutoff=data["cutoff"],
            disabled_cutoff=data["disabled_cutoff"],
            benefit=data["benefit"],
            wealth_filters=data["wealth_filters"],
            poor_share=(data["poor_share"] or 25) / 100,
        )

    def survey_files(self) -> dict:
        if self.cleaned_data["source"] != self.SURVEY:
            return {}
        return {"households": self.cleaned_data["households"], "members": self.cleaned_data["members"]}

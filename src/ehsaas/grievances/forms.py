"""Forms of the complaint pages. They only shape the input: every rule is checked by the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import District
from ehsaas.grievances.choices import OPERATOR_CHANNELS, Channel
from ehsaas.grievances.models import Category

LANGUAGE_CHOICES = [("ur", _("Urdu")), ("en", _("English"))]


class DistrictChoice(forms.ModelChoiceField):
    def label_from_instance(self, district: District) -> str:
        return f"{district.name} ({district.province.name})"


def _districts():
    return District.objects.select_related("province").order_by("province__name_en", "name_en")


def _categories():
    return Category.objects.filter(active=True)


class ComplaintForm(forms.Form):
    """A complaint as a complainant fills it on the portal."""

    category = forms.ModelChoiceField(
        label=_("What is the complaint about?"), queryset=_categories(), empty_label=_("Choose…"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Your complaint"), max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 5}),
        help_text=_("What happened, where and when. Do not write PINs or passwords."),
    )  # fmt: skip
    district = DistrictChoice(
        label=_("District"), queryset=_districts(), empty_label=_("Choose…"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    anonymous = forms.BooleanField(
        label=_("Make the complaint without giving my name"), required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, required=False,
        help_text=_("To be told by SMS of each step. Leave it empty to be told nothing."),
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "tel", "dir": "ltr"}),
    )  # fmt: skip
    cnic = forms.CharField(
        label=_("CNIC"), max_length=20, required=False,
        help_text=_("Helps us find your household in the registry."),
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric", "dir": "ltr"}),
    )  # fmt: skip


class OperatorComplaintForm(ComplaintForm):
    """A complaint an operator enters for a caller to the helpline or a visitor at an office."""

    channel = forms.ChoiceField(
        label=_("Received by"), choices=[(c.value, c.label) for c in OPERATOR_CHANNELS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    language = forms.ChoiceField(
        label=_("Language for SMS"),
        choices=LANGUAGE_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    place = forms.CharField(
        label=_("Office or line"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    field_order = [
        "channel",
        "category",
        "description",
        "district",
        "anonymous",
        "name",
        "phone",
        "cnic",
        "language",
        "place",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label = _("Category")
        self.fields["description"].label = _("Complaint")
        self.fields["anonymous"].label = _("Anonymous: the complainant gives no name")
        self.fields["phone"].help_text = _("The complainant is told each step by SMS at this number.")


class TownHallForm(forms.Form):
    """The meeting: where and when it was held, its district, and the file of its complaints, if any."""

    place = forms.CharField(
        label=_("Place"), max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    held_on = forms.DateField(
        label=_("Held on"), widget=forms.DateInput(attrs={"class": "form-control", "type": "date"})
    )
    district = DistrictChoice(
        label=_("District"), queryset=_districts(), empty_label=_("Choose…"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    language = forms.ChoiceField(
        label=_("Language for SMS"),
        choices=LANGUAGE_CHOICES,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("CSV file of complaints"), required=False,
        help_text=_("Columns: category, complaint, and optionally name, phone, cnic, anonymous (yes/no), language."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,text/csv"}),
    )  # fmt: skip


class TownHallRowForm(forms.Form):
    """One complaint raised at the meeting; a row left empty is skipped."""

    category = forms.ModelChoiceField(
        label=_("Category"), queryset=_categories(), required=False, empty_label="—",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Complaint"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}),
    )  # fmt: skip
    name = forms.CharField(label=_("Name"), required=False, max_length=150,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    phone = forms.CharField(label=_("Mobile number"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "dir": "ltr"}))  # fmt: skip
    cnic = forms.CharField(label=_("CNIC"), required=False, max_length=20,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "dir": "ltr"}))  # fmt: skip
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))  # fmt: skip

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in ("category", "description", "name", "phone", "cnic"))


TownHallRowFormSet = forms.formset_factory(TownHallRowForm, extra=5, max_num=100, absolute_max=100)


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Tracking number"), max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "placeholder": "GR-2026-000123", "dir": "ltr"}),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("Mobile number the complaint was made from"), max_length=20, required=False,
        help_text=_("Leave empty if you gave no number."),
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "inputmode": "tel", "dir": "ltr"}),
    )  # fmt: skip


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the resolution not right?"), max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )  # fmt: skip


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"), required=False, max_length=4000,
        help_text=_("The complainant reads this and is sent it: say what was found and done."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )  # fmt: skip


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(
        label=_("Give it to"),
        queryset=get_user_model().objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = (
            get_user_model().objects.filter(pk__in=[o.pk for o in officers]).order_by("username")
        )


class RecategoriseForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=_categories(), widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class ResurveyForm(forms.Form):
    reason = forms.CharField(
        label=_("What the survey got wrong"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )  # fmt: skip


class ResurveyDoneForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))  # fmt: skip


CHANNEL_CHOICES = Channel.choices

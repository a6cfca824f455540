"""Forms of applications: the application form, drawn from the programme's questions (the same for the
public site and for staff), a decision with its reason, the quota table, and the tracking form. The
service checks the answers again; these forms only draw the questions and catch what is plainly wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import Province
from ehsaas.programs.application_fields import ApplicationField
from ehsaas.programs.choices import APPLICATION_MOVES, ApplicationFieldKind, ApplicationStatus
from ehsaas.registry.forms.changes import style

CHOOSE = [("", "—")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's recipe); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def _question(field: ApplicationField, universities: list[str]) -> forms.Field:
    common = {"label": field.label, "required": field.required}
    if field.kind == ApplicationFieldKind.NUMBER:
        return forms.DecimalField(min_value=field.minimum, max_value=field.maximum, **common)
    if field.kind == ApplicationFieldKind.CHOICE:
        return forms.ChoiceField(choices=CHOOSE + [(choice, choice) for choice in field.choices], **common)
    if field.kind == ApplicationFieldKind.PROVINCE:
        provinces = [(province.code, province.name) for province in Province.objects.order_by("name_en")]
        return forms.ChoiceField(choices=CHOOSE + provinces, **common)
    if field.kind == ApplicationFieldKind.UNIVERSITY and universities:
        return forms.ChoiceField(choices=CHOOSE + [(name, name) for name in universities], **common)
    return forms.CharField(max_length=field.max_length, **common)


class ApplicationForm(forms.Form):
    cnic = forms.CharField(
        label=_("CNIC"), max_length=20, help_text=_("13 digits, e.g. 35202-1234567-1"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
    )  # fmt: skip
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, required=False,
        help_text=_("For a message when your application is decided, e.g. 0300-1234567"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}),
    )  # fmt: skip

    def __init__(self, *args, questions: list[ApplicationField], universities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = [question.name for question in questions]
        for question in questions:
            self.fields[question.name] = _question(question, universities)
        self.fields["documents"] = MultipleFileField(
            label=_("Documents"), required=False,
            help_text=_("Up to 3 files, PDF, JPEG or PNG, at most 5 MB each: e.g. your result card and admission letter"),
        )  # fmt: skip
        style(self)

    def answers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.questions}


class ApplicationDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Decision"))
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant reads it on the tracking page."),
    )  # fmt: skip

    def __init__(self, *args, status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (move.value, move.label) for move in APPLICATION_MOVES.get(ApplicationStatus(status), ())
        ]
        style(self)


class QuotaForm(forms.Form):
    university = forms.CharField(label=_("University"), max_length=150)
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.order_by("name_en"))
    places = forms.IntegerField(label=_("Places"), min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class QuotaFormSetBase(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = (
                " ".join(form.cleaned_data["university"].split()).casefold(),
                form.cleaned_data["province"].pk,
            )
            if key in seen:
                raise forms.ValidationError(_("A university is listed once in each province."))
            seen.add(key)


QuotaFormSet = forms.formset_factory(QuotaForm, formset=QuotaFormSetBase, extra=3, can_delete=True)


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("Tracking number"), max_length=20, help_text=_("e.g. APP-000123"),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )  # fmt: skip
    cnic = forms.CharField(
        label=_("CNIC of the applicant"), max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

"""Forms of the household pages: the search box, and registering a household by hand. The forms parse
and shape what a person typed; the rules of the registry are the service's (services/households.py)."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.access import district_scope
from ehsaas.core.identity import InvalidIdentifier, normalize_cnic, normalize_mobile
from ehsaas.core.models import District, Province, Tehsil
from ehsaas.registry import choices as c
from ehsaas.registry.forms.fields import id_number_field, id_type_field
from ehsaas.registry.models import Household
from ehsaas.registry.services.households import HOUSEHOLD_FIELDS

MSG_CHOOSE_PROVINCE_FIRST = _("Choose a district of the chosen province.")
MSG_CHOOSE_DISTRICT_FIRST = _("Choose a tehsil of the chosen district.")


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, so templates can render fields as they are; one look for
    "nothing chosen yet" in every list."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(field, forms.TypedChoiceField) and field.choices and field.choices[0][0] == "":
            field.choices = [("", "—"), *field.choices[1:]]
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def _places_for(user) -> tuple[QuerySet[Province], QuerySet[District]]:
    """The provinces and districts a user works in: their scope, or the whole country."""
    districts = District.objects.select_related("province").order_by("name_en")
    provinces = Province.objects.order_by("name_en")
    scope = district_scope(user)
    if scope is not None:
        districts = districts.filter(pk__in=scope)
        provinces = provinces.filter(pk__in=districts.values("province_id"))
    return provinces, districts


def _chosen(form: forms.BaseForm, name: str) -> str | None:
    """The value chosen for `name`, from the submitted data or else the initial data."""
    value = form.data.get(form.add_prefix(name)) if form.is_bound else None
    if value in (None, ""):
        value = form.initial.get(name)
    value = getattr(value, "pk", value)
    return str(value) if value not in (None, "") and str(value).isdigit() else None


class HouseholdSearchForm(forms.Form):
    """One box for a CNIC or B-form number, a mobile number or a name, and the place to look in."""

    q = forms.CharField(
        label=_("CNIC, phone or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("CNIC, mobile number or name"), "autocomplete": "off"}
        ),
    )
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False, empty_label=_("All provinces")
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), required=False, empty_label=_("All districts")
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces, districts = _places_for(user)
        province = _chosen(self, "province")
        self.fields["province"].queryset = provinces
        self.fields["district"].queryset = districts.filter(province_id=province) if province else districts
        _style(self)

    def search_arguments(self) -> dict:
        """What to search for; a field that did not validate (a district of another province, after
        the province changed) is simply left out."""
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "province": data.get("province"),
            "district": data.get("district"),
            "page": data.get("page") or 1,
        }


class HouseholdForm(forms.ModelForm):
    """The household part of a registration by hand. District and tehsil lists follow the province and
    district chosen (the page reloads them with htmx)."""

    class Meta:
        model = Household
        fields = HOUSEHOLD_FIELDS
        widgets = {
            "survey_date": forms.DateInput(attrs={"type": "date"}),
            "address": forms.TextInput(),
            "latitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.00001", "inputmode": "decimal"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "03XX-XXXXXXX", "dir": "ltr"}),
        }

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("survey_date", timezone.localdate())
        super().__init__(*args, **kwargs)
        provinces, districts = _places_for(user)
        province, district = _chosen(self, "province"), _chosen(self, "district")
        self.fields["province"].queryset = provinces
        self.fields["district"].queryset = (
            districts.filter(province_id=province) if province else District.objects.none()
        )
        self.fields["district"].error_messages["invalid_choice"] = MSG_CHOOSE_PROVINCE_FIRST
        self.fields["tehsil"].queryset = (
            Tehsil.objects.filter(district_id=district).order_by("name_en")
            if district
            else Tehsil.objects.none()
        )
        self.fields["tehsil"].error_messages["invalid_choice"] = MSG_CHOOSE_DISTRICT_FIRST
        self.fields["phone"].required = False
        for name in (*c.LIVESTOCK_FIELDS, "land_acres"):
            self.fields[name].initial = 0
            self.fields[name].widget.attrs["min"] = 0
        self.fields["rooms"].widget.attrs["min"] = 1
        _style(self)

    def clean_phone(self) -> str:
        return _parsed(self.cleaned_data["phone"], normalize_mobile)

    def _post_clean(self):
        # The model's own rules are checked by the service, with messages for people; the form only
        # parses what was typed.
        pass

    @property
    def asset_fields(self):
        return [self[name] for name in c.ASSET_FIELDS]

    @property
    def livestock_fields(self):
        return [self[name] for name in (*c.LIVESTOCK_FIELDS, "land_acres")]


def _with_blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class MemberForm(forms.Form):
    """One person of the household."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    relationship = forms.ChoiceField(
        label=_("Relationship to head"), choices=_with_blank(c.Relationship.choices)
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=_with_blank(c.Sex.choices))
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    id_type = id_type_field()
    id_number = id_number_field()
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=_with_blank(c.MaritalStatus.choices)
    )
    education = forms.ChoiceField(label=_("Education"), choices=_with_blank(c.Education.choices))
    occupation = forms.ChoiceField(label=_("Occupation"), choices=_with_blank(c.Occupation.choices))
    phone = forms.CharField(
        label=_("Mobile"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "03XX-XXXXXXX", "dir": "ltr"}),
    )
    disability = forms.MultipleChoiceField(
        label=_("Difficulty with"),
        choices=c.Disability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    in_school = forms.BooleanField(label=_("In school"), required=False)
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    lactating = forms.BooleanField(label=_("Breastfeeding"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    # The shape of a number is checked here too, so that it is reported together with the other
    # mistakes of the form; the service checks everything again.
    def clean_id_number(self) -> str:
        return _parsed(self.cleaned_data["id_number"], normalize_cnic)

    def clean_phone(self) -> str:
        return _parsed(self.cleaned_data["phone"], normalize_mobile)


def _parsed(value: str, normalise) -> str:
    if not value.strip():
        return ""
    try:
        return normalise(value)
    except InvalidIdentifier as error:
        raise forms.ValidationError(str(error)) from error


class BaseMemberFormSet(forms.BaseFormSet):
    def member_rows(self) -> list[tuple[int, dict]]:
        """(position in the formset, cleaned data) of every row that was filled in; blank rows are
        skipped so that spare rows can stay empty."""
        return [
            (index, form.cleaned_data)
            for index, form in enumerate(self.forms)
            if form.has_changed() and form.cleaned_data
        ]


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=2, max_num=40, validate_max=True, absolute_max=40
)
MEMBERS_PREFIX = "members"

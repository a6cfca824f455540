"""Forms to request a change to a household, one per kind of change; the checker's is `forms.decision`.

The forms only shape what a person typed into the service's arguments (`submission()`); every rule is
checked by `services.changes`, which says what is wrong in its own words.
"""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ehsaas.registry import choices as c
from ehsaas.registry.forms.fields import id_number_field, id_type_field
from ehsaas.registry.models import Household, Member
from ehsaas.registry.services.change_checks import (
    CORRECTABLE,
    ID_NUMBER,
    MEMBER_INPUT_FIELDS,
    MODELS,
    RemovalCause,
    field_label,
)

BLANK = [("", "—")]
NOT_HEAD = [(value, label) for value, label in c.Relationship.choices if value != c.Relationship.HEAD]
MSG_NO_SUCH_HOUSEHOLD = _("No household with this reference in the districts you work in.")


def style(form: forms.Form) -> None:
    """Bootstrap classes on every widget, so templates can render fields one by one."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):  # radios and multiple checks: _field.html draws them
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member: Member) -> str:
        return f"{member.member_no}. {member.full_name} ({member.get_relationship_display()})"


class KindForm(forms.Form):
    kind = forms.ChoiceField(label=_("What needs to change?"), choices=BLANK + list(c.ChangeKind.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ChangeForm(forms.Form):
    """The fields every kind shares: the reason, which the checker reads before deciding."""

    reason = forms.CharField(
        label=_("Why is the change needed?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Say where the information comes from (a visit, a document, a phone call)."),
    )

    def __init__(self, *args, household: Household, members: QuerySet[Member], households, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.active_members = members.filter(household=household, status=c.MemberStatus.ACTIVE)
        self.households = households
        self.setup()
        # The reason goes last, after the kind's own fields.
        self.fields["reason"] = self.fields.pop("reason")
        style(self)

    def setup(self) -> None:
        """Kind-specific fields."""

    def payload(self) -> dict:
        return {}

    def submission(self) -> dict:
        data = self.cleaned_data
        return {
            "member": data.get("member"),
            "target_household": data.get("target_household"),
            "payload": self.payload(),
            "reason": data["reason"],
        }


class AddMemberForm(ChangeForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK + list(c.Sex.choices))
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    relationship = forms.ChoiceField(label=_("Relationship to head"), choices=BLANK + NOT_HEAD)
    marital_status = forms.ChoiceField(
        label=_("Marital status"), choices=BLANK + list(c.MaritalStatus.choices)
    )
    education = forms.ChoiceField(label=_("Education"), choices=BLANK + list(c.Education.choices))
    occupation = forms.ChoiceField(label=_("Occupation"), choices=BLANK + list(c.Occupation.choices))
    phone = forms.CharField(label=_("Mobile number"), required=False, max_length=20)
    id_type = id_type_field()
    id_number = id_number_field()
    in_school = forms.BooleanField(label=_("In school"), required=False)
    pregnant = forms.BooleanField(label=_("Pregnant"), required=False)
    lactating = forms.BooleanField(label=_("Breastfeeding"), required=False)
    disability = forms.MultipleChoiceField(
        label=_("Disability"),
        choices=c.Disability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def payload(self) -> dict:
        data = self.cleaned_data
        payload = {name: data[name] for name in MEMBER_INPUT_FIELDS}
        payload["date_of_birth"] = data["date_of_birth"].isoformat()
        payload["disability"] = ";".join(data["disability"])
        payload["id_type"], payload["id_number"] = data["id_type"], data["id_number"]
        return payload


class RemoveMemberForm(ChangeForm):
    def setup(self) -> None:
        self.fields["member"] = MemberChoiceField(
            label=_("Member"),
            queryset=self.active_members.exclude(relationship=c.Relationship.HEAD),
            help_text=_("The head is not listed: to remove the head, change the head first."),
        )
        self.fields["cause"] = forms.ChoiceField(
            label=_("Why does the member leave the household?"), choices=BLANK + list(RemovalCause.choices)
        )

    def payload(self) -> dict:
        return {"cause": self.cleaned_data["cause"]}


class MoveMemberForm(ChangeForm):
    def setup(self) -> None:
        self.fields["member"] = MemberChoiceField(
            label=_("Member"),
            queryset=self.active_members.exclude(relationship=c.Relationship.HEAD),
            help_text=_("The head is not listed: to move the head, change the head first."),
        )
        self.fields["target_household"] = forms.CharField(
            label=_("Reference of the household they move to"),
            max_length=64,
            widget=forms.TextInput(attrs={"dir": "ltr"}),
        )
        self.fields["relationship"] = forms.ChoiceField(
            label=_("Relationship to the head of that household"), choices=BLANK + NOT_HEAD
        )

    def clean_target_household(self) -> Household:
        reference = self.cleaned_data["target_household"].strip()
        target = self.households.filter(household_ref=reference).first()
        if target is None:
            raise forms.ValidationError(MSG_NO_SUCH_HOUSEHOLD)
        return target

    def payload(self) -> dict:
        return {"relationship": self.cleaned_data["relationship"]}


class ChangeHeadForm(ChangeForm):
    def setup(self) -> None:
        self.fields["member"] = MemberChoiceField(
            label=_("New head"), queryset=self.active_members.exclude(relationship=c.Relationship.HEAD)
        )
        self.fields["old_head_relationship"] = forms.ChoiceField(
            label=_("The present head's relationship to the new head"), choices=BLANK + NOT_HEAD
        )

    def payload(self) -> dict:
        return {"old_head_relationship": self.cleaned_data["old_head_relationship"]}


def correctable_choices() -> list:
    return [
        (
            _("Household"),
            [(f"household.{name}", field_label("household", name)) for name in CORRECTABLE["household"]],
        ),
        (_("Member"), [(f"member.{name}", field_label("member", name)) for name in CORRECTABLE["member"]]),
    ]


class CorrectFieldForm(ChangeForm):
    """The field to correct decides the input for its new value; the page asks again (htmx) when the
    field or the member changes, to show the right input and the value recorded now."""

    def setup(self) -> None:
        self.fields["field"] = forms.ChoiceField(
            label=_("Field to correct"), choices=[("", "—"), *correctable_choices()]
        )
        source = self.data if self.is_bound else self.initial
        target, _dot, name = str(source.get("field") or "").partition(".")
        self.target, self.name = (target, name) if name in CORRECTABLE.get(target, ()) else ("", "")
        if self.target == "member":
            self.fields["member"] = MemberChoiceField(label=_("Member"), queryset=self.active_members)
        if self.name:
            self.fields["new"] = self.new_value_field()
        if self.name == ID_NUMBER:
            self.fields["id_type"] = forms.ChoiceField(
                label=_("ID type"),
                choices=[(c.IdType.CNIC, c.IdType.CNIC.label), (c.IdType.B_FORM, c.IdType.B_FORM.label)],
                help_text=_("Used only when the member has no ID number yet."),
            )

    def new_value_field(self) -> forms.Field:
        label = _("Correct value")
        if self.name == ID_NUMBER:
            return forms.CharField(label=label, max_length=20, widget=forms.TextInput(attrs={"dir": "ltr"}))
        if self.name == "disability":
            return forms.MultipleChoiceField(
                label=label, choices=c.Disability.choices, required=False, widget=forms.CheckboxSelectMultiple
            )
        model_field = MODELS[self.target]._meta.get_field(self.name)
        field = model_field.formfield(label=label)
        if model_field.choices:
            field.choices = BLANK + list(model_field.choices)
        if isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"})
        if isinstance(field, forms.BooleanField | forms.NullBooleanField):
            field = forms.TypedChoiceField(
                label=label, choices=[("true", _("Yes")), ("false", _("No"))], coerce=lambda v: v == "true"
            )
        return field

    def record(self):
        """The household or member whose value is corrected, when the form says which."""
        if self.target == "household":
            return self.household
        member_id = (self.data if self.is_bound else self.initial).get("member")
        if self.target == "member" and str(member_id or "").isdigit():
            return self.active_members.filter(pk=member_id).prefetch_related("identifiers").first()
        return None

    def payload(self) -> dict:
        new = self.cleaned_data["new"]
        if isinstance(new, list):
            new = ";".join(new)
        elif hasattr(new, "isoformat"):
            new = new.isoformat()
        elif new is not None and not isinstance(new, bool | int | str):
            new = str(new)
        payload = {"target": self.target, "field": self.name, "new": new}
        if self.name == ID_NUMBER:
            payload["id_type"] = self.cleaned_data["id_type"]
        return payload


FORMS = {
    c.ChangeKind.ADD_MEMBER: AddMemberForm,
    c.ChangeKind.REMOVE_MEMBER: RemoveMemberForm,
    c.ChangeKind.MOVE_MEMBER: MoveMemberForm,
    c.ChangeKind.CHANGE_HEAD: ChangeHeadForm,
    c.ChangeKind.CORRECT_FIELD: CorrectFieldForm,
}

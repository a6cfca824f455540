"""Forms of the community pages. They offer a partner only its own districts; the rules that span fields
and records (dates, attendance, a board's chair) are the services' to check."""

from datetime import date

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ehsaas.community.choices import (
    ActionStatus,
    AnswerScale,
    BoardRole,
    RecommendationStatus,
    SessionKind,
    Sex,
    Topic,
)
from ehsaas.community.models import BoardMember, FeedbackSession, SurveyRound
from ehsaas.community.selectors import districts_for_user, tehsils_of
from ehsaas.programs.models import Programme
from ehsaas.programs.quarters import Quarter
from ehsaas.registry.forms.changes import style

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"rows": 2}
SESSION_FORM_FIELDS = ["kind", "held_on", "district", "tehsil", "venue", "programme", "facilitator", "organisation",
                       "women", "men", "transgender", "notes"]  # fmt: skip


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, district) -> str:
        return district.name


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, programme) -> str:
        return programme.name


def _programmes():
    return Programme.objects.order_by("name_en")


def kept_rows(formset) -> list[dict]:
    """The filled rows of a valid formset, in order, without those marked for deletion."""
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class SessionForm(forms.ModelForm):
    district = DistrictChoiceField(label=_("District"), queryset=None)
    programme = ProgrammeChoiceField(label=_("Programme"), queryset=None, required=False,
                                     empty_label=_("All programmes"))  # fmt: skip

    class Meta:
        model = FeedbackSession
        fields = SESSION_FORM_FIELDS
        widgets = {"held_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_for_user(user=user)
        self.fields["programme"].queryset = _programmes()
        district_id = self.data.get("district") if self.is_bound else None
        if district_id is None and self.instance.pk:
            district_id = self.instance.district_id
        self.fields["tehsil"].queryset = tehsils_of(
            user=user, district_id=int(district_id) if str(district_id or "").isdigit() else None
        )
        self.fields["tehsil"].label_from_instance = lambda tehsil: tehsil.name
        self.fields["district"].widget.attrs.update({
            "hx-get": reverse_lazy("community:tehsils"), "hx-target": "#id_tehsil", "hx-trigger": "change",
        })  # fmt: skip
        for name in ("women", "men", "transgender"):
            self.fields[name].widget.attrs["min"] = 0
        style(self)


class IssueForm(forms.Form):
    # No topic is chosen beforehand, so that a row left untouched is left out.
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *Topic.choices])
    description = forms.CharField(label=_("Issue raised"), widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


IssueFormSet = forms.formset_factory(IssueForm, extra=2, can_delete=True)


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action agreed"), widget=forms.Textarea(attrs=TEXT))
    responsible = forms.CharField(label=_("Who is responsible"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


ActionFormSet = forms.formset_factory(ActionForm, extra=2)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Why dropped"), required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PeriodForm(forms.Form):
    """A period, by default the current quarter."""

    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def period(self, today: date) -> tuple[date, date]:
        quarter = Quarter.of(today)
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start") or quarter.first_day, data.get("end") or quarter.last_day
        return (start, end) if start <= end else (end, start)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period ends on or after the day it starts."))
        return data


class ReportFilterForm(PeriodForm):
    district = DistrictChoiceField(label=_("District"), queryset=None, required=False,
                                   empty_label=_("All districts"))  # fmt: skip
    programme = ProgrammeChoiceField(label=_("Programme"), queryset=None, required=False,
                                     empty_label=_("All programmes"))  # fmt: skip
    field_order = ["district", "programme", "start", "end"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_for_user(user=user)
        self.fields["programme"].queryset = _programmes()
        style(self)

    def choice(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


class SessionFilterForm(ReportFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *SessionKind.choices], required=False
    )
    field_order = ["kind", "district", "programme", "start", "end"]


# Advisory boards.


class BoardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    district = DistrictChoiceField(label=_("District"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_for_user(user=user)
        style(self)


class BoardMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role on the board"), choices=BoardRole.choices, initial=BoardRole.MEMBER
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}))  # fmt: skip
    joined_on = forms.DateField(label=_("Joined on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class MemberLeftForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member: BoardMember) -> str:
        return f"{member.name} ({member.get_role_display()})"


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    attendees = MemberChoices(label=_("Members present"), queryset=None, required=False,
                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, board, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = board.members.order_by("left_on", "name")
        style(self)


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs=TEXT))
    made_on = forms.DateField(label=_("Made on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RecommendationStatus.choices)
    outcome = forms.CharField(label=_("What was done, or why not"), required=False, max_length=2000)
    decided_on = forms.DateField(label=_("When"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


# Satisfaction surveys.


class SurveyRoundForm(forms.ModelForm):
    programme = ProgrammeChoiceField(label=_("Programme"), queryset=None)

    class Meta:
        model = SurveyRound
        fields = ["programme", "name", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = _programmes()
        style(self)


class QuestionForm(forms.Form):
    code = forms.CharField(label=_("Code (the file's column)"), max_length=40,
                           widget=forms.TextInput(attrs={"dir": "ltr", "placeholder": "paid_on_time"}))  # fmt: skip
    text_en = forms.CharField(label=_("Question (English)"), max_length=300)
    text_ur = forms.CharField(label=_("Question (Urdu)"), max_length=300,
                              widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ur"}))  # fmt: skip
    scale = forms.ChoiceField(label=_("Answered"), choices=AnswerScale.choices, initial=AnswerScale.SCORE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=3, can_delete=True)


class SurveyFileForm(forms.Form):
    file = forms.FileField(label=_("Responses (CSV)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ResultsFilterForm(ReportFilterForm):
    by = forms.ChoiceField(label=_("By"), choices=[("district", _("District")), ("programme", _("Programme"))],
                           required=False)  # fmt: skip
    survey_round = forms.ModelChoiceField(label=_("Round"), queryset=None, required=False,
                                          empty_label=_("All rounds"))  # fmt: skip
    field_order = ["by", "programme", "survey_round", "district", "start", "end"]

    def __init__(self, *args, user, rounds, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["survey_round"].queryset = rounds
        self.fields["start"].help_text = _("Rounds whose period meets these dates; empty for all")
        style(self)

    def grouping(self) -> str:
        return (self.cleaned_data.get("by") if self.is_valid() else None) or "district"

"""Forms of the outbox pages: a template's texts, checked against its placeholders; a campaign."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import District
from ehsaas.messaging.choices import MessageLanguage, MessageStatus
from ehsaas.messaging.models import MessageTemplate
from ehsaas.messaging.rendering import PlaceholderError, placeholders_check

MSG_CAMPAIGN_NAME = _("Use letters, digits and dashes only, e.g. kafaalat-2026-q3-biometric.")
MSG_CAMPAIGN_TEXT = _("Write the announcement, or choose the campaign template.")
_CAMPAIGN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,90}")


class OutboxFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *MessageStatus.choices])  # fmt: skip
    event = forms.CharField(label=_("Event"), required=False, max_length=120,
                            help_text=_("The beginning is enough, e.g. payment_ready:"))  # fmt: skip
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)


class TemplateForm(forms.ModelForm):
    """A template's texts; a placeholder the template does not take is refused, naming it."""

    class Meta:
        model = MessageTemplate
        fields = ["description", "text_en", "text_ur"]
        widgets = {
            "description": forms.TextInput(attrs={"class": "form-control"}),
            "text_en": forms.Textarea(attrs={"class": "form-control", "rows": 3, "dir": "ltr"}),
            "text_ur": forms.Textarea(
                attrs={"class": "form-control urdu", "rows": 3, "dir": "rtl", "lang": "ur"}
            ),
        }

    def _clean_text(self, name: str) -> str:
        text = self.cleaned_data[name].strip()
        try:
            placeholders_check(text, self.instance.placeholders)
        except PlaceholderError as error:
            raise ValidationError(str(error)) from None
        return text

    def clean_text_en(self) -> str:
        return self._clean_text("text_en")

    def clean_text_ur(self) -> str:
        return self._clean_text("text_ur")


class CampaignForm(forms.Form):
    name = forms.CharField(
        label=_("Campaign name"), max_length=91, widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
        help_text=_("Nobody receives two messages of a campaign with the same name, however often it is sent."),
    )  # fmt: skip
    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int,
                                       widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"), required=False, queryset=District.objects.order_by("name_en"),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
        help_text=_("None chosen: every district."),
    )  # fmt: skip
    language = forms.ChoiceField(label=_("Language"), choices=MessageLanguage.choices, initial=MessageLanguage.URDU,
                                 widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    use_template = forms.BooleanField(label=_("Use the campaign template"), required=False, initial=True,
                                      widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))  # fmt: skip
    text = forms.CharField(
        label=_("Or write the announcement"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
        help_text=_("It may use {programme}, the programme's name in the message's language."),
    )  # fmt: skip

    def __init__(self, *args, programmes, template: MessageTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.programmes = {p.id: p for p in programmes}
        self.fields["programme"].choices = [(p.id, f"{p.name_en} ({p.code})") for p in programmes]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not _CAMPAIGN_NAME.fullmatch(name):
            raise ValidationError(MSG_CAMPAIGN_NAME)
        return name

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        try:
            placeholders_check(text, self.template.placeholders)
        except PlaceholderError as error:
            raise ValidationError(str(error)) from None
        return text

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("use_template") and not cleaned.get("text") and "text" not in self.errors:
            self.add_error("text", MSG_CAMPAIGN_TEXT)
        if cleaned.get("use_template"):
            cleaned["text"] = ""
        return cleaned

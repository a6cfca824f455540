"""Forms of the payroll pages: opening a cycle, approving a payroll, filtering its payments."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ehsaas.payments.choices import Channel, PaymentStatus
from ehsaas.payments.payroll.selectors import payable_programmes
from ehsaas.programs.models import Programme
from ehsaas.registry.forms.changes import style


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, programme: Programme) -> str:
        return programme.name


class CycleOpenForm(forms.Form):
    programme = ProgrammeChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    period = forms.CharField(label=_("Period"), max_length=20, help_text=_("e.g. 2026-Q3 or 2026-07"))
    collect_by = forms.DateField(
        label=_("Collect by"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Payments not paid or collected by this day become unclaimed"),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = payable_programmes()
        style(self)


class ApprovalForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *PaymentStatus.choices])  # fmt: skip
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("Any channel")), *Channel.choices])  # fmt: skip
    district = forms.TypedChoiceField(label=_("District"), required=False, coerce=int, empty_value=None)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=20,
                                widget=forms.TextInput(attrs={"placeholder": "EP0000012345"}))  # fmt: skip

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Any district")), *[(d.pk, d.name) for d in districts]]
        style(self)

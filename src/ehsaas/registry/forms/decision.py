"""The checker's decision on a maker-checker record (a change request, a wealth override): approve or
reject, with a note that the services require when rejecting."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ehsaas.registry.forms.changes import style


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: say why."),
    )
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

"""The reviewer's decision on a pair of likely duplicates: which member to keep, or why they differ."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ehsaas.registry.forms.changes import style
from ehsaas.registry.models import DuplicateCandidate


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(label=_("Keep"), coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidate: DuplicateCandidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (member.pk, f"{member.full_name} ({member.household.household_ref})")
            for member in (candidate.member_a, candidate.member_b)
        ]
        style(self)


class DismissForm(forms.Form):
    note = forms.CharField(
        label=_("Why are they two different people?"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

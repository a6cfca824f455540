"""The agent's page for paying out cash at a point (/payments/collect/), made for a phone: the point
chosen from the agent's own, the beneficiary's CNIC, a fingerprint scan (through the simulator while
BIOMETRIC_VERIFIER is the simulator) and, at a branch, the one-time code. It calls the services the
devices' API calls."""

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ehsaas.payments.apis import outcome_json, refusal_json
from ehsaas.payments.collection import services
from ehsaas.payments.collection.adapters import SimulatedBiometricVerifier, biometric_verifier
from ehsaas.payments.collection.selectors import points_of_agent
from ehsaas.payments.collection.services import CollectionRefused

SCAN_MATCH, SCAN_NO_MATCH, WITH_CODE = "match", "no_match", "code"


class CollectForm(forms.Form):
    point = forms.ModelChoiceField(queryset=None, label=_("Payment point"), to_field_name="code",
                                   widget=forms.Select(attrs={"class": "form-select form-select-lg"}))  # fmt: skip
    cnic = forms.CharField(label=_("Her CNIC"), max_length=20, widget=forms.TextInput(
        attrs={"class": "form-control form-control-lg ltr-data", "inputmode": "numeric", "autocomplete": "off",
               "dir": "ltr"}))  # fmt: skip
    code = forms.CharField(label=_("One-time code (at a branch)"), max_length=6, required=False, widget=forms.TextInput(
        attrs={"class": "form-control form-control-lg ltr-data", "inputmode": "numeric", "autocomplete": "one-time-code",
               "dir": "ltr"}))  # fmt: skip

    def __init__(self, *args, agent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points_of_agent(agent)


@login_required
@permission_required("payments.collect_payment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def collect(request: HttpRequest) -> HttpResponse:
    form = CollectForm(request.POST or None, agent=request.user)
    context = {"form": form, "simulator": isinstance(biometric_verifier(), SimulatedBiometricVerifier)}
    action = request.POST.get("action")
    if request.method == "POST" and form.is_valid():
        point, cnic = form.cleaned_data["point"], form.cleaned_data["cnic"]
        try:
            if action == WITH_CODE:
                outcome = services.collection_by_code(cnic=cnic, code=form.cleaned_data["code"], point=point,
                                                      agent=request.user)  # fmt: skip
            else:
                reference = request.POST.get("verification_reference", "")
                if action in (SCAN_MATCH, SCAN_NO_MATCH) and context["simulator"]:
                    digits = services.cnic_digits(cnic)
                    reference = SimulatedBiometricVerifier.scan(digits, action == SCAN_MATCH)
                outcome = services.collection_verify(
                    cnic=cnic, point=point, agent=request.user, reference=reference
                )
            context["answer"] = outcome_json(outcome)
        except CollectionRefused as refused:
            context["refusal"] = refusal_json(refused)
    return render(request, "payments/collection/collect.html", context)

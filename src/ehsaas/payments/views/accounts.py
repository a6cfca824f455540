"""Pages of account changes (/payments/accounts/): the requests, a request for a beneficiary (reached
from the household page's payments panel), its decision by a second user, a bank's file of opened
accounts imported and approved together; and the household page's payments panel."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ehsaas.core.line_files import upload_bytes
from ehsaas.payments.accounts import selectors, services
from ehsaas.payments.accounts.services import AccountChangeRefused, AccountsFileRefused
from ehsaas.payments.choices import AccountRequestStatus, Channel
from ehsaas.payments.models import Payment, Provider

MAX_FILE = 20 * 1024 * 1024
MSG_TOO_LARGE = _("%(file)s is larger than 20 MB. Nothing was imported.")
_INPUT = {"class": "form-control"}


class AccountChangeForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices,
                                widget=forms.Select(attrs={"class": "form-select"}))  # fmt: skip
    provider = forms.ModelChoiceField(label=_("Provider"), required=False, queryset=Provider.objects.filter(active=True),
                                      widget=forms.Select(attrs={"class": "form-select"}),
                                      help_text=_("The bank or wallet operator; none for cash."))  # fmt: skip
    account_number = forms.CharField(label=_("Account"), required=False, max_length=40,
                                     help_text=_("An IBAN for a bank, the mobile number for a wallet"),
                                     widget=forms.TextInput(attrs={**_INPUT, "dir": "ltr"}))  # fmt: skip
    account_title = forms.CharField(label=_("Account title"), required=False, max_length=140,
                                    widget=forms.TextInput(attrs=_INPUT))  # fmt: skip
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={**_INPUT, "rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File of opened accounts (CSV)"),
                           help_text=_("Columns: cnic, channel, provider, account_number, account_title"),
                           widget=forms.ClearableFileInput(attrs=_INPUT))  # fmt: skip


@login_required
@permission_required("payments.view_accountchangerequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def requests_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", AccountRequestStatus.SUBMITTED)
    rows = selectors.account_requests_for_user(user=request.user)
    if status in AccountRequestStatus.values:
        rows = rows.filter(status=status)
    form, problems = ImportForm(), []
    if request.method == "POST":
        if not request.user.has_perm("payments.add_accountchangerequest"):
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = upload_bytes(
                    upload, limit=MAX_FILE, refused=AccountsFileRefused, message=MSG_TOO_LARGE
                )
                job = services.accounts_import(data=data, label=upload.name, acting_user=request.user)
                messages.success(request, _("%(count)s account changes asked for (import %(id)s).")
                                 % {"count": job.result["requests"], "id": job.pk})  # fmt: skip
                return redirect("payments:account_requests")
            except AccountsFileRefused as refused:
                form.add_error("file", refused.message)
                problems = refused.problems
    imports = rows.filter(import_job__isnull=False, status=AccountRequestStatus.SUBMITTED)
    context = {
        "rows": rows[:200], "status": status, "statuses": AccountRequestStatus.choices, "form": form,
        "problems": problems, "imports": sorted(set(imports.values_list("import_job_id", flat=True))),
        "may_import": request.user.has_perm("payments.add_accountchangerequest"),
        "may_decide": request.user.has_perm("payments.decide_accountchangerequest"),
    }  # fmt: skip
    return render(request, "payments/accounts/requests.html", context)


@login_required
@permission_required("payments.add_accountchangerequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, beneficiary: int) -> HttpResponse:
    chosen = selectors.beneficiary_get_for_account_change(user=request.user, pk=beneficiary)
    form = AccountChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.account_change_request(
                beneficiary=chosen, acting_user=request.user, **form.cleaned_data
            )
            messages.success(request, _("The change is asked for: another user decides it."))
            return redirect("payments:account_request", made.pk)
        except AccountChangeRefused as refused:
            if hasattr(refused, "error_dict"):
                for field, errors in refused.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, refused.messages)
    account = getattr(chosen, "payment_account", None)
    return render(request, "payments/accounts/request_form.html",
                  {"form": form, "beneficiary": chosen, "account": account})  # fmt: skip


@login_required
@permission_required("payments.view_accountchangerequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = selectors.account_request_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.account_change_decide(request=change, acting_user=request.user,
                                           approve=request.POST.get("decision") == "approve",
                                           note=request.POST.get("note", ""))  # fmt: skip
            messages.success(request, _("The change is decided."))
        except AccountChangeRefused as refused:
            messages.error(request, refused.messages[0])
        return redirect("payments:account_request", change.pk)
    may_decide = request.user.has_perm(
        "payments.decide_accountchangerequest"
    ) and change.awaits_decision_from(request.user)
    return render(request, "payments/accounts/request.html", {"change": change, "may_decide": may_decide})


@login_required
@permission_required("payments.decide_accountchangerequest", raise_exception=True)
@require_POST
def import_approve(request: HttpRequest, job: int) -> HttpResponse:
    try:
        count = services.accounts_import_approve(job=services.account_import_get(job), acting_user=request.user,
                                                 note=request.POST.get("note", ""))  # fmt: skip
        messages.success(request, _("%(count)s account changes approved.") % {"count": count})
    except AccountChangeRefused as refused:
        messages.error(request, refused.messages[0])
    return redirect("payments:account_requests")


def household_panel(*, household, user) -> dict | None:
    """The household page's payments panel: each beneficiary's account and latest payments (registered
    in accounts/wiring.py)."""
    if not (user.has_perm("payments.view_paymentaccount") or user.has_perm("payments.view_payment")):
        return None
    accounts = list(selectors.household_accounts(household=household)) if user.has_perm("payments.view_paymentaccount") else []  # fmt: skip
    payments = []
    if user.has_perm("payments.view_payment"):
        payments = list(Payment.objects.filter(household=household).select_related("cycle__programme", "collection__point")
                        .order_by("-cycle__created_at", "-id")[:6])  # fmt: skip
    if not accounts and not payments:
        return None
    return {
        "accounts": accounts,
        "payments": payments,
        "may_change": user.has_perm("payments.add_accountchangerequest"),
    }

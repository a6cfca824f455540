from django.db import migrations

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions

# The banks and wallet operators that paid Ehsaas beneficiaries, and the agent network that paid cash.
# Banks take ISO 20022 pain.001 files; JazzCash takes the wallet CSV; Easypaisa takes API calls.
PROVIDERS = [
    ("nbp", "National Bank of Pakistan", "bank", "pain001", "NBPAPKKA", ""),
    ("hbl", "Habib Bank Limited", "bank", "pain001", "HABBPKKA", ""),
    ("alfalah", "Bank Alfalah", "bank", "pain001", "ALFHPKKA", ""),
    ("bop", "The Bank of Punjab", "bank", "pain001", "BPUNPKKA", ""),
    ("jazzcash", "JazzCash (Mobilink Microfinance Bank)", "wallet", "wallet_csv", "", ""),
    ("easypaisa", "Easypaisa (Telenor Microfinance Bank)", "wallet", "api", "",
     "https://disbursements.easypaisa.example/v1"),
    ("hbl-konnect", "HBL Konnect agents and campsites", "cash", "none", "", ""),
]  # fmt: skip

MODELS = ["paymentcycle", "payment", "instructionbatch", "providersubmission", "statusfile", "statusproblem",
          "provider", "paymentpoint", "paymentpolicy", "paymentaccount", "accountchangerequest", "collection",
          "biometricattempt"]  # fmt: skip
READ = [f"payments.view_{model}" for model in MODELS]
# Finance officers run cycles (one generates, another approves), send instructions, apply statuses,
# keep providers, points and payment rules, and decide account changes. Programme and registration
# officers take account changes at their desks; agents pay out cash at their points; auditors and M&E
# analysts read; grievance officers read payments to answer complaints about them.
FINANCE = [
    *READ, "payments.generate_payroll", "payments.approve_payroll", "payments.release_payments",
    "payments.add_paymentcycle", "payments.change_provider", "payments.add_paymentpoint",
    "payments.change_paymentpoint", "payments.add_paymentpolicy", "payments.change_paymentpolicy",
    "payments.add_accountchangerequest", "payments.decide_accountchangerequest",
]  # fmt: skip
DESK = ["payments.view_paymentaccount", "payments.view_accountchangerequest", "payments.view_provider",
        "payments.add_accountchangerequest", "payments.view_payment", "payments.view_paymentcycle"]  # fmt: skip
GRANTS = {
    Role.FINANCE_OFFICER: FINANCE,
    Role.ADMINISTRATOR: FINANCE,
    Role.AUDITOR: READ,
    Role.ME_ANALYST: ["payments.view_paymentcycle", "payments.view_payment", "payments.view_provider",
                      "payments.view_paymentpoint", "payments.view_collection"],
    Role.PROGRAMME_OFFICER: DESK,
    Role.REGISTRATION_OFFICER: DESK,
    Role.GRIEVANCE_OFFICER: ["payments.view_payment", "payments.view_paymentcycle", "payments.view_collection"],
    Role.GRIEVANCE_SUPERVISOR: ["payments.view_payment", "payments.view_paymentcycle",
                                "payments.view_collection"],
    Role.PAYMENT_AGENT: ["payments.collect_payment", "payments.view_paymentpoint"],
}  # fmt: skip


def providers_load(apps) -> None:
    Provider = apps.get_model("payments", "Provider")
    for code, name, channel, instruction_format, bic, api_url in PROVIDERS:
        Provider.objects.update_or_create(
            code=code,
            defaults={"name": name, "channel": channel, "instruction_format": instruction_format, "bic": bic,
                      "api_url": api_url},
        )  # fmt: skip


def load(apps, schema_editor):
    providers_load(apps)
    grant_permissions(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_payments"), ("core", "0002_role_groups"), ("grievances",
                    "0002_categories_and_roles")]  # fmt: skip
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

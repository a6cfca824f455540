"""What the accounts part of payments registers when Django starts: the household page's payments
panel and the demo's accounts; called from PaymentsConfig.ready."""

from ehsaas.core.demo import DemoStep, register_demo_step
from ehsaas.payments.accounts.demo import demo_accounts
from ehsaas.payments.views.accounts import household_panel
from ehsaas.registry.panels import HouseholdPanel, register_household_panel


def connect() -> None:
    register_demo_step(DemoStep("payments.accounts", demo_accounts, order=45))
    register_household_panel(
        HouseholdPanel(
            "payments.accounts", "payments/accounts/_household_panel.html", household_panel, order=30
        )
    )

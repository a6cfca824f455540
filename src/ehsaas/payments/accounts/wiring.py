"""What the accounts part of payments registers when Django starts: the household page's payments
panel; called from PaymentsConfig.ready."""

from ehsaas.payments.views.accounts import household_panel
from ehsaas.registry.panels import HouseholdPanel, register_household_panel


def connect() -> None:
    register_household_panel(
        HouseholdPanel("payments.accounts", "payments/accounts/_household_panel.html", household_panel, order=30)
    )

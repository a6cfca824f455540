from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "ehsaas.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        """Each part registers its job kinds, panels, demo steps and subscribers; imported here, once the
        app registry is ready (the modules use models)."""
        from ehsaas.payments.accounts import wiring as accounts
        from ehsaas.payments.collection import wiring as collection
        from ehsaas.payments.instructions import wiring as instructions
        from ehsaas.payments.payroll import wiring as payroll
        from ehsaas.payments.statuses import wiring as statuses

        for part in (payroll, instructions, statuses, collection, accounts):
            part.connect()

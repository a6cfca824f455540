from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "ehsaas.grievances"
    label = "grievances"
    verbose_name = _("Grievances")

    def ready(self) -> None:
        """The demo's complaints (imported here, once the app registry is ready)."""
        from ehsaas.core.demo import DemoStep, register_demo_step
        from ehsaas.grievances.demo import demo_complaints

        register_demo_step(DemoStep("grievances.complaints", demo_complaints, order=40))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "ehsaas.api"
    label = "api"
    verbose_name = _("DCI API")

    def ready(self) -> None:
        """Subscribers of registration events hear of new households. Imported here, once the app
        registry is ready (the tasks use models)."""
        from ehsaas.api.tasks import on_households_changed
        from ehsaas.core.events import HOUSEHOLDS_CHANGED, subscribe

        subscribe(HOUSEHOLDS_CHANGED, on_households_changed)

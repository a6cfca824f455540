from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "ehsaas.community"
    label = "community"
    verbose_name = _("Community feedback")

    def ready(self) -> None:
        """The demo's community feedback, after the programmes are enrolled (imported here, once the app
        registry is ready)."""
        from ehsaas.community.demo import demo_community
        from ehsaas.core.demo import DemoStep, register_demo_step

        register_demo_step(DemoStep("community.feedback", demo_community, order=30))

"""Outbound messages: the one service through which every part of the platform tells people something by
SMS, in their language, from templates managed in the browser, through a gateway adapter."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "ehsaas.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        """The kinds of the sending and campaign jobs, registered once the app registry is ready."""
        from ehsaas.core.jobs import JobKind, register_job_kind
        from ehsaas.messaging.campaigns import CAMPAIGN_KIND
        from ehsaas.messaging.tasks import SEND_KIND

        register_job_kind(
            SEND_KIND,
            JobKind(
                label=_("Messages sent"),
                result_labels={"sent": _("Sent"), "retried": _("To try again later"), "failed": _("Failed")},
            ),
        )
        register_job_kind(
            CAMPAIGN_KIND,
            JobKind(
                label=_("Campaign announcement"),
                result_labels={
                    "event": _("Campaign"),
                    "recipients": _("Recipients with a mobile number"),
                    "queued": _("Messages queued"),
                },
            ),
        )

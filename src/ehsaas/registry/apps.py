from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ehsaas.core.jobs import JobKind, register_job_kind


class RegistryConfig(AppConfig):
    name = "ehsaas.registry"
    label = "registry"
    verbose_name = _("National Socio-Economic Registry")

    def ready(self) -> None:
        register_job_kind(
            "registry.import",
            JobKind(
                label=_("Survey import"),
                result_labels={
                    "accepted": _("Households accepted"),
                    "new": _("of which new"),
                    "updated": _("of which updated"),
                    "unchanged": _("Households unchanged"),
                    "rejected": _("Households rejected"),
                    "members": _("Members written"),
                    "problems": _("Problems reported"),
                },
                report_url_name="registry:import_report",
                report_label=_("Download the report of rejected households"),
            ),
        )
        register_job_kind(
            "registry.find_duplicates",
            JobKind(
                label=_("Duplicate detection"),
                result_labels={
                    "members": _("Members compared"),
                    "blocks": _("Groups sharing a birth date and district"),
                    "found": _("Likely duplicate pairs"),
                    "new_pairs": _("of which new"),
                },
            ),
        )

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
        self._ready_wealth_filters()

    def _ready_wealth_filters(self) -> None:
        """Wealth filters: the import's job kind, the household page's panel, the history's labels, and
        matching the current lists against households registered or changed later. Imported here, once
        the app registry is ready (the modules use models)."""
        from ehsaas.core.events import HOUSEHOLDS_CHANGED, subscribe
        from ehsaas.registry.audit_labels import ACTION_LABELS
        from ehsaas.registry.panels import HouseholdPanel, register_household_panel
        from ehsaas.registry.tasks.wealth_filters import on_households_changed
        from ehsaas.registry.views.wealth_filters import household_panel

        register_job_kind(
            "registry.wealth_import",
            JobKind(
                label=_("Wealth list import"),
                result_labels={
                    "wealth_list": _("List number"),
                    "lines": _("Lines read"),
                    "distinct": _("Distinct CNICs"),
                    "duplicates": _("Duplicate lines"),
                    "members_matched": _("Members matched"),
                    "households_flagged": _("Households flagged"),
                    "lifted": _("Flags of the older list lifted"),
                },
            ),
        )
        register_household_panel(
            HouseholdPanel("registry.wealth", "registry/wealth/_panel.html", household_panel, order=20)
        )
        ACTION_LABELS.update(
            {
                "wealth.flagged": _("Excluded by a wealth list"),
                "wealth.lifted": _("Wealth list exclusion lifted"),
                "wealth.override_requested": _("Override of a wealth list asked for"),
                "wealth.override_approved": _("Override of a wealth list approved"),
                "wealth.override_rejected": _("Override of a wealth list rejected"),
            }
        )
        subscribe(HOUSEHOLDS_CHANGED, on_households_changed)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ehsaas.core.jobs import JobKind, register_job_kind


class TargetingConfig(AppConfig):
    name = "ehsaas.targeting"
    label = "targeting"
    verbose_name = _("Targeting")

    def ready(self) -> None:
        """The scoring job's kind, the household page's score panel, and the rescoring of households
        whose data changed. Imported here, once the app registry is ready (the modules use models)."""
        from ehsaas.core.demo import DemoStep, register_demo_step
        from ehsaas.core.events import HOUSEHOLDS_CHANGED, subscribe
        from ehsaas.registry.panels import HouseholdPanel, register_household_panel
        from ehsaas.targeting.demo import demo_scores
        from ehsaas.targeting.tasks import on_households_changed
        from ehsaas.targeting.views import household_panel

        register_job_kind(
            "targeting.score",
            JobKind(
                label=_("Scoring (proxy means test)"),
                result_labels={
                    "run": _("Scoring run"),
                    "model": _("PMT model"),
                    "households": _("Households scored"),
                },
            ),
        )
        register_job_kind(
            "targeting.calibrate",
            JobKind(
                label=_("Calibration of a PMT model"),
                result_labels={
                    "households": _("Households in the survey"),
                    "held_out": _("Households held out"),
                    "r2": _("R² on held-out households"),
                    "cutoff": _("Cutoff"),
                    "selected": _("Share selected"),
                    "inclusion_error": _("Inclusion error"),
                    "exclusion_error": _("Exclusion error"),
                    "deciles": _("Coverage by consumption decile"),
                },
                report_url_name="targeting:calibration_report",
                report_label=_("See the report and save the model as a draft"),
            ),
        )
        register_job_kind(
            "targeting.simulate",
            JobKind(
                label=_("Simulation (what-if)"),
                result_labels={
                    "model": _("PMT model"),
                    "qualifying": _("Households qualifying"),
                    "qualifying_people": _("People in them"),
                    "quarterly_cost": _("Quarterly cost (Rs)"),
                    "inclusion_error": _("Inclusion error"),
                    "exclusion_error": _("Exclusion error"),
                },
                report_url_name="targeting:simulation_report",
                report_label=_("See the simulation by province and district"),
            ),
        )
        register_household_panel(
            HouseholdPanel("targeting.score", "targeting/_household_panel.html", household_panel, order=10)
        )
        subscribe(HOUSEHOLDS_CHANGED, on_households_changed)
        register_demo_step(DemoStep("targeting.scores", demo_scores, order=10))

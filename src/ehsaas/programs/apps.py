from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "ehsaas.programs"
    label = "programs"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        """The kinds of the enrolment and condition evaluation jobs, the household page's programmes
        panel, and the re-evaluation of programmes when households or their scores change; imported
        here, once the app registry is ready (the modules use models)."""
        from ehsaas.core.demo import DemoStep, register_demo_step
        from ehsaas.core.events import HOUSEHOLDS_CHANGED, SCORES_CHANGED, subscribe
        from ehsaas.core.jobs import JobKind, register_job_kind
        from ehsaas.programs.demo import demo_enrolment
        from ehsaas.programs.tasks import ENROLMENT_KIND, EVALUATION_KIND, on_changes
        from ehsaas.programs.views import household_panel
        from ehsaas.registry.panels import HouseholdPanel, register_household_panel

        register_job_kind(
            ENROLMENT_KIND,
            JobKind(
                label=_("Enrolment run"),
                result_labels={
                    "run": _("Run"),
                    "eligible": _("Eligible"),
                    "joining": _("Newly qualify"),
                    "leaving": _("No longer qualify"),
                },
                report_url_name="programs:run_of_job",
                report_label=_("See the list and decide on it"),
            ),
        )
        register_job_kind(
            EVALUATION_KIND,
            JobKind(
                label=_("Conditions evaluated"),
                result_labels={
                    "programme": _("Programme"),
                    "quarter": _("Quarter"),
                    "judged": _("Judged"),
                    "met": _("Met every condition"),
                    "missed": _("Missed a condition"),
                    "suspended": _("Suspended"),
                    "resumed": _("Resumed"),
                },
                report_url_name="programs:evaluation_of_job",
                report_label=_("See who was suspended or resumed"),
            ),
        )
        register_household_panel(
            HouseholdPanel(
                "programs.beneficiaries", "programs/_household_panel.html", household_panel, order=20
            )
        )
        subscribe(HOUSEHOLDS_CHANGED, on_changes)
        subscribe(SCORES_CHANGED, on_changes)
        register_demo_step(DemoStep("programs.enrolment", demo_enrolment, order=20))

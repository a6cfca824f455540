"""The demo's scores: every household scored at once with the active model, so that the programmes'
demo step (and the pages) have scores to judge without waiting for the worker."""

from django.utils.translation import gettext as _

from ehsaas.targeting.choices import RunReason
from ehsaas.targeting.runs import scoring_model, scoring_run


def demo_scores() -> str:
    summary = scoring_run(acting_user=None, reason=RunReason.DEMO, model=scoring_model(None))
    return _("Scored %(count)s households with the active model.") % {"count": f"{summary.households:,}"}

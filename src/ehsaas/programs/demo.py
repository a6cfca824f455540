"""The demo's enrolment: Kafaalat run over the scored registry, approved by the demo programme officer and
confirmed by the administrator (two people, as always), so that the programme pages, the household
panels and the 8171 check have beneficiaries."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from ehsaas.programs import services
from ehsaas.programs.enrolment import enrolment_compute, enrolment_run_create
from ehsaas.programs.models import Programme

PROGRAMME, APPROVER, CONFIRMER = "kafaalat", "programme", "admin"


def demo_enrolment() -> str:
    users = get_user_model().objects.in_bulk([APPROVER, CONFIRMER], field_name="username")
    programme = Programme.objects.get(code=PROGRAMME)
    run = enrolment_run_create(programme, started_by=users[APPROVER])
    enrolment_compute(run)
    services.enrolment_approve(acting_user=users[APPROVER], run=run, note=_("Demo set-up"))
    services.enrolment_confirm(acting_user=users[CONFIRMER], run=run, note=_("Demo set-up"))
    return _("Enrolled %(count)s women in %(programme)s (approved by %(approver)s, confirmed by %(confirmer)s).") % {
        "count": f"{run.joining:,}", "programme": programme.name, "approver": APPROVER, "confirmer": CONFIRMER,
    }  # fmt: skip

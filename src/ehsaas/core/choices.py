from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles; each is a Django group of the same name, created by a migration."""

    ADMINISTRATOR = "administrator", _("Administrator")
    PROGRAMME_OFFICER = "programme_officer", _("Programme officer")
    REGISTRATION_OFFICER = "registration_officer", _("Registration officer")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    PARTNER = "partner", _("Partner organisation")
    ME_ANALYST = "me_analyst", _("M&E analyst")
    AUDITOR = "auditor", _("Auditor")
    GRIEVANCE_OFFICER = "grievance_officer", _("Grievance officer")
    # Works the complaints of an area (StaffScope's districts; nationwide with none listed).
    GRIEVANCE_SUPERVISOR = "grievance_supervisor", _("Grievance supervisor")
    # The only role that sees complaints of sensitive categories (misconduct, fraud, harassment).
    INVESTIGATOR = "investigator", _("Investigator")
    # Pays out cash at the payment points they are assigned to.
    PAYMENT_AGENT = "payment_agent", _("Payment agent")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")

"""The closed vocabularies of targeting."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelStatus(models.TextChoices):
    """A PMT model's life: drafted, submitted for review, approved (or rejected) by a second person,
    activated by someone other than its author, and superseded when the next one is activated."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    SUPERSEDED = "superseded", _("Superseded")


class RunReason(models.TextChoices):
    """Why a scoring run happened."""

    COMMAND = "command", _("Scoring from the command line")
    BROWSER = "browser", _("Scoring started in the browser")
    CHANGED = "changed", _("Households' data changed")
    DEMO = "demo", _("Demo set-up")

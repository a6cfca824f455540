from django.db import models
from django.utils.translation import gettext_lazy as _


class EligibilityStatus(models.TextChoices):
    """The four answers of the 8171 check, as the API names them."""

    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    UNDER_REVIEW = "under_review", _("Under review")
    NOT_REGISTERED = "not_registered", _("Not registered")

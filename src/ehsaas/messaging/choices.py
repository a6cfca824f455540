from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    """Where a message is: waiting to be sent (or to be tried again), handed to the gateway, reported
    delivered to the phone, or given up on (the gateway refused it too often, or the operator reported
    that it could not be delivered)."""

    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class MessageLanguage(models.TextChoices):
    URDU = "ur", _("Urdu")
    ENGLISH = "en", _("English")

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a complaint reached the programme."""

    PORTAL = "portal", _("Portal")
    SMS = "sms", _("SMS")
    HELPLINE = "helpline", _("Helpline")
    WALK_IN = "walk_in", _("Walk-in at an office")
    TOWN_HALL = "town_hall", _("Town-hall meeting")


# What an operator may enter one complaint at a time; town-hall complaints come in bulk.
OPERATOR_CHANNELS = (Channel.HELPLINE, Channel.WALK_IN)


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # nobody to assign it to yet: waits in the area's queue
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("Being handled")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
    APPEALED = "appealed", _("Appealed")


OPEN_STATUSES = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.ASSIGNED,
    ComplaintStatus.IN_PROGRESS,
    ComplaintStatus.ESCALATED,
    ComplaintStatus.APPEALED,
)
# Complaints the escalation may still move to a supervisor: escalated and appealed ones are with one.
ESCALABLE = (ComplaintStatus.RECEIVED, ComplaintStatus.ASSIGNED, ComplaintStatus.IN_PROGRESS)


class EventKind(models.TextChoices):
    """One step of a complaint's history."""

    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    TAKEN = "taken", _("Taken up")
    RECATEGORISED = "recategorised", _("Category changed")
    NOTE = "note", _("Note")
    WARNED = "warned", _("SLA about to lapse")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
    APPEALED = "appealed", _("Appealed")
    RESURVEY = "resurvey", _("Re-survey requested")


class SlaState(models.TextChoices):
    """The colour of a complaint in the queue."""

    ON_TIME = "green", _("On time")
    DUE_SOON = "amber", _("Due soon")
    OVERDUE = "red", _("Overdue")
    CLOSED = "closed", _("Closed")


class ResurveyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Surveyed again")

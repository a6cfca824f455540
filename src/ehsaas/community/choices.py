from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    """A feedback session is a small meeting (a focus group, a women's session); a town hall is an open
    meeting where complaints are also collected."""

    FEEDBACK = "feedback", _("Feedback session")
    TOWN_HALL = "town_hall", _("Town-hall meeting")


class Topic(models.TextChoices):
    """What an issue raised at a session is about: the delivery chain's stages, and the services."""

    TARGETING = "targeting", _("Targeting and exclusion")
    REGISTRATION = "registration", _("Registration and data correction")
    PAYMENTS = "payments", _("Payments not received or late")
    DEDUCTIONS = "deductions", _("Deductions by payment agents")
    BIOMETRICS = "biometrics", _("Biometric verification")
    PAYMENT_POINTS = "payment_points", _("Payment points: distance, queues, facilities")
    STAFF_CONDUCT = "staff_conduct", _("Staff or agent conduct")
    INFORMATION = "information", _("Information about the programmes")
    CONDITIONS = "conditions", _("School and health conditions")
    SERVICES = "services", _("Health, education and other services")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    """The follow-up of an action agreed at a session. A dropped action says why."""

    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Sex(models.TextChoices):
    """The sexes attendance is counted by (Pakistan's census counts transgender persons since 2017)."""

    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    TRANSGENDER = "transgender", _("Transgender person")


class BoardRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


class RecommendationStatus(models.TextChoices):
    """What became of a board's recommendation. Every status but the first records when it was
    decided; an implemented or declined one also says what was done, or why not."""

    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    ACCEPTED = "accepted", _("Accepted")
    IMPLEMENTED = "implemented", _("Implemented")
    DECLINED = "declined", _("Declined")


class AnswerScale(models.TextChoices):
    """How a survey question is answered: 1 (very dissatisfied) to 5 (very satisfied), or yes/no."""

    SCORE = "score", _("1 to 5")
    YES_NO = "yes_no", _("Yes or no")

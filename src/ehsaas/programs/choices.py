from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    """Whom a programme serves: the household as a whole, or one kind of its members."""

    HOUSEHOLD = "household", _("Household")
    WOMAN = "woman", _("Woman")
    CHILD = "child", _("Child")
    STUDENT = "student", _("Student")
    PERSON = "person", _("Person (a woman or a child)")


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ProgrammeStatus(models.TextChoices):
    """A draft is configured and tested; an active programme enrols; a paused one keeps its
    beneficiaries but enrols nobody new; a closed one is over."""

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class BenefitKind(models.TextChoices):
    """A base amount is chosen by the first base rule whose condition holds; every top-up whose
    condition holds is added; the programme's cap limits the sum."""

    BASE = "base", _("Base amount")
    TOP_UP = "top_up", _("Top-up")


class ConditionKind(models.TextChoices):
    """What a beneficiary must do to keep the benefit, as centres and schools report it."""

    SCHOOL_ATTENDANCE = "school_attendance", _("School attendance (%)")
    HEALTH_VISITS = "health_visits", _("Health visits")
    IMMUNISATION = "immunisation", _("Immunisation up to date")
    GROWTH_CHECKS = "growth_checks", _("Growth check-ups")


class BeneficiaryStatus(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    GRADUATED = "graduated", _("Graduated")
    EXITED = "exited", _("Exited")


class RunStatus(models.TextChoices):
    """An enrolment run is computed by a job, approved by a programme officer and confirmed by a second
    person; only then does it change anyone's status. A newer run supersedes one not yet confirmed. A
    re-evaluation that finds nothing to change ends "unchanged", with nobody to approve."""

    COMPUTING = "computing", _("Computing")
    READY = "ready", _("Awaiting approval")
    APPROVED = "approved", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")
    FAILED = "failed", _("Failed")
    UNCHANGED = "unchanged", _("Nothing to change")


class RunScope(models.TextChoices):
    """What a run judges: every unit of the registry, or only the households whose data, score, wealth
    flags or enrolment in another programme changed since the programme's last settled run."""

    REGISTRY = "registry", _("The whole registry")
    CHANGED = "changed", _("Households changed since the last run")


class ChangeKind(models.TextChoices):
    JOIN = "join", _("Newly qualifies")
    LEAVE = "leave", _("No longer qualifies")
    AMOUNT = "amount", _("Amount changes")


class HealthVisitKind(models.TextChoices):
    """What a health centre records of a visit; each kind counts towards one condition."""

    CHECK_UP = "check_up", _("Health check-up")
    IMMUNISATION = "immunisation", _("Immunisation")
    GROWTH_CHECK = "growth_check", _("Growth check-up")


# The visits counted towards each condition that a count of visits meets.
VISITS_COUNTED = {
    ConditionKind.HEALTH_VISITS: HealthVisitKind.CHECK_UP,
    ConditionKind.IMMUNISATION: HealthVisitKind.IMMUNISATION,
    ConditionKind.GROWTH_CHECKS: HealthVisitKind.GROWTH_CHECK,
}


class ComplianceFileKind(models.TextChoices):
    ATTENDANCE = "attendance", _("School attendance")
    VISITS = "visits", _("Health visits")


class ComplianceAction(models.TextChoices):
    """What evaluating a quarter did to a beneficiary's status."""

    SUSPENDED = "suspended", _("Suspended")
    RESUMED = "resumed", _("Resumed")


class ApplicationStatus(models.TextChoices):
    """An application is submitted, reviewed (ranked, for programmes that rank), and decided with a
    reason the applicant reads: accepted, rejected, or waitlisted until a place frees."""

    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WAITLISTED = "waitlisted", _("Waitlisted")


# Applications still waiting for a final decision: one a person and programme at a time.
OPEN_APPLICATION = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.WAITLISTED)
# The decisions given with a reason the applicant reads, and told to them by SMS.
FINAL_DECISIONS = (ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, ApplicationStatus.WAITLISTED)
# The decisions a person may take on an application, by its status.
APPLICATION_MOVES = {
    ApplicationStatus.SUBMITTED: (
        ApplicationStatus.UNDER_REVIEW, ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED,
        ApplicationStatus.WAITLISTED,
    ),
    ApplicationStatus.UNDER_REVIEW: (
        ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED, ApplicationStatus.WAITLISTED,
    ),
    ApplicationStatus.WAITLISTED: (ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED),
}  # fmt: skip


class ApplicationChannel(models.TextChoices):
    PUBLIC = "public", _("Public site")
    STAFF = "staff", _("Staff, for the applicant")


class Proposal(models.TextChoices):
    """What ranking proposes for an application; a person confirms it."""

    ACCEPT = "accept", _("Accept (within the quota)")
    WAITLIST = "waitlist", _("Waitlist (beyond the quota)")


class ApplicationFieldKind(models.TextChoices):
    """The kinds of question a programme's application form may ask."""

    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("One of a list")
    PROVINCE = "province", _("A province")
    UNIVERSITY = "university", _("A university of the quota table")

"""Programmes as data: who a programme serves, its eligibility rule and benefit rules written in the
platform's expression language (`core.expressions`, never Python), what a beneficiary must do to keep
the benefit, how often it pays, its budget, quota and dates; and the beneficiaries it enrols, with every
change of their status.

Amounts are whole rupees (integers): programme benefits are set in rupees, never in fractions of one.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ehsaas.programs.choices import (
    ApplicationChannel,
    ApplicationStatus,
    BeneficiaryStatus,
    BenefitKind,
    ChangeKind,
    ComplianceAction,
    ComplianceFileKind,
    ConditionKind,
    Frequency,
    HealthVisitKind,
    NoticeKind,
    NoticeStatus,
    ProgrammeStatus,
    Proposal,
    RunStatus,
    Unit,
)


class Programme(models.Model):
    """A cash or non-cash programme, configured by programme staff and changed without code."""

    code = models.SlugField(
        _("code"), max_length=40, help_text=_("A short name for files and messages, e.g. kafaalat")
    )
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ur = models.CharField(_("name (Urdu)"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("serves"), max_length=12, choices=Unit.choices)
    one_per_household = models.BooleanField(
        _("one per household"), default=False,
        help_text=_("Only the first eligible member of a household is enrolled (Kafaalat: one woman)"),
    )  # fmt: skip
    eligibility = models.TextField(
        _("eligibility rule"), help_text=_("e.g. pmt_score <= 32 and not wealth_flagged = true")
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    benefit_cap = models.PositiveIntegerField(
        _("cap (Rs a payment)"),
        null=True,
        blank=True,
        help_text=_("The most one beneficiary receives a payment"),
    )
    budget = models.PositiveBigIntegerField(_("budget (Rs a payment cycle)"), null=True, blank=True)
    quota = models.PositiveIntegerField(_("quota (beneficiaries)"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    takes_applications = models.BooleanField(
        _("takes applications"), default=False,
        help_text=_("People apply on the public site or at a desk, and staff decide each application"),
    )  # fmt: skip
    parameters = models.JSONField(
        _("settings"), default=dict, blank=True,
        help_text=_("The application form's questions and the ranking's weights, as JSON"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="programmes_created",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        permissions = [
            ("configure_programme", _("Can configure programmes")),
            ("activate_programme", _("Can activate, pause and close programmes")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="%(app_label)s_%(class)s_code_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ur if (get_language() or "").startswith("ur") and self.name_ur else self.name_en


class BenefitRule(models.Model):
    """One line of a programme's benefit: an amount when a condition holds (empty: always). Base lines
    are tried in order and the first that holds gives the amount; top-ups that hold are added."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="benefit_rules")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=8, choices=BenefitKind.choices, default=BenefitKind.BASE)
    label = models.CharField(_("label"), max_length=120, help_text=_("e.g. Secondary, girl"))
    condition = models.TextField(_("when"), blank=True)
    amount = models.PositiveIntegerField(_("amount (Rs)"))

    class Meta:
        ordering = ["programme", "order"]
        verbose_name = _("benefit rule")
        verbose_name_plural = _("benefit rules")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "order"], name="%(app_label)s_%(class)s_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: Rs {self.amount:,}"


class ConditionRule(models.Model):
    """What a beneficiary must do to keep the benefit, for those it applies to (`applies_when`; empty:
    everyone): e.g. school attendance of at least 70 % each quarter for children of school age."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="condition_rules")
    kind = models.CharField(_("kind"), max_length=20, choices=ConditionKind.choices)
    minimum = models.PositiveSmallIntegerField(
        _("at least"), help_text=_("A percentage for attendance; a count of visits or check-ups otherwise")
    )
    applies_when = models.TextField(_("applies when"), blank=True)
    suspend_after = models.PositiveSmallIntegerField(
        _("suspend after (quarters missed)"), default=1,
        help_text=_("Quarters in a row without compliance before the benefit is suspended"),
    )  # fmt: skip

    class Meta:
        ordering = ["programme", "kind"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="%(app_label)s_%(class)s_kind_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ≥ {self.minimum}"


class Beneficiary(models.Model):
    """A household, or one of its members, in a programme, with a status that changes only through
    the services (each change recorded in BeneficiaryStatusChange)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="beneficiaries")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="beneficiaries"
    )
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="beneficiaries", null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=BeneficiaryStatus.choices)
    status_reason = models.TextField(_("reason"), blank=True)
    status_since = models.DateTimeField(_("since"))
    amount = models.PositiveIntegerField(_("amount (Rs a payment)"), default=0)
    category = models.CharField(_("category"), max_length=120, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)

    class Meta:
        ordering = ["programme", "household", "member"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            # A person is in a programme once; a household served as a whole is in it once.
            models.UniqueConstraint(
                fields=["programme", "member"],
                condition=Q(member__isnull=False),
                name="%(app_label)s_%(class)s_member_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "household"],
                condition=Q(member__isnull=True),
                name="%(app_label)s_%(class)s_household_once",
            ),
        ]
        indexes = [models.Index(fields=["household", "programme"], name="programs_beneficiary_hh_idx")]

    def __str__(self) -> str:
        return f"{self.programme.code} · {self.member_id or self.household_id}"


class BeneficiaryStatusChange(models.Model):
    """One change of a beneficiary's status, with its reason and date: the history a case worker and an
    auditor read."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=BeneficiaryStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=BeneficiaryStatus.choices)
    reason = models.TextField(_("reason"))
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["beneficiary", "changed_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class EnrolmentRun(models.Model):
    """Eligibility worked out over the whole registry for one programme: who newly qualifies, who no
    longer does and why. A programme officer approves the list and a second person confirms it; only the
    confirmation changes beneficiaries, once."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolment_runs")
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, related_name="+", null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.COMPUTING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    units = models.PositiveIntegerField(_("units judged"), default=0)
    eligible = models.PositiveIntegerField(_("eligible"), default=0)
    joining = models.PositiveIntegerField(_("newly qualify"), default=0)
    leaving = models.PositiveIntegerField(_("no longer qualify"), default=0)
    staying = models.PositiveIntegerField(_("stay"), default=0)
    over_limit = models.PositiveIntegerField(_("eligible but over the quota or budget"), default=0)
    amount_per_payment = models.PositiveBigIntegerField(_("total per payment after the run (Rs)"), default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("enrolment run")
        verbose_name_plural = _("enrolment runs")
        permissions = [
            ("run_enrolment", _("Can run enrolment")),
            ("approve_enrolment", _("Can approve an enrolment list")),
            ("confirm_enrolment", _("Can confirm an approved enrolment list")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("approved_by")),
                name="%(app_label)s_%(class)s_confirmer_is_not_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status=RunStatus.CONFIRMED)
                | Q(approved_by__isnull=False, confirmed_by__isnull=False),
                name="%(app_label)s_%(class)s_confirmed_after_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} #{self.pk}"


class EnrolmentChange(models.Model):
    """One unit whose place in the programme a run would change, with the reason."""

    run = models.ForeignKey(EnrolmentRun, on_delete=models.CASCADE, related_name="changes")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    change = models.CharField(_("change"), max_length=8, choices=ChangeKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    amount = models.PositiveIntegerField(_("amount (Rs a payment)"), default=0)
    category = models.CharField(_("category"), max_length=120, blank=True)

    class Meta:
        ordering = ["run", "household", "member"]
        verbose_name = _("enrolment change")
        verbose_name_plural = _("enrolment changes")
        indexes = [models.Index(fields=["run", "change"], name="programs_change_run_idx")]

    def __str__(self) -> str:
        return f"{self.get_change_display()}: {self.member_id or self.household_id}"


# Conditionalities: what schools and health centres report, the quarters judged, and the notices sent.


class ComplianceFile(models.Model):
    """A file a school or health centre sent, as it was imported: what it held and what it changed."""

    kind = models.CharField(_("kind"), max_length=12, choices=ComplianceFileKind.choices)
    file_name = models.CharField(_("file"), max_length=255)
    lines = models.PositiveIntegerField(_("records"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    changed = models.PositiveIntegerField(_("corrected"), default=0)
    unchanged = models.PositiveIntegerField(_("already recorded"), default=0)
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("compliance file")
        verbose_name_plural = _("compliance files")

    def __str__(self) -> str:
        return self.file_name


class SchoolAttendance(models.Model):
    """A child's attendance at school in one quarter (a percentage of the school days), as a school's
    file reported it. One figure a child and quarter: a later file corrects it."""

    # Indexed by the (member, quarter) unique constraint, whose first column it is.
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="school_attendance", db_index=False
    )
    quarter = models.CharField(_("quarter"), max_length=7, help_text=_("e.g. 2026-Q3"))
    attendance = models.DecimalField(_("attendance (%)"), max_digits=4, decimal_places=1)
    source = models.CharField(_("file"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["member", "-quarter"]
        verbose_name = _("school attendance")
        verbose_name_plural = _("school attendance")
        permissions = [("record_compliance", _("Can import school attendance and health centre files"))]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "quarter"], name="%(app_label)s_%(class)s_once_a_quarter"
            ),
            models.CheckConstraint(
                condition=Q(attendance__gte=0, attendance__lte=100),
                name="%(app_label)s_%(class)s_attendance_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.quarter}: {self.attendance} %"


class HealthVisit(models.Model):
    """A visit a health centre recorded: a check-up, an immunisation or a growth check-up of one person
    on one day (the same visit recorded twice is one)."""

    # Indexed by the (member, kind, visited_on) unique constraint, whose first column it is.
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="health_visits", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=16, choices=HealthVisitKind.choices)
    visited_on = models.DateField(_("date"))
    centre = models.CharField(_("health centre"), max_length=120, blank=True)
    source = models.CharField(_("file"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["member", "-visited_on"]
        verbose_name = _("health visit")
        verbose_name_plural = _("health visits")
        permissions = [("record_health_visit", _("Can record a health visit on a household's page"))]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "visited_on"], name="%(app_label)s_%(class)s_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()} {self.visited_on}"


class ConditionEvaluation(models.Model):
    """A programme's conditions judged for one quarter: each beneficiary a condition applies to is
    judged, those who missed it for as many quarters in a row as the condition allows are suspended, and
    those suspended for a condition who meet every condition again resume. One a programme and quarter:
    evaluating the quarter again adds only what changed since."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="condition_evaluations")
    quarter = models.CharField(_("quarter"), max_length=7)
    evaluated_at = models.DateTimeField(_("evaluated"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    judged = models.PositiveIntegerField(_("beneficiaries judged"), default=0)
    met = models.PositiveIntegerField(_("met every condition"), default=0)
    missed = models.PositiveIntegerField(_("missed a condition"), default=0)
    suspended = models.PositiveIntegerField(_("suspended"), default=0)
    resumed = models.PositiveIntegerField(_("resumed"), default=0)

    class Meta:
        ordering = ["programme", "-quarter"]
        verbose_name = _("condition evaluation")
        verbose_name_plural = _("condition evaluations")
        permissions = [("evaluate_conditions", _("Can evaluate a quarter's conditions"))]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "quarter"], name="%(app_label)s_%(class)s_once_a_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.quarter}"


class Compliance(models.Model):
    """A beneficiary's compliance with one condition in one quarter, as the evaluation judged it: the
    figure (attendance %, or the visits counted; none when no school reported the child), the minimum it
    was held to, and how many quarters in a row it has been missed."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="compliance")
    kind = models.CharField(_("condition"), max_length=20, choices=ConditionKind.choices)
    quarter = models.CharField(_("quarter"), max_length=7)
    value = models.DecimalField(_("figure"), max_digits=6, decimal_places=1, null=True, blank=True)
    minimum = models.PositiveSmallIntegerField(_("at least"))
    met = models.BooleanField(_("met"))
    missed_in_a_row = models.PositiveSmallIntegerField(_("quarters missed in a row"), default=0)

    class Meta:
        ordering = ["beneficiary", "-quarter", "kind"]
        verbose_name = _("compliance")
        verbose_name_plural = _("compliance")
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "kind", "quarter"], name="%(app_label)s_%(class)s_once_a_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_id} {self.kind} {self.quarter}: {'met' if self.met else 'missed'}"


class ConditionOutcome(models.Model):
    """A beneficiary an evaluation suspended or resumed, with the reason written to the status history.
    A beneficiary is suspended for a condition while its last suspension is one of these (`at` equal to
    the beneficiary's `status_since`); only such a suspension is lifted by an evaluation, never one made
    by hand."""

    evaluation = models.ForeignKey(ConditionEvaluation, on_delete=models.CASCADE, related_name="outcomes")
    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.PROTECT, related_name="condition_outcomes")
    action = models.CharField(_("action"), max_length=10, choices=ComplianceAction.choices)
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["evaluation", "action", "beneficiary"]
        verbose_name = _("condition outcome")
        verbose_name_plural = _("condition outcomes")
        indexes = [models.Index(fields=["beneficiary", "at"], name="programs_outcome_ben_idx")]

    def __str__(self) -> str:
        return f"{self.beneficiary_id} {self.action}"


class Notice(models.Model):
    """The outbox of messages to beneficiaries: each row one SMS to send, in the person's language,
    written in the same transaction as the change it tells of. Nothing here sends it: the SMS service
    takes the rows waiting (`status` pending, oldest first), sends each to `phone`, and marks it sent
    (`sent_at`) or failed (`error`, `attempts`). `key` names what the notice is about, so that the same
    event never queues two messages. A notice without a phone number waits until the sender decides
    (the registry may learn a number)."""

    key = models.CharField(max_length=80, help_text="what the notice is about, e.g. condition-outcome:42")
    kind = models.CharField(_("kind"), max_length=24, choices=NoticeKind.choices)
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="notices", null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))
    application = models.ForeignKey(
        "programs.Application", on_delete=models.PROTECT, related_name="notices", null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=8, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    created_at = models.DateTimeField(_("queued"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["key"], name="%(app_label)s_%(class)s_key_unique"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(status="pending"), name="programs_notice_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


# Applications: people ask to join a programme that takes applications (scholarships now, loans later).

TRACKING_PREFIX = "APP-"


class ApplicationQuota(models.Model):
    """The places a programme offers at one university in one province: ranking accepts, within each,
    the applicants in most need and of most merit."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="quotas")
    university = models.CharField(_("university"), max_length=150)
    province = models.ForeignKey("core.Province", on_delete=models.PROTECT, related_name="+")
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        ordering = ["programme", "province", "university"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "university", "province"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.university} ({self.places})"


class Application(models.Model):
    """A person's application to a programme: who applies (a member of the registry when the CNIC is
    found there; a name and a phone number otherwise), the answers to the programme's questions (kept as
    JSON, checked against the programme's fields), the documents attached, and its status, decided by
    staff with a reason the applicant reads on the tracking page. Ranking adds the need (from the
    household's PMT score), the score, the rank within its quota and what it proposes; a person decides.

    The tracking number is the primary key, written APP-000123: the database's sequence numbers it."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    cnic = models.CharField(_("CNIC"), max_length=13)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="applications", null=True, blank=True
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="applications", null=True, blank=True
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    channel = models.CharField(_("received"), max_length=8, choices=ApplicationChannel.choices)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    need = models.DecimalField(_("need"), max_digits=5, decimal_places=2, null=True, blank=True)
    rank_score = models.DecimalField(
        _("ranking score"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    rank = models.PositiveIntegerField(_("rank in its quota"), null=True, blank=True)
    places = models.PositiveIntegerField(_("places left in its quota"), null=True, blank=True)
    proposal = models.CharField(_("ranking proposes"), max_length=8, choices=Proposal.choices, blank=True)
    ranked_at = models.DateTimeField(_("ranked"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        permissions = [
            ("decide_application", _("Can decide applications")),
            ("rank_applications", _("Can rank a programme's applications")),
        ]
        constraints = [
            # One open application a person and programme: a second waits for the first's decision.
            models.UniqueConstraint(
                fields=["programme", "cnic"],
                condition=Q(status__in=["submitted", "under_review", "waitlisted"]),
                name="%(app_label)s_%(class)s_one_open_a_person",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(status__in=["under_review", "accepted", "rejected", "waitlisted"]),
                name="%(app_label)s_%(class)s_decided_has_a_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"], name="programs_application_prog_idx"),
            models.Index(fields=["cnic"], name="programs_application_cnic_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def tracking_number(self) -> str:
        return f"{TRACKING_PREFIX}{self.pk:06d}"


class ApplicationStatusChange(models.Model):
    """One change of an application's status, with its reason: the history staff read."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["application", "changed_at", "id"]
        verbose_name = _("application status change")
        verbose_name_plural = _("application status changes")

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


def document_path(document: "ApplicationDocument", filename: str) -> str:
    """Stored under a random name (nothing a person typed reaches the file system), by month."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"applications/{document.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ApplicationDocument(models.Model):
    """A document attached to an application (a result card, an admission letter, an income
    certificate), kept under MEDIA_ROOT and served only to staff who may read the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    name = models.CharField(_("name"), max_length=150)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.name

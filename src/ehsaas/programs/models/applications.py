"""Applications: people ask to join a programme that takes applications (scholarships now, loans
later), with documents, a tracking number and decisions with reasons."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.messaging.choices import MessageLanguage
from ehsaas.programs.choices import (
    ApplicationChannel,
    ApplicationStatus,
    Proposal,
)
from ehsaas.programs.models.programmes import Programme

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
    staff with a reason the applicant reads on the tracking page. The applicant is told of a decision by
    SMS in the language they applied in (the public site's when they submitted there; Urdu when staff
    entered it for them). Ranking adds the need (from the household's PMT score), the score, the rank
    within its quota and what it proposes; a person decides.

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
    language = models.CharField(
        _("language"), max_length=2, choices=MessageLanguage.choices, default=MessageLanguage.URDU,
        help_text=_("The language the applicant used: the SMS about the application are written in it"),
    )  # fmt: skip
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

"""Statuses back from providers: each file (or callback) applied once, with the lines that could not
be applied reported, never applied."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ehsaas.payments.choices import StatusFileFormat, StatusProblemKind
from ehsaas.payments.models.providers import Provider


class StatusFile(models.Model):
    """A status file from a provider (pain.002 or its CSV) or a batch of callbacks, with what applying
    it did. The same file (by SHA-256) is applied once; sending it again changes nothing."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="status_files")
    file_format = models.CharField(_("format"), max_length=10, choices=StatusFileFormat.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("lines"), default=0)
    paid = models.PositiveIntegerField(_("paid"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    unchanged = models.PositiveIntegerField(_("already applied"), default=0)
    problems = models.PositiveIntegerField(_("reported, not applied"), default=0)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    received_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, related_name="+", null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("status file")
        verbose_name_plural = _("status files")
        constraints = [
            models.UniqueConstraint(fields=["provider", "sha256"], name="%(app_label)s_%(class)s_once"),
        ]

    def __str__(self) -> str:
        return self.file_name or f"{self.provider} #{self.pk}"


class StatusProblem(models.Model):
    """A line of a status file that was reported and not applied, and why."""

    status_file = models.ForeignKey(StatusFile, on_delete=models.CASCADE, related_name="problem_lines")
    line = models.PositiveIntegerField(_("line"))
    reference = models.CharField(_("reference"), max_length=35, blank=True)
    kind = models.CharField(_("problem"), max_length=10, choices=StatusProblemKind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["status_file", "line"]
        verbose_name = _("status problem")
        verbose_name_plural = _("status problems")

    def __str__(self) -> str:
        return f"{self.line}: {self.get_kind_display()}"

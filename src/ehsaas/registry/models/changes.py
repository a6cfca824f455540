"""Changes proposed to the registry: change requests for a second person to approve, and likely duplicates."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import MakerChecker
from ehsaas.registry import choices as c
from ehsaas.registry.models.households import Household, Member


class ChangeRequest(MakerChecker):
    """A change to a household that one user asks for and another approves (maker-checker).
    Once submitted its content is frozen; only the decision is written afterwards."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(_("kind"), max_length=16, choices=c.ChangeKind.choices)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="change_requests", null=True, blank=True
    )
    target_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="incoming_change_requests", null=True, blank=True
    )
    payload = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=c.ChangeStatus.choices, default=c.ChangeStatus.SUBMITTED
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.household}"


class DuplicateCandidate(models.Model):
    """Two members who are probably one person (similar names, same date of birth, same place),
    found by duplicate detection and listed for a person to merge or dismiss."""

    member_a = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    member_b = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("similarity"))
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=c.DuplicateStatus.choices, default=c.DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_a", "member_b"], name="%(app_label)s_%(class)s_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(member_a__lt=F("member_b")), name="%(app_label)s_%(class)s_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_a_id} ~ {self.member_b_id} ({self.score})"

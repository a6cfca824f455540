"""Feedback sessions and town-hall meetings: where and when they were held, who came (counted by sex),
the issues people raised and the actions agreed, each followed up until it is done or dropped."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.community.choices import ActionStatus, SessionKind, Topic

MSG_NOBODY_ATTENDED = _("Count who attended: a session has at least one woman, man or transgender person.")


class FeedbackSession(models.Model):
    """A meeting with the community, recorded after it was held by the programme officer or partner
    organisation that ran it. A town hall also collects complaints (entered through the grievances
    pages)."""

    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    held_on = models.DateField(_("held on"))
    district = models.ForeignKey(
        "core.District",
        on_delete=models.PROTECT,
        related_name="feedback_sessions",
        verbose_name=_("district"),
    )
    tehsil = models.ForeignKey(
        "core.Tehsil", on_delete=models.PROTECT, related_name="feedback_sessions", null=True, blank=True,
        verbose_name=_("tehsil"),
    )  # fmt: skip
    venue = models.CharField(_("venue"), max_length=200)
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, related_name="feedback_sessions", null=True,
        blank=True, verbose_name=_("programme"),
    )  # fmt: skip
    facilitator = models.CharField(_("facilitator"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200)
    women = models.PositiveIntegerField(_("women"), default=0)
    men = models.PositiveIntegerField(_("men"), default=0)
    transgender = models.PositiveIntegerField(_("transgender persons"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("feedback session")
        verbose_name_plural = _("feedback sessions")
        permissions = [
            ("record_feedback", _("Can record feedback sessions and town halls and follow up their actions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values), name="%(app_label)s_%(class)s_kind_valid"
            ),
            # A meeting nobody attended was not held.
            models.CheckConstraint(
                condition=Q(women__gt=0) | Q(men__gt=0) | Q(transgender__gt=0),
                name="%(app_label)s_%(class)s_someone_attended",
                violation_error_message=MSG_NOBODY_ATTENDED,
            ),
        ]
        indexes = [models.Index(fields=["district", "held_on"], name="community_session_district_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.venue} · {self.held_on:%Y-%m-%d}"

    @property
    def attendance(self) -> int:
        return self.women + self.men + self.transgender


class RaisedIssue(models.Model):
    """An issue people raised at a session, under a topic so that sessions can be compared."""

    session = models.ForeignKey(FeedbackSession, on_delete=models.PROTECT, related_name="issues")
    order = models.PositiveSmallIntegerField(default=1)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    description = models.TextField(_("issue"))

    class Meta:
        ordering = ["session", "order", "id"]
        verbose_name = _("issue raised")
        verbose_name_plural = _("issues raised")
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__in=Topic.values), name="%(app_label)s_%(class)s_topic_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class AgreedAction(models.Model):
    """Something agreed at a session: who will do it, by when, and how far it has come. A done action
    has the day it was done; a dropped one says why."""

    session = models.ForeignKey(FeedbackSession, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(_("action"))
    responsible = models.CharField(_("responsible"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    dropped_reason = models.TextField(_("why dropped"), blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["session", "due_on", "id"]
        verbose_name = _("action agreed")
        verbose_name_plural = _("actions agreed")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE, done_on__isnull=False)
                | (~Q(status=ActionStatus.DONE) & Q(done_on__isnull=True)),
                name="%(app_label)s_%(class)s_done_has_its_day",
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DROPPED) | ~Q(dropped_reason=""),
                name="%(app_label)s_%(class)s_dropped_says_why",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def done_on_time(self) -> bool:
        return self.status == ActionStatus.DONE and self.done_on <= self.due_on

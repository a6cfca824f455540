"""Community advisory boards: the people of a district who sit on one (and when they joined and left),
its meetings with the members present and the minutes, and its recommendations with what became of
each."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ehsaas.community.choices import BoardRole, RecommendationStatus, Sex


class AdvisoryBoard(models.Model):
    """A district's community advisory board: residents and beneficiaries who advise the programme."""

    name = models.CharField(_("name"), max_length=150)
    district = models.ForeignKey(
        "core.District", on_delete=models.PROTECT, related_name="advisory_boards", verbose_name=_("district")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("advisory board")
        verbose_name_plural = _("advisory boards")
        permissions = [
            ("manage_board", _("Can record advisory boards, their members, meetings and recommendations")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="%(app_label)s_%(class)s_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class BoardMember(models.Model):
    """A person on a board, from the day they joined to the day they left (empty while they sit)."""

    board = models.ForeignKey(AdvisoryBoard, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role on the board"), max_length=12, choices=BoardRole.choices)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("E.164, e.g. +923001234567"))
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["board", "left_on", "name", "id"]
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=BoardRole.values), name="%(app_label)s_%(class)s_role_valid"
            ),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="%(app_label)s_%(class)s_sex_valid"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="%(app_label)s_%(class)s_leaves_after_joining",
            ),
            # A board has one chair at a time.
            models.UniqueConstraint(
                fields=["board"],
                condition=Q(role=BoardRole.CHAIR, left_on__isnull=True),
                name="%(app_label)s_%(class)s_one_chair",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def sat_on(self, day) -> bool:
        """Whether the person was on the board that day."""
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


class BoardMeeting(models.Model):
    """A meeting of a board: the day, the members present and the minutes."""

    board = models.ForeignKey(AdvisoryBoard, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        BoardMember, related_name="meetings_attended", blank=True, verbose_name=_("members present")
    )
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board", "-held_on", "-id"]
        verbose_name = _("board meeting")
        verbose_name_plural = _("board meetings")

    def __str__(self) -> str:
        return f"{self.board} · {self.held_on:%Y-%m-%d}"


class Recommendation(models.Model):
    """A board's recommendation and what became of it: when it was decided, and what was done (or why
    it was declined)."""

    board = models.ForeignKey(AdvisoryBoard, on_delete=models.PROTECT, related_name="recommendations")
    text = models.TextField(_("recommendation"))
    made_on = models.DateField(_("made on"))
    status = models.CharField(
        _("status"), max_length=20, choices=RecommendationStatus.choices,
        default=RecommendationStatus.UNDER_CONSIDERATION,
    )  # fmt: skip
    outcome = models.TextField(_("what was done"), blank=True)
    decided_on = models.DateField(_("when"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["board", "-made_on", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RecommendationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=RecommendationStatus.UNDER_CONSIDERATION, decided_on__isnull=True)
                | (~Q(status=RecommendationStatus.UNDER_CONSIDERATION) & Q(decided_on__isnull=False)),
                name="%(app_label)s_%(class)s_decision_has_its_day",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[RecommendationStatus.IMPLEMENTED, RecommendationStatus.DECLINED])
                | ~Q(outcome=""),
                name="%(app_label)s_%(class)s_outcome_says_what",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("made_on")),
                name="%(app_label)s_%(class)s_decided_after_made",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

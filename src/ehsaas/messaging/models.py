"""The outbox: templates of the messages the platform sends, and each message to one phone."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.messaging.choices import MessageLanguage, MessageStatus


class MessageTemplate(models.Model):
    """The words of one kind of message, in English and in Urdu, with {placeholders} that the code
    sending it fills in. `placeholders` lists the names that code provides: a text may use any of them
    (or none), and a name not in the list is refused when the template is saved. Staff edit the texts;
    the code and its placeholders belong to the code that sends it and come from migrations."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=300)
    placeholders = models.JSONField(_("placeholders"), default=list, blank=True)
    text_en = models.TextField(_("text (English)"))
    text_ur = models.TextField(_("text (Urdu)"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.code

    def text_in(self, language: str) -> str:
        return self.text_en if language == MessageLanguage.ENGLISH else self.text_ur


class Message(models.Model):
    """One SMS to one phone (923XXXXXXXXX) about one event, its text rendered in the person's language
    when it was queued. (event, phone) is unique: a person is told about an event once, however often
    the code that tells them runs. The sender takes queued messages whose `next_attempt_at` has come,
    hands each to the gateway and marks it sent, or schedules another attempt, or gives up (failed)
    after SMS_MAX_ATTEMPTS; the gateway's delivery reports mark it delivered or failed."""

    event = models.CharField(
        _("event"),
        max_length=120,
        help_text=_("what the message is about, e.g. payment_ready:kafaalat-2026Q3"),
    )
    phone = models.CharField(_("phone"), max_length=12)
    language = models.CharField(_("language"), max_length=2, choices=MessageLanguage.choices)
    template = models.CharField(_("template"), max_length=40, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    gateway = models.CharField(_("gateway"), max_length=16, blank=True)
    gateway_id = models.CharField(_("gateway's message id"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    report = models.CharField(_("last delivery report"), max_length=200, blank=True)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        permissions = [
            ("send_campaign", _("Can send a campaign announcement to a programme's beneficiaries"))
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "phone"], name="%(app_label)s_%(class)s_once_per_event"),
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="%(app_label)s_%(class)s_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=MessageLanguage.values),
                name="%(app_label)s_%(class)s_language_valid",
            ),
        ]
        indexes = [
            # The sender's queue: only the waiting messages, in the order they fall due (with the id, as a
            # million queued at once fall due at the same moment and are taken in id order).
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="queued"),
                name="messaging_message_due_idx",
            ),
            models.Index(fields=["phone"], name="messaging_message_phone_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.phone} ({self.status})"

"""Writes of the outbox: queueing messages, one or a whole set at once, and editing templates.

Queueing writes a row and nothing else; the sender (sending.py, run as a job or by `ehsaas messages
send`) hands queued rows to the gateway. So a message queued in a transaction that rolls back was never
queued, and nothing waits on a gateway inside a caller's transaction.

A message is unique by (event, phone): queueing the same event for the same phone again, one by one or
in bulk, changes nothing and sends nothing.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ehsaas.core.identity import InvalidIdentifier, normalize_mobile
from ehsaas.core.services import audit_record
from ehsaas.messaging.choices import MessageLanguage, MessageStatus
from ehsaas.messaging.models import Message, MessageTemplate
from ehsaas.messaging.rendering import PlaceholderError, placeholders_check, placeholders_in, render
from ehsaas.messaging.tasks import sending_wake

MSG_INVALID_PHONE = _("%(phone)s is not a Pakistani mobile number such as 0300-1234567 or +923001234567.")
MSG_NO_TEMPLATE = _("There is no message template %(code)s.")
MSG_LANGUAGE = _("Messages are written in Urdu (ur) or English (en), not %(language)s.")
MSG_NO_EVENT = _("A message needs an event saying what it is about.")
MSG_EVENT_TOO_LONG = _("An event is at most 120 characters: %(event)s")
MSG_MISSING_COLUMN = _(
    "The recipients' query has no column %(column)s; it needs phone, language and %(needed)s."
)


class MessageRefused(ValueError):
    """A message that cannot be queued, with a message saying why."""


def phone_normalise(raw: str) -> str:
    """A Pakistani mobile number written any usual way (0300-1234567, +92 300 1234567, 923001234567) as
    the twelve digits gateways take: 923001234567. Raises MessageRefused otherwise."""
    try:
        return normalize_mobile(raw).removeprefix("+")
    except InvalidIdentifier:
        raise MessageRefused(MSG_INVALID_PHONE % {"phone": repr(raw or "")}) from None


def _template(template: "str | MessageTemplate") -> MessageTemplate:
    if isinstance(template, MessageTemplate):
        return template
    try:
        return MessageTemplate.objects.get(code=template)
    except MessageTemplate.DoesNotExist:
        raise MessageRefused(MSG_NO_TEMPLATE % {"code": template}) from None


def _language(language: str) -> str:
    if language not in MessageLanguage.values:
        raise MessageRefused(MSG_LANGUAGE % {"language": repr(language)})
    return language


def _event(event: str) -> str:
    if not event:
        raise MessageRefused(MSG_NO_EVENT)
    if len(event) > 120:
        raise MessageRefused(MSG_EVENT_TOO_LONG % {"event": event})
    return event


def message_queue(
    *, event: str, phone: str, template: "str | MessageTemplate", language: str, context: dict
) -> Message:
    """Queue one SMS telling `phone` about `event`, in `language` ("ur" or "en"), with the template
    (a code such as "payment_ready", or a MessageTemplate) rendered now with `context` (a value for
    each placeholder its text uses; extra keys are ignored).

    Runs in the caller's transaction: the message exists if and only if the caller's change commits,
    and the sender picks it up after that. If (event, phone) was queued before, nothing is written and
    the existing message is returned as it is (even if it was queued in the other language or with
    other words): a person is never told twice about the same event.

    Raises MessageRefused, with a message saying what is wrong, for a phone that is not a Pakistani
    mobile number, an unknown template or language, or a missing event; KeyError naming the placeholder
    when `context` lacks a value the text uses."""
    event, language = _event(event), _language(language)
    number = phone_normalise(phone)
    existing = Message.objects.filter(event=event, phone=number).first()
    if existing is not None:
        return existing
    chosen = _template(template)
    text = render(chosen.text_in(language), context, template=chosen.code)
    try:
        # A savepoint: a message queued at the same moment by another transaction must not break the
        # caller's transaction; the row that won is returned instead.
        with transaction.atomic():
            message = Message.objects.create(
                event=event, phone=number, language=language, template=chosen.code, text=text
            )
    except IntegrityError:
        return Message.objects.get(event=event, phone=number)
    _wake_sender()
    return message


def message_queue_text(*, event: str, phone: str, language: str, text: str) -> Message:
    """Like message_queue, for a text a person wrote (a campaign announcement) rather than a template."""
    event, language = _event(event), _language(language)
    number = phone_normalise(phone)
    with transaction.atomic():
        message = Message.objects.filter(event=event, phone=number).first()
        if message is None:
            message = Message.objects.create(event=event, phone=number, language=language, text=text)
            _wake_sender()
    return message


def _sql_phone(expression: str) -> str:
    """SQL turning a phone written any usual way into 923XXXXXXXXX (validity is checked apart)."""
    compact = expression
    for character in (" ", "-", "+", "(", ")"):
        compact = f"REPLACE({compact}, '{character}', '')"
    return (
        f"CASE WHEN {compact} LIKE '03%%' THEN '92' || SUBSTR({compact}, 2)"
        f" WHEN {compact} LIKE '0092%%' THEN SUBSTR({compact}, 3)"
        f" WHEN {compact} LIKE '3%%' THEN '92' || {compact}"
        f" ELSE {compact} END"
    )


def _sql_valid_phone(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"{expression} ~ '^923[0-9]{{9}}$'"
    return f"{expression} GLOB '923[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'"


def query_columns(sql: str, params: dict | None = None) -> list[str]:
    """The names of the columns `sql` returns, read without running it over its rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) q LIMIT 0", params or {})
        return [column[0] for column in cursor.description]


def messages_queue_sql(
    *,
    template: "str | MessageTemplate",
    sql: str,
    params: dict | None = None,
    event: str | None = None,
    text: dict[str, str] | None = None,
) -> int:
    """Queue one message for each row of the SQL query `sql` in a single INSERT … SELECT … ON CONFLICT
    DO NOTHING (the same statement on PostgreSQL and SQLite), rendering the template in SQL: never a
    query per row, so a million recipients are queued in one statement. Returns how many were queued.

    The query (written with named parameters, `%(name)s`, given in `params`) returns the columns:
    - `phone`: a mobile number written any usual way (03001234567, +923001234567, 0300-1234567); rows
      whose number is not a Pakistani mobile number are left out;
    - `language`: "en" for English, anything else (usually "ur") for Urdu;
    - one column named after each placeholder the template's texts use, cast to text as it is
      (format amounts and dates in the query);
    - `event`, when the `event` argument is None: each row's own event. Otherwise all rows share `event`.

    Rows whose (event, phone) was queued before, or repeats within the query, are skipped silently: a
    person is never told twice about one event. `text`, {"en": …, "ur": …}, replaces the template's
    texts (a campaign written for the occasion; its placeholders are checked against the template's).
    Runs in the caller's transaction; the caller should not interpolate anything it did not write into
    `sql`. Raises MessageRefused when a needed column is missing or the template is unknown."""
    chosen = _template(template)
    texts = text or {"en": chosen.text_en, "ur": chosen.text_ur}
    for words in texts.values():
        try:
            placeholders_check(words, chosen.placeholders)
        except PlaceholderError as error:
            raise MessageRefused(str(error)) from None
    used = sorted({name for words in texts.values() for name in placeholders_in(words)})
    columns = set(query_columns(sql, params))
    needed = ["phone", "language", *used, *([] if event is not None else ["event"])]
    for column in needed:
        if column not in columns:
            listed = ", ".join(used + ([] if event is not None else ["event"])) or "nothing else"
            raise MessageRefused(MSG_MISSING_COLUMN % {"column": column, "needed": listed})
    if event is not None:
        _event(event)

    own = {"_m_event": event, "_m_template": chosen.code, "_m_en": texts["en"], "_m_ur": texts["ur"],
           "_m_now": timezone.now(), "_m_status": MessageStatus.QUEUED.value}  # fmt: skip
    rendered = "CASE WHEN r.language = 'en' THEN %(_m_en)s ELSE %(_m_ur)s END"
    for index, name in enumerate(used):
        own[f"_m_p{index}"] = "{" + name + "}"
        rendered = f"REPLACE({rendered}, %(_m_p{index})s, COALESCE(CAST(r.{_quote(name)} AS TEXT), ''))"
    event_sql = "%(_m_event)s" if event is not None else "CAST(q.event AS TEXT)"
    statement = f"""
        INSERT INTO messaging_message (event, phone, language, template, text, status, attempts,
            next_attempt_at, gateway, gateway_id, error, report, queued_at)
        SELECT r.event, r.phone, r.language, %(_m_template)s, {rendered}, %(_m_status)s, 0,
            %(_m_now)s, '', '', '', '', %(_m_now)s
        FROM (
            SELECT {event_sql} AS event, {_sql_phone("CAST(q.phone AS TEXT)")} AS phone,
                CASE WHEN q.language = 'en' THEN 'en' ELSE 'ur' END AS language,
                {", ".join(f"q.{_quote(name)}" for name in used) or "NULL AS _none"}
            FROM ({sql}) q
            WHERE q.phone IS NOT NULL
        ) r
        WHERE {_sql_valid_phone("r.phone")} AND r.event IS NOT NULL
        ON CONFLICT (event, phone) DO NOTHING"""
    with connection.cursor() as cursor:
        cursor.execute(statement, (params or {}) | own)
        queued = cursor.rowcount
    if queued:
        _wake_sender()
    return queued


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _wake_sender() -> None:
    """Once the caller's transaction commits, make sure a sender will run (asked once per transaction,
    however many messages it queued)."""
    if any(entry[1] is sending_wake for entry in connection.run_on_commit):
        return
    transaction.on_commit(sending_wake)


# Kannel's delivery-report types (gateways.DLR_MASK), and the words another gateway may use instead.
REPORT_DELIVERED = {"1", "delivered"}
REPORT_FAILED = {"2", "16", "failed", "undelivered", "rejected"}
REPORT_ACCEPTED = {"4", "8", "accepted", "buffered"}
MSG_REPORT_STATUS = _("A delivery report's status is one of 1, 2, 4, 8 or 16 (Kannel's), not %(status)s.")


def message_delivery_report(*, message_id: int, status: str, report: str = "") -> Message | None:
    """What the gateway reports about a sent message: delivered to the phone (1) marks it delivered,
    not delivered or rejected by the SMS centre (2, 16) marks it failed with the report's text, accepted
    or queued by the centre (8, 4) is only recorded. A message delivered or failed stays so (reports
    can arrive out of order). Returns None for a message that does not exist; raises MessageRefused for
    a status that is none of these."""
    status = (status or "").strip().lower()
    if status not in REPORT_DELIVERED | REPORT_FAILED | REPORT_ACCEPTED:
        raise MessageRefused(MSG_REPORT_STATUS % {"status": repr(status)})
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        message.report = f"{status}: {report}".strip()[:200]
        fields = ["report"]
        final = message.status in (MessageStatus.DELIVERED, MessageStatus.FAILED)
        if status in REPORT_DELIVERED and not final:
            message.status, message.delivered_at = MessageStatus.DELIVERED, timezone.now()
            fields += ["status", "delivered_at"]
        elif status in REPORT_FAILED and not final:
            message.status, message.failed_at = MessageStatus.FAILED, timezone.now()
            message.error = _("The operator reported that it could not be delivered: %(report)s") % {
                "report": report or status
            }
            fields += ["status", "failed_at", "error"]
        message.save(update_fields=fields)
    return message


def template_update(
    *, template: MessageTemplate, acting_user, text_en: str, text_ur: str, description: str
) -> MessageTemplate:
    """Change a template's texts, each checked against its placeholders (PlaceholderError names the
    one not allowed)."""
    for words in (text_en, text_ur):
        placeholders_check(words, template.placeholders)
    with transaction.atomic():
        # As stored: a form may have set the new texts on `template` already.
        before = (
            MessageTemplate.objects.select_for_update()
            .values("text_en", "text_ur", "description")
            .get(pk=template.pk)
        )
        template.text_en, template.text_ur, template.description = text_en, text_ur, description
        template.save(update_fields=["text_en", "text_ur", "description", "updated_at"])
        after = {"text_en": text_en, "text_ur": text_ur, "description": description}
        audit_record(actor=acting_user, action="messaging.template_changed", subject=template,
                     summary=f"Message template {template.code} changed",
                     changes={k: [before[k], after[k]] for k in after if before[k] != after[k]})  # fmt: skip
    return template

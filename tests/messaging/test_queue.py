"""Queueing messages, one at a time and set-based: a person is told about an event once, in their
language, at a number that is a Pakistani mobile; a template's placeholders are filled, in Python and
in SQL alike."""

import pytest
from django.db import connection

from ehsaas.messaging.choices import MessageStatus
from ehsaas.messaging.models import Message
from ehsaas.messaging.services import (
    MSG_INVALID_PHONE,
    MSG_MISSING_COLUMN,
    MSG_NO_TEMPLATE,
    MessageRefused,
    message_queue,
    messages_queue_sql,
)

pytestmark = pytest.mark.django_db


def queue(**overrides) -> Message:
    arguments = {"event": "payment_ready:kafaalat-2026Q3", "phone": "0300-1234567", "template": "payment_ready",
                 "language": "ur", "context": {"programme": "کفالت", "amount": "13,500"}}  # fmt: skip
    return message_queue(**(arguments | overrides))


def test_a_message_is_queued_rendered_in_the_persons_language_at_a_normalised_number():
    message = queue()

    assert message.phone == "923001234567"
    assert message.status == MessageStatus.QUEUED
    assert message.text == "احساس: کفالت کے 13,500 روپے تیار ہیں۔ شناختی کارڈ ساتھ لائیں۔"
    assert message.template == "payment_ready"
    assert message.attempts == 0


def test_an_english_message_uses_the_english_text():
    message = queue(language="en", context={"programme": "Kafaalat", "amount": "13,500"})

    assert message.text.startswith("Ehsaas: your Kafaalat payment of Rs 13,500 is ready.")


def test_queueing_the_same_event_for_the_same_phone_again_returns_the_first_message_and_adds_none():
    first = queue(phone="03001234567")
    again = queue(phone="+92 300 1234567", language="en", context={"programme": "K", "amount": "1"})

    assert again.pk == first.pk
    assert again.language == "ur"
    assert Message.objects.count() == 1


def test_the_same_event_for_another_phone_and_another_event_for_the_same_phone_are_queued():
    queue()
    queue(phone="03011234567")
    queue(event="payment_ready:kafaalat-2026Q4")

    assert Message.objects.count() == 3


@pytest.mark.parametrize("phone", ["", "12345", "0421-1234567", "0300-123456", "+44 7700 900123"])
def test_a_phone_that_is_not_a_pakistani_mobile_is_refused_saying_so(phone):
    with pytest.raises(MessageRefused) as refused:
        queue(phone=phone)

    assert str(refused.value) == MSG_INVALID_PHONE % {"phone": repr(phone)}
    assert not Message.objects.exists()


def test_an_unknown_template_is_refused():
    with pytest.raises(MessageRefused) as refused:
        queue(template="payment_redy")

    assert str(refused.value) == MSG_NO_TEMPLATE % {"code": "payment_redy"}


def test_a_missing_placeholder_value_is_refused_naming_it():
    with pytest.raises(KeyError, match="amount"):
        queue(context={"programme": "کفالت"})

    assert not Message.objects.exists()


def recipients_table(rows: list[tuple[str, str, str, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_recipients (phone varchar(20), language varchar(2), "
                       "programme varchar(50), amount varchar(20))")  # fmt: skip
        cursor.executemany("INSERT INTO test_recipients VALUES (%s, %s, %s, %s)", rows)


RECIPIENTS = "SELECT phone, language, programme, amount FROM test_recipients"


def test_a_set_of_recipients_is_queued_in_one_statement_with_each_rows_values_and_language(
    django_assert_max_num_queries,
):
    recipients_table([("03001234567", "ur", "کفالت", "13,500"), ("+923011234567", "en", "Kafaalat", "9,000"),
                      ("0300-1234567", "ur", "کفالت", "13,500"), ("042-1234567", "ur", "کفالت", "1"),
                      (None, "ur", "کفالت", "1")])  # fmt: skip

    with django_assert_max_num_queries(3):
        queued = messages_queue_sql(template="payment_ready", sql=RECIPIENTS, event="payment_ready:2026Q3")

    assert queued == 2
    texts = dict(Message.objects.values_list("phone", "text"))
    assert texts == {
        "923001234567": "احساس: کفالت کے 13,500 روپے تیار ہیں۔ شناختی کارڈ ساتھ لائیں۔",
        "923011234567": "Ehsaas: your Kafaalat payment of Rs 9,000 is ready. Take your CNIC to collect it.",
    }


def test_queueing_a_set_again_queues_nobody_twice():
    recipients_table([("03001234567", "ur", "کفالت", "13,500")])
    queue(event="payment_ready:2026Q3", phone="03001234567")

    assert messages_queue_sql(template="payment_ready", sql=RECIPIENTS, event="payment_ready:2026Q3") == 0
    assert Message.objects.count() == 1


def test_a_set_may_give_each_rows_own_event():
    recipients_table([("03001234567", "ur", "GR-1", ""), ("03011234567", "en", "GR-2", "")])
    sql = "SELECT phone, language, programme AS number, 'complaint:' || programme || ':received' AS event FROM test_recipients"

    assert messages_queue_sql(template="complaint_received", sql=sql) == 2
    assert dict(Message.objects.values_list("event", "phone")) == {
        "complaint:GR-1:received": "923001234567",
        "complaint:GR-2:received": "923011234567",
    }


def test_a_set_whose_query_lacks_a_placeholders_column_is_refused_naming_it():
    recipients_table([("03001234567", "ur", "کفالت", "13,500")])

    with pytest.raises(MessageRefused) as refused:
        messages_queue_sql(template="payment_ready", sql="SELECT phone, language, programme FROM test_recipients",
                           event="payment_ready:2026Q3")  # fmt: skip

    assert str(refused.value) == MSG_MISSING_COLUMN % {"column": "amount", "needed": "amount, programme"}
    assert not Message.objects.exists()


def test_a_set_with_its_own_words_is_checked_against_the_templates_placeholders():
    recipients_table([("03001234567", "ur", "کفالت", "13,500")])

    with pytest.raises(MessageRefused, match="amont"):
        messages_queue_sql(
            template="payment_ready", sql=RECIPIENTS, event="x", text={"en": "{amont}", "ur": "x"}
        )

"""The sender: hands the queued messages that are due to the gateway, no faster than SMS_SEND_RATE.

It reads the queue a batch at a time (never more than a second's worth of messages, never the whole
queue), so its memory is the same for ten messages or ten million. On PostgreSQL a batch is claimed with
SELECT … FOR UPDATE SKIP LOCKED inside a transaction that lasts while it is sent, so a second sender
would take other rows; and only one sender sends at a time (an advisory lock), so that together they
never exceed the rate agreed with the operator. On SQLite (the demo) one sender runs at a time.

Each message is sent, or scheduled for another attempt after a wait that doubles each time (1 minute,
2, 4, … at most an hour), or marked failed with the gateway's error after SMS_MAX_ATTEMPTS attempts.
A gateway that accepted a message before the process died may be given it again: gateways do not
promise once-only delivery either, and losing a payment notice is worse than repeating one.
"""

import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ehsaas.core.progress import NoProgress, Progress
from ehsaas.messaging.choices import MessageStatus
from ehsaas.messaging.gateways import Gateway, GatewayError
from ehsaas.messaging.models import Message

BATCH = 500
RETRY_FIRST_WAIT = timedelta(minutes=1)
RETRY_LONGEST_WAIT = timedelta(hours=1)
# The advisory lock that lets one sender at a time send (any number, as long as nothing else uses it).
SENDER_LOCK = 7_301_224_001


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th attempt failed: 1 minute, doubled each time, an hour at most."""
    return min(RETRY_FIRST_WAIT * 2 ** (attempts - 1), RETRY_LONGEST_WAIT)


class Pacer:
    """Paces sends to `rate` a second: never more than `rate` in any one second, spaced evenly.

    Each send has a slot 1/rate seconds after the previous one and waits for it. A send a little late (a
    sleep that overslept, a batch written between two sends) keeps the schedule: the next ones go at once
    until they are back on it, or those delays would add up to a slower rate than agreed (a tenth less at
    2,000 a second); never so fast, though, that a second would hold more than `rate` sends (the last
    `rate` send times are kept to check). A sender more than LATENESS behind (a slow gateway, a pause)
    does not catch up: the schedule starts again from now."""

    LATENESS = 0.1

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self.next_slot: float | None = None
        self.recent: deque[float] = deque(maxlen=max(1, int(rate)))

    def wait(self) -> None:
        now = self.clock()
        slot = self.next_slot
        if slot is None or now - slot > self.LATENESS:
            slot = now
        if len(self.recent) == self.recent.maxlen:
            slot = max(slot, self.recent[0] + 1.0)
        if slot > now:
            self.sleep(slot - now)
        self.recent.append(max(slot, now))
        self.next_slot = slot + self.interval


@dataclass
class SendResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed}


@contextmanager
def sender_lock() -> Iterator[bool]:
    """Whether this process may send now: on PostgreSQL, while no other sender holds the lock."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SENDER_LOCK])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SENDER_LOCK])


def due_count(now: datetime | None = None) -> int:
    return Message.objects.filter(
        status=MessageStatus.QUEUED, next_attempt_at__lte=now or timezone.now()
    ).count()


def next_due_at() -> datetime | None:
    """When the earliest message waiting for a later attempt falls due."""
    return (
        Message.objects.filter(status=MessageStatus.QUEUED)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def _claim(size: int) -> list[Message]:
    rows = (
        Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .only("id", "phone", "language", "text", "attempts")
    )
    if connection.vendor == "postgresql":
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows[:size])


def _mark_sent(messages: list[Message], *, gateway: str, now: datetime) -> None:
    """One UPDATE … FROM (VALUES …) for a batch sent, with each message's own gateway reference. (Django's
    bulk_update writes a CASE with a branch a row for each column, which costs the sender more time than
    sending a few thousand a second leaves it.)"""
    if not messages:
        return
    # The first row's casts name the columns' types for the rest; both databases name them column1, 2.
    rows = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS VARCHAR(100)))"] + ["(%s, %s)"] * (len(messages) - 1))
    values = [value for message in messages for value in (message.pk, message.gateway_id)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE messaging_message SET status = %s, attempts = messaging_message.attempts + 1,
                    gateway = %s, gateway_id = v.gateway_id, sent_at = %s, error = ''
                FROM (SELECT column1 AS id, column2 AS gateway_id FROM (VALUES {rows}) AS r) AS v
                WHERE messaging_message.id = v.id""",
            [MessageStatus.SENT.value, gateway, now, *values],
        )


def _send_batch(batch: list[Message], *, gateway: Gateway, pacer: Pacer, max_attempts: int) -> SendResult:
    result = SendResult()
    sent, retried, failed = [], [], []
    for message in batch:
        pacer.wait()
        message.attempts += 1
        try:
            message.gateway_id = gateway.send(message)[:100]
        except GatewayError as error:
            message.error = str(error)
            (failed if message.attempts >= max_attempts else retried).append(message)
            continue
        sent.append(message)
    now = timezone.now()
    for message in retried:
        message.next_attempt_at = now + retry_wait(message.attempts)
    for message in failed:
        message.status, message.failed_at = MessageStatus.FAILED, now
    with transaction.atomic():
        _mark_sent(sent, gateway=gateway.name, now=now)
        Message.objects.bulk_update(retried, ["attempts", "next_attempt_at", "error"])
        Message.objects.bulk_update(failed, ["status", "attempts", "failed_at", "error"])
    result.sent, result.retried, result.failed = len(sent), len(retried), len(failed)
    return result


def messages_send_due(
    *,
    gateway: Gateway,
    rate: float | None = None,
    max_attempts: int | None = None,
    batch: int = BATCH,
    pacer: Pacer | None = None,
    progress: Progress | None = None,
    until: Callable[[], bool] = lambda: False,
) -> SendResult:
    """Send every queued message that is due now (and those falling due while it runs) through
    `gateway`, at most `rate` a second (SMS_SEND_RATE), then return what happened. `until` is asked
    between batches whether to stop early. Another sender already sending makes this one return at once,
    having sent nothing."""
    rate = rate or settings.SMS_SEND_RATE
    max_attempts = max_attempts or settings.SMS_MAX_ATTEMPTS
    pacer = pacer or Pacer(rate)
    progress = progress or NoProgress()
    # A transaction lasts about a second of sending at most, however slow the rate.
    size = max(1, min(batch, int(rate)))
    result = SendResult()
    progress.start(due_count(), "Sending", unit="messages")
    while True:
        before = result.handled
        with sender_lock() as held:
            if not held:
                break
            while not until():
                # PostgreSQL holds the claimed rows locked while they are sent; on SQLite the batch is read
                # outside a transaction, which a later write could not upgrade, and written after.
                with transaction.atomic() if connection.vendor == "postgresql" else _nothing():
                    claimed = _claim(size)
                    if not claimed:
                        break
                    done = _send_batch(claimed, gateway=gateway, pacer=pacer, max_attempts=max_attempts)
                result.sent += done.sent
                result.retried += done.retried
                result.failed += done.failed
                progress.advance(done.handled)
        # Another sender may have given up on the lock just before it was released: look once more.
        if until() or result.handled == before or not due_count():
            break
    progress.close()
    return result


@contextmanager
def _nothing() -> Iterator[None]:
    yield

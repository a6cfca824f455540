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
    """Gives each send a slot 1/rate seconds after the previous one, sleeping until it comes. A sender
    that falls behind (a slow gateway) does not catch up in a burst: the next slot counts from now."""

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

    def wait(self) -> None:
        now = self.clock()
        slot = now if self.next_slot is None else max(self.next_slot, now)
        if slot > now:
            self.sleep(slot - now)
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
    for message in sent:
        message.status, message.gateway, message.sent_at, message.error = (
            MessageStatus.SENT,
            gateway.name,
            now,
            "",
        )
    for message in retried:
        message.next_attempt_at = now + retry_wait(message.attempts)
    for message in failed:
        message.status, message.failed_at = MessageStatus.FAILED, now
    fields = {
        "sent": (sent, ["status", "attempts", "gateway", "gateway_id", "sent_at", "error"]),
        "retried": (retried, ["attempts", "next_attempt_at", "error"]),
        "failed": (failed, ["status", "attempts", "failed_at", "error"]),
    }
    with transaction.atomic():
        for name, (messages, columns) in fields.items():
            if messages:
                Message.objects.bulk_update(messages, columns)
            setattr(result, name, len(messages))
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

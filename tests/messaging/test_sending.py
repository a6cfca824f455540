"""The sender: due messages go to the gateway no faster than the rate, each marked sent with the
gateway's reference; one the gateway refuses is tried again after a doubling wait, and marked failed
with the error after the last attempt; only due messages are taken; the log gateway sends nothing and
says so in the outbox. The rate is checked on the schedule the sender computes (a clock the test
drives), never by timing."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ehsaas.core.choices import JobStatus
from ehsaas.core.models import Job
from ehsaas.messaging.choices import MessageStatus
from ehsaas.messaging.gateways import LogGateway
from ehsaas.messaging.models import Message
from ehsaas.messaging.sending import Pacer, messages_send_due, retry_wait
from ehsaas.messaging.services import message_queue
from ehsaas.messaging.tasks import SEND_KIND, send_messages_job, sending_wake
from tests.messaging.conftest import ScriptedGateway

pytestmark = pytest.mark.django_db


class FakeClock:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_due_messages_are_sent_through_the_gateway_and_marked_sent_with_its_reference(queued, gateway):
    messages = queued(3)

    result = messages_send_due(gateway=gateway, rate=1000)

    assert result.as_dict() == {"sent": 3, "retried": 0, "failed": 0}
    assert [m.phone for m in gateway.sent] == ["923000000001", "923000000002", "923000000003"]
    for message in Message.objects.filter(pk__in=[m.pk for m in messages]):
        assert message.status == MessageStatus.SENT
        assert message.gateway == "scripted"
        assert message.gateway_id == f"gw-{message.pk}"
        assert message.attempts == 1
        assert message.sent_at is not None


def test_a_sent_message_is_not_sent_again(queued, gateway):
    queued(2)
    messages_send_due(gateway=gateway, rate=1000)

    assert messages_send_due(gateway=gateway, rate=1000).sent == 0
    assert len(gateway.sent) == 2


def test_sends_are_spaced_by_the_rate_in_the_schedule_the_sender_keeps(queued):
    queued(12)
    clock = FakeClock()
    times = []

    class Clocked(ScriptedGateway):
        def send(self, message):
            times.append(clock.now)
            return super().send(message)

    messages_send_due(gateway=Clocked(), rate=5, batch=4, pacer=Pacer(5, clock=clock, sleep=clock.sleep))

    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert len(times) == 12
    assert all(gap == pytest.approx(0.2) for gap in gaps)
    assert times[-1] - times[0] == pytest.approx(11 * 0.2)


def test_a_sender_that_fell_behind_does_not_catch_up_in_a_burst():
    clock = FakeClock()
    pacer = Pacer(10, clock=clock, sleep=clock.sleep)
    pacer.wait()
    clock.now += 5  # a gateway that took five seconds
    pacer.wait()
    pacer.wait()

    assert clock.sleeps == [pytest.approx(0.1)]


def test_a_send_a_little_late_keeps_the_schedule_so_small_delays_do_not_slow_the_rate():
    clock = FakeClock()
    pacer = Pacer(100, clock=clock, sleep=clock.sleep)
    pacer.wait()
    clock.now += 0.015  # a batch written between two sends: 5 ms late for the next slot, 10 ms apart
    pacer.wait()
    pacer.wait()

    # The third send keeps its slot, 20 ms after the first, though the second was late.
    assert clock.now == pytest.approx(1000.02)
    assert clock.sleeps == [pytest.approx(0.005)]


def test_catching_up_never_puts_more_than_the_rate_in_any_second():
    clock = FakeClock()
    pacer = Pacer(100, clock=clock, sleep=clock.sleep)
    times = []
    for send in range(300):
        if send in (49, 149):
            clock.now += 0.05  # a pause short of LATENESS: the sends after it catch up
        pacer.wait()
        times.append(clock.now)

    most_in_a_second = max(sum(1 for t in times if start <= t < start + 1 - 1e-9) for start in times)
    assert most_in_a_second == 100
    assert times[-1] - times[0] == pytest.approx(3.0, abs=0.05)  # and the rate is kept: 300 in ~3 s


def test_a_refused_message_is_tried_again_later_with_a_doubling_wait_then_marked_failed_with_the_error(
    queued,
):
    (message,) = queued(1)
    refusing = ScriptedGateway(refuse={"923000000001"})

    waits = []
    for attempt in range(1, 4):
        before = timezone.now()
        result = messages_send_due(gateway=refusing, rate=1000, max_attempts=3)
        message.refresh_from_db()
        assert message.attempts == attempt
        if attempt < 3:
            assert result.retried == 1
            assert message.status == MessageStatus.QUEUED
            waits.append(message.next_attempt_at - before)
            # Not due yet: another run leaves it alone.
            assert messages_send_due(gateway=refusing, rate=1000, max_attempts=3).handled == 0
            Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())

    assert result.failed == 1
    assert message.status == MessageStatus.FAILED
    assert message.error == "operator busy for 923000000001"
    assert message.failed_at is not None
    assert timedelta(seconds=59) < waits[0] <= timedelta(minutes=1, seconds=1)
    assert timedelta(minutes=1, seconds=59) < waits[1] <= timedelta(minutes=2, seconds=1)


def test_the_wait_between_attempts_doubles_up_to_an_hour():
    assert [retry_wait(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_wait(20) == timedelta(hours=1)


def test_a_message_sent_after_a_refusal_keeps_no_error(queued):
    (message,) = queued(1)
    messages_send_due(gateway=ScriptedGateway(refuse={"923000000001"}), rate=1000, max_attempts=3)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())

    messages_send_due(gateway=ScriptedGateway(), rate=1000, max_attempts=3)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (MessageStatus.SENT, 2, "")


def test_one_refused_message_does_not_hold_back_the_others(queued):
    queued(3)

    result = messages_send_due(gateway=ScriptedGateway(refuse={"923000000002"}), rate=1000)

    assert result.as_dict() == {"sent": 2, "retried": 1, "failed": 0}


def test_the_log_gateway_records_the_message_as_sent_through_the_log_and_sends_it_nowhere(queued):
    (message,) = queued(1)

    messages_send_due(gateway=LogGateway(), rate=1000)

    message.refresh_from_db()
    assert (message.status, message.gateway, message.gateway_id) == ("sent", "log", f"log-{message.pk}")


def test_the_sender_reads_and_writes_the_queue_a_batch_at_a_time_never_a_query_a_message(queued):
    def queries_to_send(count: int, batch: int, event: str) -> int:
        queued(count, event=event)
        with CaptureQueriesContext(connection) as queries:
            assert messages_send_due(gateway=ScriptedGateway(), rate=1000, batch=batch).sent == count
        return len(queries)

    # Twice the messages in as many batches: the same queries.
    assert queries_to_send(40, 20, "a") == queries_to_send(80, 40, "b") < 40


def test_queueing_a_message_wakes_a_send_job_once_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for phone in ("03001234567", "03011234567"):
            message_queue(event="enrolment:kafaalat", phone=phone, template="enrolment", language="ur",
                          context={"programme": "کفالت"})  # fmt: skip

    assert Job.objects.filter(kind=SEND_KIND, status=JobStatus.QUEUED).count() == 1
    assert sending_wake() is None  # one waiting to start is enough


def test_the_send_job_sends_and_reports_its_figures_and_comes_back_for_the_retries(queued, settings):
    settings.SMS_GATEWAY = "log"
    queued(2)
    job = Job.objects.create(kind=SEND_KIND)

    send_messages_job.call(job.pk)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"sent": 2, "retried": 0, "failed": 0}
    assert not Job.objects.filter(kind=SEND_KIND, params__has_key="after").exists()


def test_the_send_job_schedules_another_for_when_the_next_retry_falls_due(queued, settings, monkeypatch):
    queued(1)
    monkeypatch.setattr(
        "ehsaas.messaging.tasks.gateway_from_settings", lambda: ScriptedGateway(refuse={"923000000001"})
    )
    job = Job.objects.create(kind=SEND_KIND)

    send_messages_job.call(job.pk)

    later = Job.objects.get(kind=SEND_KIND, params__has_key="after")
    assert later.params["after"] == Message.objects.get().next_attempt_at.isoformat()


def test_a_send_job_whose_time_is_up_queues_the_next_behind_the_other_jobs_and_leaves_the_rest_due(
    queued, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.SMS_GATEWAY = "log"
    monkeypatch.setattr("ehsaas.messaging.tasks.SLICE_SECONDS", 0)
    settings.SMS_SEND_RATE = 2  # a batch is a second's worth of messages: two
    queued(5)
    job = Job.objects.create(kind=SEND_KIND)

    send_messages_job.call(job.pk)

    job.refresh_from_db()
    assert job.result["sent"] == 2  # one batch, however short the slice
    assert Message.objects.filter(status="queued").count() == 3
    assert Job.objects.filter(kind=SEND_KIND, status=JobStatus.QUEUED).exclude(pk=job.pk).count() == 1


def test_the_command_sends_what_is_due_once_and_says_how_many(queued, settings, capsys):
    settings.SMS_GATEWAY = "log"
    queued(3)

    call_command("messages", "send", "--once", "--no-progress")

    assert "3 sent, 0 to try again later, 0 failed." in capsys.readouterr().out
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}

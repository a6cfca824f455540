"""The SLA timer: a complaint within its category's days of warning is warned (amber), one past its due
date is escalated to a supervisor of its area (red) and the complainant told; running the timer again
changes nothing. The command and the task run the same."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from ehsaas.core.models import AuditEvent
from ehsaas.grievances.choices import ComplaintStatus, EventKind, SlaState
from ehsaas.grievances.models import Complaint
from ehsaas.grievances.services.escalation import complaints_escalate
from ehsaas.grievances.services.handling import complaint_resolve
from ehsaas.grievances.tasks import escalate_complaints
from ehsaas.messaging.models import Message
from tests.grievances.conftest import receive

RECEIVED = datetime(
    2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Karachi")
)  # payment_not_received: 7 days, 2 of warning


@pytest.fixture
def complaint(district_a, officer, supervisor):
    return receive(district=district_a, now=RECEIVED)


def test_the_colour_is_green_with_time_left_amber_within_the_warning_and_red_once_due(complaint):
    assert complaint.sla_state(RECEIVED + timedelta(days=4)) == SlaState.ON_TIME
    assert complaint.sla_state(RECEIVED + timedelta(days=5)) == SlaState.DUE_SOON
    assert complaint.sla_state(RECEIVED + timedelta(days=7)) == SlaState.OVERDUE
    complaint_resolve(acting_user=complaint.assigned_to, complaint=complaint, resolution="Paid on 5 March.")
    complaint.refresh_from_db()
    assert complaint.sla_state(RECEIVED + timedelta(days=8)) == SlaState.CLOSED


def test_nothing_happens_while_there_is_time(complaint):
    assert complaints_escalate(now=RECEIVED + timedelta(days=4, hours=23)).__dict__ == {
        "warned": 0,
        "escalated": 0,
    }
    assert not complaint.events.filter(kind=EventKind.WARNED).exists()


def test_within_the_days_of_warning_the_complaint_is_warned_once(complaint, officer):
    figures = complaints_escalate(now=RECEIVED + timedelta(days=5, hours=1))
    again = complaints_escalate(now=RECEIVED + timedelta(days=5, hours=2))
    complaint.refresh_from_db()
    assert (figures.warned, again.warned) == (1, 0)
    assert complaint.warned_at == RECEIVED + timedelta(days=5, hours=1)
    assert complaint.status == ComplaintStatus.ASSIGNED and complaint.assigned_to == officer
    warned = complaint.events.get(kind=EventKind.WARNED)
    assert (warned.actor, warned.assigned_to) == (None, officer)
    assert not Message.objects.filter(event__startswith="complaint_escalated").exists()


def test_once_due_the_complaint_is_escalated_to_the_area_s_supervisor_and_the_complainant_told(
    complaint, supervisor
):
    figures = complaints_escalate(now=RECEIVED + timedelta(days=7))
    complaint.refresh_from_db()
    assert figures.escalated == 1
    assert complaint.status == ComplaintStatus.ESCALATED
    assert complaint.assigned_to == complaint.supervisor == supervisor
    assert complaint.escalated_at == RECEIVED + timedelta(days=7)
    assert complaint.events.last().kind == EventKind.ESCALATED
    message = Message.objects.get(event=f"complaint_escalated:{complaint.tracking_number}")
    assert message.language == "ur" and "اعلیٰ افسر" in message.text
    assert AuditEvent.objects.filter(subject_id=complaint.pk, action="complaint.escalated").count() == 1


def test_running_the_timer_again_escalates_and_tells_nobody_twice(complaint):
    complaints_escalate(now=RECEIVED + timedelta(days=7))
    again = complaints_escalate(now=RECEIVED + timedelta(days=8))
    assert again.escalated == 0
    assert complaint.events.filter(kind=EventKind.ESCALATED).count() == 1
    assert Message.objects.filter(event__startswith="complaint_escalated").count() == 1


def test_resolved_complaints_and_those_with_the_supervisor_already_are_not_escalated(
    district_a, officer, supervisor
):
    resolved = receive(district=district_a, now=RECEIVED)
    complaint_resolve(acting_user=officer, complaint=resolved, resolution="Paid on 5 March.")
    assert complaints_escalate(now=RECEIVED + timedelta(days=30)).escalated == 0
    resolved.refresh_from_db()
    assert resolved.status == ComplaintStatus.RESOLVED


def test_without_a_supervisor_of_the_area_it_is_escalated_and_stays_with_its_officer(district_a, officer):
    complaint = receive(district=district_a, now=RECEIVED)
    complaints_escalate(now=RECEIVED + timedelta(days=7))
    complaint.refresh_from_db()
    assert (complaint.status, complaint.assigned_to, complaint.supervisor) == (
        ComplaintStatus.ESCALATED,
        officer,
        None,
    )


def test_each_complaint_goes_to_the_supervisor_of_its_own_area(
    district_a, district_b, supervisor, supervisor_b
):
    here = receive(district=district_a, now=RECEIVED)
    there = receive(district=district_b, now=RECEIVED)
    complaints_escalate(now=RECEIVED + timedelta(days=7))
    assert Complaint.objects.get(pk=here.pk).supervisor == supervisor
    assert Complaint.objects.get(pk=there.pk).supervisor == supervisor_b


def test_the_command_prints_what_it_did(complaint):
    Complaint.objects.filter(pk=complaint.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("grievances", "escalate", stdout=out)
    assert (
        out.getvalue().strip()
        == "0 complaints warned that their SLA lapses soon; 1 escalated to a supervisor."
    )


def test_the_task_runs_the_same_timer(complaint):
    Complaint.objects.filter(pk=complaint.pk).update(
        due_at=timezone.now() + timedelta(days=1), received_at=timezone.now() - timedelta(days=6)
    )
    assert escalate_complaints.call() == {"warned": 1, "escalated": 0}

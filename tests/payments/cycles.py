"""Cycles as the payroll tests make them: opened, generated, approved by a second officer, and a
payment ended as a provider or the deadline would end it."""

from ehsaas.payments.models import Payment
from ehsaas.payments.payroll.services import cycle_approve, cycle_open, payroll_generate


def open_cycle(programme, user, period="2026-Q3"):
    return cycle_open(programme=programme, period=period, collect_by=None, acting_user=user)


def generated(programme, user, period="2026-Q3"):
    return payroll_generate(open_cycle(programme, user, period), acting_user=user)


def approved(programme, generator, approver, period):
    cycle = generated(programme, generator, period)
    return cycle_approve(cycle=cycle, acting_user=approver, note="")


def end_with(cycle, beneficiary, status):
    Payment.objects.filter(cycle=cycle, beneficiary=beneficiary).update(status=status)

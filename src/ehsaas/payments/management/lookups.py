"""What the payments commands look up by what a person types: the user they act as (by username, and
active) and a payment cycle (by its number), each refused in words when there is none."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from ehsaas.payments.models import PaymentCycle


def active_user(name: str):
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {name}")
    return user


def cycle_numbered(pk: int) -> PaymentCycle:
    cycle = PaymentCycle.objects.select_related("programme").filter(pk=pk).first()
    if cycle is None:
        raise CommandError(f"no payment cycle {pk}; `ehsaas payroll list` lists them")
    return cycle

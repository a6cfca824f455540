"""Template filters that show registry data the way people read it: ID and phone numbers written with
dashes (or masked in lists), ages, and the labels of recorded disabilities."""

from datetime import date

from django import template
from django.utils import timezone

from ehsaas.core.identity import format_cnic, format_mobile, mask_cnic
from ehsaas.registry.choices import Disability
from ehsaas.registry.quality import age_on

register = template.Library()
_DISABILITY_LABELS = dict(Disability.choices)


@register.filter
def cnic(number: str) -> str:
    """3520212345671 → 35202-1234567-1."""
    return format_cnic(number) if number and len(number) == 13 else number


@register.filter
def cnic_masked(number: str) -> str:
    """3520212345671 → 35202-*****67-1, for lists where the whole number is not needed."""
    return mask_cnic(number) if number and len(number) == 13 else number


@register.filter
def mobile(number: str) -> str:
    """+923001234567 → 0300-1234567."""
    return format_mobile(number) if number and number.startswith("+92") and len(number) == 13 else number


@register.filter
def age(born: date | None) -> int | str:
    """Age in whole years today."""
    return age_on(born, timezone.localdate()) if born else ""


@register.filter
def disability_labels(member) -> list[str]:
    return [str(_DISABILITY_LABELS.get(value, value)) for value in member.disabilities]

"""Limits on how many CNICs one connection or one phone may check, so that nobody can walk through
numbers to learn who is registered (django-ratelimit's counters, in the cache; rates in settings).

Only well-formed CNICs are counted: a mistyped number reveals nothing, and a person correcting a typo
should not use up their checks. The page and the API share one count per address; SMS counts per phone,
since every SMS arrives from the gateway's one address.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from ehsaas.core.identity import InvalidIdentifier, normalize_mobile

GROUP_ADDRESS = "portal.check.address"
GROUP_PHONE = "portal.check.phone"


class TooManyChecks(Exception):
    """The limit is reached; `retry_after` is the number of seconds until its window ends."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many checks; try again in {retry_after} s")
        self.retry_after = max(retry_after, 1)


def client_address(request: HttpRequest) -> str:
    """The client's address, for the limit per address (django-ratelimit's RATELIMIT_IP_META_KEY): from
    the header the proxy in front sets (CHECK_CLIENT_ADDRESS_FROM), the last address it lists (the one
    our proxy added; those before it are whatever the client wrote), or REMOTE_ADDR when the request
    did not come through the proxy or the header holds no address."""
    forwarded = request.META.get(settings.CHECK_CLIENT_ADDRESS_FROM, "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return request.META["REMOTE_ADDR"]


def _count(request: HttpRequest, *, group: str, key, rate: str) -> None:
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is not None and usage["should_limit"]:
        raise TooManyChecks(usage["time_left"])


def count_check_from_address(request: HttpRequest) -> None:
    """Count a check from the request's address (page or API); TooManyChecks past the limit."""
    _count(request, group=GROUP_ADDRESS, key="ip", rate=settings.CHECK_LIMIT_PER_IP)


def phone_key(sender: str) -> str:
    """One key per phone however the gateway writes the number (0300…, 92300…, +92300…)."""
    try:
        return normalize_mobile(sender)
    except InvalidIdentifier:
        return sender.strip()


def count_check_from_phone(request: HttpRequest, sender: str) -> None:
    """Count a check by SMS from this phone number; TooManyChecks past the limit."""
    key = phone_key(sender)
    _count(request, group=GROUP_PHONE, key=lambda group, request: key, rate=settings.CHECK_LIMIT_PER_PHONE)

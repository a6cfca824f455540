"""Domain events: how an app upstream in the delivery chain tells the apps downstream of it that
something happened, without importing them (targeting rescores a household whose data changed; the DCI
API notifies its subscribers of a registration).

Apps subscribe when Django starts (`AppConfig.ready`). A published event reaches its subscribers only
after the transaction that published it commits, so nothing downstream ever acts on a change that was
rolled back. Subscribers should only enqueue work: they run in the publisher's request or job.
"""

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction

# Payload: household_ids, a list of the households whose data changed, or None when a bulk operation
# (an import) changed too many to list; then `since` (an aware datetime) says from when to look at
# households' `updated_at`. `reason` is one of "registered", "changed", "merged", "imported".
HOUSEHOLDS_CHANGED = "registry.households_changed"
# Payload: household_ids, the households given a new score, or None when a run scored them all.
SCORES_CHANGED = "targeting.scores_changed"

_subscribers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[..., None]) -> None:
    """Call `handler(**payload)` after each commit that published `event`. Subscribing twice is harmless."""
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def publish(event: str, **payload) -> None:
    """Tell the subscribers of `event`, once the current transaction (if any) commits."""
    for handler in list(_subscribers[event]):
        transaction.on_commit(lambda handler=handler: handler(**payload))

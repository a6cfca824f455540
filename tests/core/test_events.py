"""Domain events reach their subscribers only once the change that published them is committed."""

import pytest
from django.db import transaction

from ehsaas.core import events


@pytest.fixture
def heard():
    calls = []

    def listener(**payload):
        calls.append(payload)

    events.subscribe("test.happened", listener)
    yield calls
    events._subscribers["test.happened"].remove(listener)


@pytest.mark.django_db(transaction=True)
def test_a_subscriber_hears_an_event_once_its_transaction_commits(heard):
    with transaction.atomic():
        events.publish("test.happened", what=1)
        assert heard == []
    assert heard == [{"what": 1}]


@pytest.mark.django_db(transaction=True)
def test_a_subscriber_never_hears_of_a_change_that_was_rolled_back(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("test.happened", what=1)
        raise RuntimeError("the change fails")
    assert heard == []


def test_subscribing_the_same_listener_twice_makes_it_hear_each_event_once(heard):
    events.subscribe("test.happened", events._subscribers["test.happened"][0])
    assert len(events._subscribers["test.happened"]) == 1

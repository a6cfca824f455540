"""What the 8171 check's tests share: households in each situation the check tells apart
(tests/portal/households.py), and counters of the abuse limits that start from zero in every test."""

import pytest
from django.core.cache import cache

from tests.portal.households import household_in


@pytest.fixture(autouse=True)
def fresh_limits():
    """The limits count in the cache, which outlives a test; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registered(reference_data, personas):
    """`registered(enrolled=[(code, status)], scored=True, change_pending=False)`: the head's CNIC of a
    new household in that situation (see household_in)."""

    def make(**situation):
        return household_in(requested_by=personas["registration_officer"], **situation)

    return make

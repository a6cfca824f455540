"""Households the registry's page tests look at: one in district_a, one elsewhere."""

import pytest
from django.core.cache import cache

from tests.registry.factories import household_with_members


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()  # the home page keeps its figures for a few minutes


@pytest.fixture
def household(district_a):
    return household_with_members(
        3, district=district_a, names=["Muhammad Aslam", "Fatima Bibi", "Bilal Ahmed"]
    )


@pytest.fixture
def elsewhere(district_b):
    return household_with_members(2, district=district_b, names=["Ghulam Rasool", "Shazia Parveen"])

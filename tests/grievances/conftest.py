"""What the complaint tests share: the shipped categories and message templates (loaded again after a
transactional test emptied the database), officers and supervisors with their areas, and a way to
receive a complaint as a channel would."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from ehsaas.core.choices import Role
from ehsaas.grievances.choices import Channel
from ehsaas.grievances.models import AssignmentRule, Category
from ehsaas.grievances.services.receiving import complaint_input, complaint_receive
from ehsaas.grievances.shipped import categories_load
from ehsaas.messaging.models import MessageTemplate
from tests.conftest import make_user

PHONE = "+923001234567"


@pytest.fixture(autouse=True)
def shipped(reference_data):
    categories_load(Category)
    if not MessageTemplate.objects.exists():
        import_module("ehsaas.messaging.migrations.0002_default_templates").load(django_apps, None)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


@pytest.fixture
def officer(district_a):
    """A grievance officer of district_a, whom the rules give its complaints."""
    user = make_user("officer_a", Role.GRIEVANCE_OFFICER, districts=[district_a])
    AssignmentRule.objects.create(district=district_a, category=None, officer=user)
    return user


@pytest.fixture
def other_officer(district_a):
    return make_user("officer_a2", Role.GRIEVANCE_OFFICER, districts=[district_a])


@pytest.fixture
def supervisor(district_a):
    return make_user("supervisor_a", Role.GRIEVANCE_SUPERVISOR, districts=[district_a])


@pytest.fixture
def supervisor_b(district_b):
    return make_user("supervisor_b", Role.GRIEVANCE_SUPERVISOR, districts=[district_b])


@pytest.fixture
def investigator(district_a):
    user = make_user("investigator_a", Role.INVESTIGATOR, districts=[district_a])
    for code in ("misconduct", "fraud", "harassment"):
        AssignmentRule.objects.create(district=None, category=category(code), officer=user)
    return user


def receive(*, code="payment_not_received", district=None, channel=Channel.PORTAL, acting_user=None,
            now=None, **fields):  # fmt: skip
    """A complaint received on `channel` (the portal by default, from PHONE, in Urdu)."""
    fields.setdefault("description", "My payment for this quarter did not arrive.")
    fields.setdefault("phone", PHONE)
    fields.setdefault("language", "ur")
    checked = complaint_input(category=category(code), district=district, **fields)
    return complaint_receive(acting_user=acting_user, channel=channel, complaint=checked, now=now)

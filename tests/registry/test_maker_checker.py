"""Change requests and wealth overrides are both maker-checker records (`core.models.MakerChecker`): the
database itself refuses a decision recorded by the person who asked, and a decision without its decider."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ehsaas.registry import choices as c
from ehsaas.registry.models import WealthFlag
from ehsaas.registry.services.wealth_filters import wealth_override_request
from tests.registry.factories import head_of
from tests.registry.records import make_family
from tests.registry.test_changes import NEW_CHILD, submit
from tests.registry.test_wealth_filters import cnic_of, import_list, write_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def change_request(district_a, personas):
    household, _, _ = make_family(district_a, ref="HH-A-001")
    return submit(personas["registration_officer"], household, c.ChangeKind.ADD_MEMBER, payload=NEW_CHILD)


@pytest.fixture
def wealth_override(tmp_path, household, personas):
    import_list(write_list(tmp_path, [cnic_of(head_of(household))]))
    flag = WealthFlag.objects.get()
    return wealth_override_request(acting_user=personas["registration_officer"], flag=flag, reason="Retired")


@pytest.fixture(params=["change_request", "wealth_override"])
def pending(request):
    """A record of each kind, waiting for a decision."""
    record = request.getfixturevalue(request.param)
    return type(record).objects.filter(pk=record.pk)


def test_the_database_refuses_a_decision_recorded_by_the_maker(pending):
    maker = pending.get().requested_by
    with pytest.raises(IntegrityError), transaction.atomic():
        pending.update(status="approved", decided_by=maker, decided_at=timezone.now())
    assert pending.get().status == "submitted"


def test_the_database_refuses_a_decision_without_its_decider(pending):
    with pytest.raises(IntegrityError), transaction.atomic():
        pending.update(status="rejected", decided_at=timezone.now())
    assert pending.get().status == "submitted"

"""The registry in the Django admin: administrators can read the raw records, nobody edits them there."""

import pytest
from django.urls import reverse

from tests.registry.factories import household_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(personas):
    user = personas["administrator"]
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.mark.parametrize(
    "model", ["household", "member", "identifier", "changerequest", "duplicatecandidate"]
)
def test_an_administrator_can_list_each_kind_of_registry_record(client_as, admin_user, district_a, model):
    household_with_members(2, district=district_a)
    response = client_as(admin_user).get(reverse(f"admin:registry_{model}_changelist"))
    assert response.status_code == 200


def test_a_household_can_be_read_but_not_changed_or_deleted_in_the_admin(client_as, admin_user, district_a):
    household = household_with_members(2, district=district_a)
    client = client_as(admin_user)

    page = client.get(reverse("admin:registry_household_change", args=[household.pk]))
    deleted = client.post(reverse("admin:registry_household_delete", args=[household.pk]), {"post": "yes"})

    assert page.status_code == 200 and household.household_ref in page.content.decode()
    assert b'name="_save"' not in page.content
    assert deleted.status_code == 403
    assert household.members.count() == 2


def test_staff_without_admin_rights_cannot_open_the_admin(client_as, personas):
    response = client_as(personas["registration_officer"]).get(reverse("admin:registry_household_changelist"))
    assert response.status_code == 302

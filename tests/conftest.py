"""Shared fixtures: a user in every role (the personas every page and endpoint is tested with),
and two districts, so that a partner scoped to one can be shown not to see the other."""

import pytest
from django.contrib.auth.models import Group, User

from ehsaas.core.choices import Role
from ehsaas.core.models import District, StaffScope


@pytest.fixture
def district_a(db) -> District:
    return District.objects.select_related("province").order_by("id")[0]


@pytest.fixture
def district_b(db, district_a) -> District:
    return District.objects.exclude(province=district_a.province).select_related("province").order_by("id")[0]


def make_user(username: str, role: Role | None, *, districts=(), superuser: bool = False) -> User:
    user = User.objects.create_user(
        username=username, password="a-long-test-password", is_superuser=superuser
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    if districts:
        scope = StaffScope.objects.create(user=user, organisation=f"{username} organisation")
        scope.districts.set(districts)
    return user


@pytest.fixture
def personas(db, district_a) -> dict[str, User]:
    """One user per role; the partner works in district_a only."""
    users = {role.value: make_user(role.value, role) for role in Role if role is not Role.PARTNER}
    users["partner"] = make_user("partner", Role.PARTNER, districts=[district_a])
    users["second_registration_officer"] = make_user("registrar2", Role.REGISTRATION_OFFICER)
    users["no_role"] = make_user("no_role", None)
    return users


@pytest.fixture
def client_as(client):
    """`client_as(user)` returns the test client signed in as that user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in

"""Shared fixtures: a user in every role (the personas every page and endpoint is tested with),
and two districts, so that a partner scoped to one can be shown not to see the other."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User
from django.db.migrations.loader import MigrationLoader

from ehsaas.core.choices import Role
from ehsaas.core.geography import geography_load
from ehsaas.core.models import District, Province, StaffScope
from ehsaas.core.roles import grant_permissions
from ehsaas.messaging.models import MessageTemplate
from ehsaas.payments.models import Provider


def reload_reference_data() -> None:
    """What the migrations load (geography, role groups and their permissions, message templates, payment
    providers), loaded again.

    Transactional tests (browser journeys, parallel imports) commit for real, and the database is emptied
    after each of them, migration data included; the tests that come after them load it again here."""
    geography_load()
    import_module("ehsaas.core.migrations.0002_role_groups").create_role_groups(django_apps, None)
    # Every app grants its roles' permissions in migrations that declare GRANTS, and loads the message
    # templates it sends in migrations that declare TEMPLATES.
    for key in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations):
        migration = import_module(MigrationLoader.migrations_module(key[0])[0] + "." + key[1])
        if getattr(migration, "GRANTS", None) is not None:
            grant_permissions(django_apps, migration.GRANTS)
        if hasattr(migration, "providers_load"):
            migration.providers_load(django_apps)
        for fields in getattr(migration, "TEMPLATES", None) or ():
            MessageTemplate.objects.update_or_create(code=fields["code"], defaults=fields)


@pytest.fixture
def reference_data(db) -> None:
    if not all(model.objects.exists() for model in (Province, Group, MessageTemplate, Provider)):
        reload_reference_data()


@pytest.fixture
def district_a(reference_data) -> District:
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
def personas(reference_data, district_a) -> dict[str, User]:
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

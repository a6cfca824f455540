"""`ehsaas demo-data`: the demo accounts, one per role, and the demo population in an empty registry."""

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from ehsaas.core.choices import Role
from ehsaas.core.models import AuditEvent, District, StaffScope
from ehsaas.core.names import name_key
from ehsaas.registry.demo import (
    DEMO_ACCOUNTS,
    demo_duplicates_plant,
    demo_population_files,
    demo_users_ensure,
    respell,
)
from ehsaas.registry.duplicates import duplicates_find
from ehsaas.registry.models import Household, Member, WealthList
from ehsaas.registry.wealth.selectors import households_excluded_by_wealth
from tests.registry.factories import HouseholdFactory, household_with_members

ROLES = {
    "admin": Role.ADMINISTRATOR,
    "programme": Role.PROGRAMME_OFFICER,
    "registrar": Role.REGISTRATION_OFFICER,
    "registrar2": Role.REGISTRATION_OFFICER,
    "finance": Role.FINANCE_OFFICER,
    "finance2": Role.FINANCE_OFFICER,
    "partner": Role.PARTNER,
    "analyst": Role.ME_ANALYST,
    "auditor": Role.AUDITOR,
    "grievances": Role.GRIEVANCE_OFFICER,
    "supervisor": Role.GRIEVANCE_SUPERVISOR,
    "investigator": Role.INVESTIGATOR,
    "agent": Role.PAYMENT_AGENT,
}


def demo_data(*args) -> str:
    out = io.StringIO()
    call_command("demo-data", *args, stdout=out)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    """username → password, read from the printed table."""
    rows = re.findall(r"^  (\w+)\s+.*?\s(\S+)$", output, flags=re.MULTILINE)
    return {username: password for username, password in rows if username in ROLES}


@pytest.fixture(autouse=True)
def no_demo_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


def test_it_creates_one_account_per_role(db):
    demo_data("--households", "0")
    for username, role in ROLES.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role.value]
        assert user.is_superuser == (username == "admin") == user.is_staff


def test_the_partner_is_scoped_to_lahore_and_muzaffargarh(db):
    demo_data("--households", "0")
    scope = StaffScope.objects.get(user__username="partner")
    districts = {(d.province.code, d.name_en) for d in scope.districts.select_related("province")}
    assert districts == {("PK-PB", "Lahore"), ("PK-PB", "Muzaffargarh")}


def test_running_it_again_duplicates_nothing_and_gives_new_passwords(db):
    first = printed_passwords(demo_data("--households", "0"))
    second = printed_passwords(demo_data("--households", "0"))
    assert User.objects.filter(username__in=ROLES).count() == len(ROLES)
    assert StaffScope.objects.filter(user__username="partner").count() == 1
    assert StaffScope.objects.get(user__username="partner").districts.count() == 2
    assert set(first) == set(second) == set(ROLES)
    assert all(first[name] != second[name] for name in ROLES)
    for username, password in second.items():
        assert User.objects.get(username=username).check_password(password)


def test_each_account_gets_its_own_random_password_and_the_table_shows_it(db):
    output = demo_data("--households", "0")
    passwords = printed_passwords(output)
    assert len(set(passwords.values())) == len(ROLES)
    assert all(len(password) >= 16 for password in passwords.values())
    assert User.objects.get(username="partner").check_password(passwords["partner"])
    assert "http://127.0.0.1:8000/" in output


def test_demo_password_from_the_environment_is_every_accounts_password(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "the-same-demo-password")
    monkeypatch.setenv("PORT", "8321")
    output = demo_data("--households", "0")
    for username in ROLES:
        assert User.objects.get(username=username).check_password("the-same-demo-password")
    assert "http://127.0.0.1:8321/" in output


def test_an_existing_account_is_given_back_its_role_and_password(db):
    User.objects.create_user(username="auditor", password="forgotten", is_staff=True)
    accounts = {a.username: a for a in demo_users_ensure(password="known-again")}
    auditor = User.objects.get(username="auditor")
    assert auditor.check_password("known-again") and not auditor.is_staff
    assert list(auditor.groups.values_list("name", flat=True)) == [Role.AUDITOR.value]
    assert accounts["auditor"].role == Role.AUDITOR


def test_every_account_change_is_audited(db):
    demo_users_ensure(password="x-demo-password")
    demo_users_ensure(password="x-demo-password")
    actions = list(AuditEvent.objects.filter(subject_type="auth.user").values_list("action", flat=True))
    assert actions.count("demo.account_created") == len(DEMO_ACCOUNTS)
    assert actions.count("demo.account_reset") == len(DEMO_ACCOUNTS)


def test_it_generates_and_imports_a_population_into_an_empty_registry(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    output = demo_data("--households", "25", "--seed", "4")
    assert "Generated 25 households" in output
    imported = Household.objects.exclude(household_ref__startswith="REG-")
    assert imported.count() == 25
    assert Member.objects.filter(household__in=imported, relationship="head").count() == 25
    assert (tmp_path / "demo" / "households.csv").exists()
    # A few heads of the partner's districts are registered again by hand, for the duplicates page.
    planted = Household.objects.filter(household_ref__startswith="REG-").count()
    assert f"Registered {planted} people a second time by hand" in output


def test_the_demo_has_a_government_payroll_list_that_excludes_the_households_of_its_employees(
    db, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    demo_data("--households", "60", "--seed", "4")
    employees = Member.objects.filter(
        occupation="government", identifiers__id_type="cnic", identifiers__active=True
    )
    wealth_list = WealthList.objects.get()
    assert (wealth_list.source, wealth_list.entries.count()) == ("government_employees", employees.count())
    assert employees.exists()
    assert set(households_excluded_by_wealth()) == {member.household for member in employees}


def test_it_does_not_import_again_when_the_registry_has_households(db, settings, tmp_path, district_a):
    settings.VAR_DIR = tmp_path
    HouseholdFactory(district=district_a)
    output = demo_data("--households", "25")
    assert "already holds 1 households: not importing" in output
    assert Household.objects.count() == 1
    assert not (tmp_path / "demo").exists()
    assert User.objects.filter(username__in=ROLES).count() == len(ROLES)


def test_demo_files_are_reused_for_the_same_size_and_seed_and_redrawn_otherwise(tmp_path):
    first = demo_population_files(directory=tmp_path, households=30, seed=1)
    content = first[0].read_bytes()
    again = demo_population_files(directory=tmp_path, households=30, seed=1)
    assert again[2] is True and again[0].read_bytes() == content
    other = demo_population_files(directory=tmp_path, households=30, seed=2)
    assert other[2] is False and other[0].read_bytes() != content


def test_a_respelt_name_keeps_its_name_key():
    for name in ("Muhammad Aslam", "Ahmed Raza", "Shakeel", "Nasreen"):
        assert respell(name) != name and name_key(respell(name)) == name_key(name)


def test_people_planted_twice_for_the_demo_are_found_as_likely_duplicates(db):
    lahore = District.objects.get(province__code="PK-PB", name_en="Lahore")
    for name in ("Muhammad Aslam", "Ahmed Raza", "Shakeel Khan"):
        household_with_members(2, names=[name, "Nasreen Bibi"], district=lahore)
    admin = next(u for u in demo_users_ensure() if u.username == "admin")

    planted = demo_duplicates_plant(acting_user=User.objects.get(username=admin.username), count=3)

    assert len(planted) == 3 and all(not m.identifiers.exists() for h in planted for m in h.members.all())
    assert duplicates_find().new_pairs == 3

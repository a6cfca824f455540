"""The demonstration set-up behind `make demo`: a synthetic population in the registry and one
account per role, so that a newcomer can sign in as each kind of staff member and see what they see.

The population is written into `var/demo/` with a small manifest beside it; a second `make demo`
reuses the files when they were made with the same size and seed, and does not import again once the
registry holds households.
"""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from ehsaas.core.choices import Role
from ehsaas.core.models import District, StaffScope
from ehsaas.core.services import audit_record
from ehsaas.registry.models import Household, Member
from ehsaas.registry.population.writer import HOUSEHOLDS_FILE, MEMBERS_FILE, generate_population
from ehsaas.registry.services.households import HOUSEHOLD_FIELDS, MEMBER_FIELDS, household_register

# username → role; `admin` is also a superuser.
DEMO_ACCOUNTS: tuple[tuple[str, Role], ...] = (
    ("admin", Role.ADMINISTRATOR),
    ("programme", Role.PROGRAMME_OFFICER),
    ("registrar", Role.REGISTRATION_OFFICER),
    ("registrar2", Role.REGISTRATION_OFFICER),  # a second officer, to approve the first one's changes
    ("finance", Role.FINANCE_OFFICER),
    ("finance2", Role.FINANCE_OFFICER),  # a second officer, to approve the payrolls the first generates
    ("partner", Role.PARTNER),
    ("analyst", Role.ME_ANALYST),
    ("auditor", Role.AUDITOR),
    ("grievances", Role.GRIEVANCE_OFFICER),
    ("supervisor", Role.GRIEVANCE_SUPERVISOR),
    ("investigator", Role.INVESTIGATOR),
    ("agent", Role.PAYMENT_AGENT),  # pays out cash at the points the payments demo gives them
)
SUPERUSER = "admin"
PARTNER_PROVINCE = "PK-PB"
PARTNER_DISTRICTS = ("Lahore", "Muzaffargarh")  # a rich city and a poor district, to compare
PARTNER_ORGANISATION = "Demo partner organisation"
MANIFEST = "population.json"
GENERATOR_VERSION = 1  # bump when the generator's output changes, so that old demo files are redrawn


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as it is printed for the person running the demo."""

    username: str
    role: Role
    password: str
    districts: tuple[str, ...] = ()


def registry_household_count() -> int:
    """How many households the registry holds, all districts together (a system-level count, for
    set-up commands; people's reads go through the selectors)."""
    return Household.objects.count()


def demo_population_files(
    *, directory: Path, households: int, seed: int, progress=None
) -> tuple[Path, Path, bool]:
    """The demo population's two files in `directory`, generated unless files made with the same size
    and seed are already there. Returns the paths and whether they were reused."""
    manifest_path = directory / MANIFEST
    wanted = {"households": households, "seed": seed, "generator": GENERATOR_VERSION}
    paths = (directory / HOUSEHOLDS_FILE, directory / MEMBERS_FILE)
    try:
        reusable = json.loads(manifest_path.read_text(encoding="utf-8")) == wanted
    except (OSError, ValueError):
        reusable = False
    if reusable and all(path.exists() for path in paths):
        return *paths, True
    manifest_path.unlink(missing_ok=True)
    generate_population(households=households, seed=seed, out=directory, progress=progress)
    manifest_path.write_text(json.dumps(wanted), encoding="utf-8")
    return *paths, False


DEMO_WEALTH_LIST = "government-employees.csv"


def demo_wealth_list_write(*, members: Path, out: Path) -> int:
    """A government payroll list for the demo: the CNICs of the population's members who work for the
    government, as an Accountant General's office would send them. Returns how many people it names."""
    working = pl.read_csv(
        members, columns=["id_type", "id_number", "full_name", "occupation"], infer_schema=False
    )
    listed = working.filter((pl.col("occupation") == "government") & (pl.col("id_type") == "cnic"))
    listed.select(pl.col("id_number").alias("cnic"), pl.col("full_name").alias("name")).write_csv(out)
    return listed.height


def _partner_districts() -> list[District]:
    districts = list(
        District.objects.filter(province__code=PARTNER_PROVINCE, name_en__in=PARTNER_DISTRICTS).order_by(
            "name_en"
        )
    )
    if len(districts) < len(PARTNER_DISTRICTS):  # a geography without those names: any two of the province
        districts = list(District.objects.filter(province__code=PARTNER_PROVINCE).order_by("name_en")[:2])
    return districts


@transaction.atomic
def demo_users_ensure(*, acting_user=None, password: str | None = None) -> list[DemoAccount]:
    """Create the demo accounts, or reset their passwords and roles when they exist.

    Each gets `password` when given (DEMO_PASSWORD), otherwise a fresh random one, which is returned
    so that it can be shown once. The partner account is scoped to two districts of Punjab.
    """
    user_model = get_user_model()
    groups = {group.name: group for group in Group.objects.filter(name__in=[role.value for role in Role])}
    existing = {
        user.username: user
        for user in user_model.objects.filter(username__in=[name for name, _role in DEMO_ACCOUNTS])
    }
    partner_districts = _partner_districts()
    accounts = []
    # A dozen accounts, each a handful of queries: a loop over users, not over rows of data.
    for username, role in DEMO_ACCOUNTS:
        secret = password or secrets.token_urlsafe(12)
        superuser = username == SUPERUSER
        user = existing.get(username)
        created = user is None
        if created:
            user = user_model.objects.create_user(
                username=username, password=secret, is_superuser=superuser, is_staff=superuser
            )
        else:
            user.is_superuser = user.is_staff = superuser
            user.is_active = True
            user.set_password(secret)
            user.save(update_fields=["is_superuser", "is_staff", "is_active", "password"])
        user.groups.set([groups[role.value]])
        districts: tuple[str, ...] = ()
        if role == Role.PARTNER:
            scope, _created = StaffScope.objects.get_or_create(
                user=user, defaults={"organisation": PARTNER_ORGANISATION}
            )
            scope.districts.set(partner_districts)
            districts = tuple(district.name_en for district in partner_districts)
        audit_record(
            actor=acting_user,
            action="demo.account_created" if created else "demo.account_reset",
            subject=user,
            summary=_("Demo account %(username)s (%(role)s) %(what)s")
            % {"username": username, "role": role.label, "what": _("created") if created else _("reset")},
        )
        accounts.append(DemoAccount(username=username, role=role, password=secret, districts=districts))
    return accounts


# Spelling changes a clerk at a registration desk might make: the name key stays the same.
_RESPELLINGS = (
    ("Muhammad", "Mohammed"),
    ("Ahmed", "Ahmad"),
    ("Ali", "Aly"),
    ("u", "oo"),
    ("ee", "i"),
    ("a", "ah"),
)


def respell(full_name: str) -> str:
    """The same name spelt another common way (for planting likely duplicates in the demo)."""
    for old, new in _RESPELLINGS:
        if old in full_name:
            return full_name.replace(old, new, 1)
    return full_name + " Bibi" if full_name else full_name


def demo_duplicates_plant(*, acting_user, count: int = 12) -> list[Household]:
    """Register, by hand and through the usual service, a few people who are already in the registry:
    a head of household of the partner's districts, registered again at a desk with the name spelt
    another way and no ID number. Duplicate detection then has real work to show in the demo."""
    originals = list(
        Member.objects.filter(
            household__district__in=_partner_districts(),
            relationship="head",
            status="active",
            full_name__regex=r"^[A-Za-z]",
        )
        .select_related("household", "household__province", "household__district", "household__tehsil")
        .order_by("id")[:count]
    )
    planted = []
    for original in originals:  # a dozen registrations through the service, as a person would make them
        home = original.household
        data = {field: getattr(home, field) for field in HOUSEHOLD_FIELDS}
        data["phone"] = ""
        person = {field: getattr(original, field) for field in MEMBER_FIELDS if hasattr(original, field)}
        person.update(full_name=respell(original.full_name), phone="", id_type="none", id_number="")
        planted.append(household_register(acting_user=acting_user, data=data, members=[person]))
    return planted

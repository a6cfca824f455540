"""What the targeting tests share: the permissions and the illustrative model the migrations load
(loaded again after transactional tests emptied the database), two programme officers (one drafts, the
other reviews and activates), and small models made through the services."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from ehsaas.core.choices import Role
from ehsaas.core.roles import grant_permissions
from ehsaas.registry import choices as c
from ehsaas.registry.population.writer import HOUSEHOLDS_FILE, MEMBERS_FILE, generate_population
from ehsaas.targeting.illustrative import illustrative_model_load
from ehsaas.targeting.models import PmtModel, PmtWeight
from ehsaas.targeting.services import pmt_model_draft
from tests.conftest import make_user
from tests.registry.factories import household_with_members

ILLUSTRATIVE = "2026-illustrative"


@pytest.fixture(autouse=True)
def targeting_reference_data(reference_data):
    grant_permissions(django_apps, import_module("ehsaas.targeting.migrations.0002_role_permissions").GRANTS)
    illustrative_model_load(PmtModel, PmtWeight)


@pytest.fixture
def author(personas):
    return personas["programme_officer"]


@pytest.fixture
def checker(personas):
    """A second programme officer: reviews and activates what the first one drafted."""
    return make_user("programme2", Role.PROGRAMME_OFFICER)


SIMPLE_WEIGHTS = {"household_size": -0.05, "rooms_per_person": 0.3, "asset_refrigerator": 0.1}


def draft(user, version: str = "2027-test", **fields) -> PmtModel:
    arguments = {
        "name": "Test model", "intercept": 9.0, "scale_low": 8.0, "scale_high": 10.0,
        "weights": SIMPLE_WEIGHTS, "reference_means": {"household_size": 6.0, "rooms_per_person": 0.5},
    } | fields  # fmt: skip
    return pmt_model_draft(acting_user=user, version=version, **arguments)


@pytest.fixture
def households(district_a, district_b):
    """A poor household of eight in district_a and a better-off one of three in district_b."""
    poor = household_with_members(8, district=district_a, rooms=1, television=False, cattle=0, goats=0)
    better = household_with_members(
        3, district=district_b, rooms=4, walls=c.Walls.PAKKA, toilet=c.Toilet.FLUSH, water=c.Water.PIPED,
        cooking_fuel=c.CookingFuel.GAS, refrigerator=True, washing_machine=True, motorcycle=True,
    )  # fmt: skip
    return poor, better


@pytest.fixture
def survey_files(tmp_path):
    """A synthetic survey of 1,500 households with consumption: its households and members files."""
    generate_population(households=1500, seed=5, out=tmp_path)
    return tmp_path / HOUSEHOLDS_FILE, tmp_path / MEMBERS_FILE

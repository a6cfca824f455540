"""Apps downstream of the registry add panels to a household's page, shown only when they have something
for the person looking."""

import copy
from pathlib import Path

import pytest

from ehsaas.registry import panels
from ehsaas.registry.panels import HouseholdPanel, register_household_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates
    yield
    panels.HOUSEHOLD_PANELS.pop("test.words", None)


def words_for_staff(*, household, user):
    if not user.has_perm("registry.register_household"):
        return None
    return {"words": f"Panel for {household.household_ref}"}


def test_a_registered_panel_is_shown_on_the_household_page(panel_templates, client_as, personas, household):
    register_household_panel(HouseholdPanel("test.words", "tests/panel.html", words_for_staff))
    page = client_as(personas["registration_officer"]).get(f"/households/{household.pk}/")
    assert f"Panel for {household.household_ref}" in page.content.decode()


def test_a_panel_with_nothing_for_this_user_is_left_out(panel_templates, client_as, personas, household):
    register_household_panel(HouseholdPanel("test.words", "tests/panel.html", words_for_staff))
    page = client_as(personas["auditor"]).get(f"/households/{household.pk}/")
    assert page.status_code == 200
    assert 'data-testid="test-panel"' not in page.content.decode()

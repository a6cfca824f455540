"""The page to register a household by hand: who may use it, and how it answers what is typed."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from ehsaas.core.identity import MSG_CNIC_SHAPE
from ehsaas.core.models import Tehsil
from ehsaas.registry.models import Household
from tests.registry.factories import head_of
from tests.registry.pages import HTMX, NOT_REGISTRARS, REGISTRARS, page

pytestmark = pytest.mark.django_db

# Registering by hand ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", REGISTRARS)
def test_registrars_may_open_the_registration_form(client_as, personas, role):
    response = page(client_as, personas[role], reverse("registry:register"))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3


@pytest.mark.parametrize("role", NOT_REGISTRARS)
def test_other_roles_may_not_register_a_household(client_as, personas, role, district_a):
    client = client_as(personas[role])
    assert client.get(reverse("registry:register")).status_code == 403
    assert client.post(reverse("registry:register"), form_data(district_a)).status_code == 403
    assert not Household.objects.exists()


def form_data(district, members=None, **overrides) -> dict:
    data = {
        "province": district.province.pk, "district": district.pk, "tehsil": "", "area": "rural",
        "address": "Chak 42, near the mosque", "survey_date": "2025-02-01", "enumerator": "", "phone": "0301 7654321",
        "rooms": "2", "tenure": "owned", "walls": "kacha", "toilet": "pit", "water": "hand_pump",
        "cooking_fuel": "wood", "electricity": "on", "goats": "3", "cattle": "0", "buffalo": "0", "sheep": "0",
        "land_acres": "1.5", "television": "on",
    }  # fmt: skip
    members = members if members is not None else [
        {"full_name": "Ghulam Rasool", "relationship": "head", "sex": "male", "date_of_birth": "1970-01-01",
         "id_type": "cnic", "id_number": "35202-1111111-1", "marital_status": "married", "education": "none",
         "occupation": "agriculture"},
        {"full_name": "Shazia Parveen", "relationship": "spouse", "sex": "female", "date_of_birth": "1975-01-01",
         "id_type": "cnic", "id_number": "3520222222222", "marital_status": "married", "education": "primary",
         "occupation": "homemaker", "disability": ["seeing"]},
    ]  # fmt: skip
    data.update({"members-TOTAL_FORMS": str(len(members) + 1), "members-INITIAL_FORMS": "1",
                 "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "40"})  # fmt: skip
    for index, member in enumerate(members):
        data.update({f"members-{index}-{key}": value for key, value in member.items()})
    data[f"members-{len(members)}-id_type"] = "none"  # a spare row left blank
    return {**data, **overrides}


def test_registering_a_household_goes_to_its_page_with_a_message(client_as, personas, district_a):
    client = client_as(personas["registration_officer"])
    response = client.post(reverse("registry:register"), form_data(district_a))
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household", args=[household.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Household {household.household_ref} registered."
    ]
    assert household.members.count() == 2 and household.phone == "+923017654321" and household.television
    assert household.members.get(relationship="spouse").disability == "seeing"


def test_a_refused_registration_shows_each_problem_beside_its_field_and_at_the_top(
    client_as, personas, district_a, household
):
    held = head_of(household).identifiers.get().number
    data = form_data(district_a, rooms="0")
    data["members-1-id_number"] = held
    response = client_as(personas["registration_officer"]).post(reverse("registry:register"), data)
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    message = f"This ID number already belongs to a member of household {household.household_ref}."
    assert formset.forms[1].errors == {"id_number": [message]}
    assert form.errors == {"rooms": ["A dwelling has at least one room."]}
    body = response.content.decode()
    assert "The household was not registered" in body and body.count(message) == 2
    assert Household.objects.count() == 1


def test_a_form_that_does_not_parse_is_refused_before_the_service(client_as, personas, district_a):
    data = form_data(district_a, survey_date="yesterday")
    data["members-0-date_of_birth"] = "31/02/1970"
    data["members-1-id_number"] = "35202-12"
    response = client_as(personas["registration_officer"]).post(reverse("registry:register"), data)
    assert response.context["form"].errors["survey_date"] == ["Enter a valid date."]
    assert response.context["formset"].forms[0].errors["date_of_birth"] == ["Enter a valid date."]
    assert response.context["formset"].forms[1].errors["id_number"] == [str(MSG_CNIC_SHAPE)]
    assert not Household.objects.exists()


def test_the_district_list_follows_the_province(client_as, personas, district_a, district_b):
    url = reverse("registry:register")
    response = page(client_as, personas["registration_officer"], url, data={"part": "place",
                    "province": district_a.province.pk}, **HTMX)  # fmt: skip
    body = response.content.decode()
    assert body.startswith('<div id="place-fields"')
    assert district_a.name_en in body and district_b.name_en not in body


def test_the_tehsil_list_follows_the_district(client_as, personas, district_a):
    tehsil = Tehsil.objects.filter(district=district_a).first() or Tehsil.objects.create(
        district=district_a, code="T-HERE", name_en="Test tehsil", name_ur="تحصیل"
    )
    response = page(client_as, personas["registration_officer"], reverse("registry:register"),
                    data={"part": "place", "province": district_a.province.pk, "district": district_a.pk}, **HTMX)  # fmt: skip
    offered = response.context["form"].fields["tehsil"].queryset
    assert tehsil in offered and {t.district_id for t in offered} == {district_a.pk}
    assert f'<option value="{tehsil.pk}">{tehsil.name_en}</option>' in response.content.decode()


def test_a_member_row_is_added_with_the_next_number(client_as, personas):
    response = page(client_as, personas["registration_officer"], reverse("registry:register"),
                    data={"part": "member", "members-TOTAL_FORMS": "3"}, **HTMX)  # fmt: skip
    body = response.content.decode()
    assert 'name="members-3-full_name"' in body and "Member 4" in body
    assert 'name="members-TOTAL_FORMS" value="4"' in body and 'hx-swap-oob="true"' in body


def test_a_registered_household_is_found_by_search_and_shows_its_history(client_as, personas, district_a):
    client = client_as(personas["registration_officer"])
    client.post(reverse("registry:register"), form_data(district_a))
    household = Household.objects.get()
    body = client.get(reverse("registry:search"), {"q": "Shazia Parveen"}).content.decode()
    assert household.household_ref in body
    body = client.get(reverse("registry:household", args=[household.pk])).content.decode()
    assert "Registered by hand" in body and "Registered by hand with 2 members" in body

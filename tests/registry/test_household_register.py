"""Registering a household by hand (`household_register`): what is written, and every rule, each with
the message a person sees beside the field it is about."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ehsaas.core.choices import Role
from ehsaas.core.identity import MSG_CNIC_SHAPE, MSG_PHONE_SHAPE
from ehsaas.core.models import AuditEvent, Tehsil
from ehsaas.core.names import name_key
from ehsaas.registry.models import Household, Identifier, Member
from ehsaas.registry.services import households as service
from ehsaas.registry.services.households import HouseholdInvalid, household_register
from tests.conftest import make_user
from tests.registry.factories import IdentifierFactory, household_with_members, new_cnic

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar(personas):
    return personas["registration_officer"]


def household_data(place, **overrides) -> dict:
    data = {
        "province": place.province,
        "district": place,
        "tehsil": None,
        "area": "urban",
        "address": "House 12, Street 4, Gulshan Colony",
        "survey_date": date(2025, 1, 15),
        "enumerator": "Desk 3",
        "phone": "0300-1234567",
        "rooms": 2,
        "tenure": "rented",
        "walls": "pakka",
        "toilet": "flush",
        "water": "piped",
        "cooking_fuel": "lpg",
        "electricity": True,
        "television": True,
        "motorcycle": True,
        "goats": 2,
        "land_acres": Decimal("0.5"),
    }
    return {**data, **overrides}


def person(**overrides) -> dict:
    data = {
        "full_name": "Muhammad Aslam",
        "sex": "male",
        "date_of_birth": date(1978, 3, 1),
        "relationship": "head",
        "marital_status": "married",
        "education": "matric",
        "in_school": False,
        "occupation": "daily_wage",
        "disability": [],
        "pregnant": False,
        "lactating": False,
        "phone": "",
        "id_type": "cnic",
        "id_number": "35202-1234567-1",
    }
    return {**data, **overrides}


def wife(**overrides) -> dict:
    values = {"full_name": "فاطمہ بی بی", "sex": "female", "date_of_birth": date(1982, 5, 9),
              "relationship": "spouse", "occupation": "homemaker", "id_number": "3520276543212"}  # fmt: skip
    return person(**{**values, **overrides})


def rejected(registrar, place, members, **overrides) -> HouseholdInvalid:
    with pytest.raises(HouseholdInvalid) as caught:
        household_register(acting_user=registrar, data=household_data(place, **overrides), members=members)
    return caught.value


def test_it_registers_a_household_with_its_members_and_their_ids(registrar, district_a):
    household = household_register(
        acting_user=registrar,
        data=household_data(district_a),
        members=[person(), wife(disability=["walking"])],
    )
    assert household.district == district_a and household.province == district_a.province
    assert household.phone == "+923001234567"
    head, spouse = household.members.order_by("member_no")
    assert (head.member_no, head.relationship, head.name_key) == (1, "head", name_key("Muhammad Aslam"))
    assert (spouse.member_no, spouse.name_key, spouse.disability) == (2, name_key("فاطمہ بی بی"), "walking")
    assert list(Identifier.objects.filter(member__household=household).values_list("number", "id_type")) == [
        ("3520212345671", "cnic"),
        ("3520276543212", "cnic"),
    ]


def test_a_household_registered_by_hand_gets_a_reference_from_its_id(registrar, district_a):
    household = household_register(acting_user=registrar, data=household_data(district_a), members=[person()])
    assert household.household_ref == f"REG-{household.pk:08d}"
    household.refresh_from_db()
    assert household.household_ref == f"REG-{household.pk:08d}"


def test_the_registration_is_recorded_in_the_audit_trail(registrar, district_a):
    household = household_register(acting_user=registrar, data=household_data(district_a), members=[person()])
    event = AuditEvent.objects.get(subject_type="registry.household", subject_id=household.pk)
    assert (event.action, event.actor) == ("household.registered", registrar)
    assert event.changes == {"household_ref": household.household_ref, "members": 1}


def test_a_member_phone_is_normalised_and_a_member_without_an_id_is_accepted(registrar, district_a):
    household = household_register(
        acting_user=registrar,
        data=household_data(district_a, phone=""),
        members=[person(phone="+92 333 7654321", id_type="none", id_number="")],
    )
    member = household.members.get()
    assert (member.phone, household.phone) == ("+923337654321", "")
    assert not member.identifiers.exists()


def test_an_adult_with_a_b_form_is_accepted_because_it_is_a_warning_not_a_rule(registrar, district_a):
    household = household_register(
        acting_user=registrar, data=household_data(district_a), members=[person(id_type="b_form")]
    )
    assert household.members.get().identifiers.get().id_type == "b_form"


def test_a_household_needs_a_member(registrar, district_a):
    error = rejected(registrar, district_a, [])
    assert error.errors == {"__all__": [str(service.MSG_NO_MEMBERS)]}


def test_a_household_without_a_head_is_refused(registrar, district_a):
    error = rejected(registrar, district_a, [wife()])
    assert error.errors == {"__all__": [str(service.MSG_NO_HEAD)]}


def test_a_second_head_is_refused_beside_that_member(registrar, district_a):
    error = rejected(registrar, district_a, [person(), wife(relationship="head")])
    assert error.errors["__all__"] == ["Exactly one member must be the head of the household; 2 are."]
    assert error.member_errors == {1: {"relationship": [str(service.MSG_ALSO_HEAD)]}}


def test_an_id_held_by_a_member_of_another_household_is_refused_naming_that_household(registrar, district_a):
    other = household_with_members(1, district=district_a)
    held = other.members.get().identifiers.get().number
    error = rejected(registrar, district_a, [person(id_number=held)])
    message = f"This ID number already belongs to a member of household {other.household_ref}."
    assert error.member_errors == {0: {"id_number": [message]}}


def test_an_id_no_longer_active_elsewhere_may_be_registered_again(registrar, district_a):
    other = household_with_members(1, district=district_a)
    old = other.members.get().identifiers.get()
    old.active = False
    old.save(update_fields=["active"])
    household = household_register(
        acting_user=registrar, data=household_data(district_a), members=[person(id_number=old.number)]
    )
    assert household.members.get().identifiers.get().number == old.number


def test_the_same_id_entered_for_two_members_is_refused(registrar, district_a):
    error = rejected(registrar, district_a, [person(), wife(id_number="35202-1234567-1")])
    assert error.member_errors == {1: {"id_number": ["This ID number is also entered for member 1."]}}


@pytest.mark.parametrize("typed", ["35202-123456-1", "3520212345671x", "0000000000000"])
def test_a_malformed_id_number_is_refused_beside_it(registrar, district_a, typed):
    error = rejected(registrar, district_a, [person(id_number=typed)])
    assert error.member_errors == {0: {"id_number": [str(MSG_CNIC_SHAPE)]}}


def test_an_id_type_without_a_number_and_a_number_without_a_type_are_refused(registrar, district_a):
    error = rejected(registrar, district_a, [person(id_number=""), wife(id_type="none")])
    assert error.member_errors == {
        0: {"id_number": [str(service.MSG_ID_NEEDS_NUMBER)]},
        1: {"id_type": [str(service.MSG_NUMBER_NEEDS_TYPE)]},
    }


def test_a_malformed_phone_number_is_refused_where_it_was_typed(registrar, district_a):
    error = rejected(registrar, district_a, [person(phone="12345")], phone="0211234567")
    assert error.errors == {"phone": [str(MSG_PHONE_SHAPE)]}
    assert error.member_errors == {0: {"phone": [str(MSG_PHONE_SHAPE)]}}


def test_a_pregnant_or_breastfeeding_man_is_refused(registrar, district_a):
    error = rejected(registrar, district_a, [person(pregnant=True, lactating=True)])
    assert error.member_errors == {
        0: {
            "pregnant": [str(service.MSG_PREGNANT_NOT_FEMALE)],
            "lactating": [str(service.MSG_LACTATING_NOT_FEMALE)],
        }
    }


def test_dates_in_the_future_are_refused(registrar, district_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    error = rejected(registrar, district_a, [person(date_of_birth=tomorrow)], survey_date=tomorrow)
    assert error.errors == {"survey_date": [str(service.MSG_SURVEY_IN_FUTURE)]}
    assert error.member_errors == {0: {"date_of_birth": [str(service.MSG_BORN_IN_FUTURE)]}}


def test_missing_and_unknown_values_are_refused_field_by_field(registrar, district_a):
    error = rejected(
        registrar, district_a, [person(full_name="", sex="unknown", disability=["flying"])], rooms=0, walls=""
    )
    assert error.errors == {"walls": ["This field cannot be blank."], "rooms": [str(service.MSG_NO_ROOMS)]}
    assert error.member_errors[0]["full_name"] == ["This field cannot be blank."]
    assert error.member_errors[0]["sex"] == ["Value 'unknown' is not a valid choice."]
    assert error.member_errors[0]["disability"] == [
        "“flying” is not a kind of disability this registry records."
    ]


def test_a_name_without_letters_is_refused(registrar, district_a):
    error = rejected(registrar, district_a, [person(full_name="1234")])
    assert error.member_errors == {0: {"full_name": [str(service.MSG_NAME_WITHOUT_LETTERS)]}}


def test_a_district_of_another_province_is_refused(registrar, district_a, district_b):
    error = rejected(registrar, district_a, [person()], district=district_b)
    assert error.errors == {"district": [str(service.MSG_DISTRICT_NOT_IN_PROVINCE)]}


def test_a_tehsil_of_another_district_is_refused(registrar, district_a, district_b):
    tehsil = Tehsil.objects.filter(district=district_b).first() or Tehsil.objects.create(
        district=district_b, code="T-OTHER", name_en="Elsewhere", name_ur="کہیں اور"
    )
    error = rejected(registrar, district_a, [person()], tehsil=tehsil)
    assert error.errors == {"tehsil": [str(service.MSG_TEHSIL_NOT_IN_DISTRICT)]}


def test_a_registrar_scoped_to_districts_cannot_register_elsewhere(db, district_a, district_b):
    scoped = make_user("scoped_registrar", Role.REGISTRATION_OFFICER, districts=[district_b])
    error = rejected(scoped, district_a, [person()])
    assert error.errors == {"district": [str(service.MSG_DISTRICT_OUT_OF_SCOPE)]}


@pytest.mark.parametrize("role", ["auditor", "partner", "finance_officer", "programme_officer", "no_role"])
def test_only_roles_allowed_to_register_may_register(personas, district_a, role):
    with pytest.raises(PermissionDenied):
        household_register(acting_user=personas[role], data=household_data(district_a), members=[person()])


def test_a_refused_household_leaves_nothing_behind(registrar, district_a):
    IdentifierFactory(number=new_cnic())
    before = (Household.objects.count(), Member.objects.count(), Identifier.objects.count())
    rejected(registrar, district_a, [person(), wife(relationship="head")])
    assert (Household.objects.count(), Member.objects.count(), Identifier.objects.count()) == before
    assert not AuditEvent.objects.filter(action="household.registered").exists()


def test_every_problem_is_reported_at_once(registrar, district_a):
    error = rejected(registrar, district_a, [person(id_number="12"), wife(relationship="head", phone="x")])
    assert set(error.member_errors) == {0, 1}
    assert "__all__" in error.errors
    assert "member 2 phone" in str(error)

"""Searching the registry through the DCI API: by CNIC, household id and mobile number, by expression and
predicate, page by page and sorted; a client sees only its districts, and names only when allowed."""

import pytest

from ehsaas.registry.models import Identifier
from tests.api.conftest import first_answer, records, score, search_message
from tests.registry.factories import household_with_members


@pytest.fixture
def family(district_a):
    household = household_with_members(
        3, district=district_a, phone="+923001234567", names=["Muhammad Aslam", "Fatima Bibi", "Bilal Ahmed"]
    )
    score(household, 12.5)
    return household


def cnic_of(household) -> str:
    return Identifier.objects.filter(member__household=household, member__relationship="head").get().number


def uin(value: str) -> dict:
    return search_message("idtype-value", {"type": "UIN", "value": value})


def test_a_cnic_with_or_without_dashes_finds_its_household_as_a_group(
    dci_client, dci_post, family, district_a
):
    client = dci_client(districts=[district_a])
    number = cnic_of(family)
    for written in (number, f"{number[:5]}-{number[5:12]}-{number[12]}"):
        found = records(dci_post("sync/search", uin(written), dci_client=client))
        assert [r["group_identifier"][0]["identifier_value"] for r in found] == [family.household_ref]
    group = found[0]
    assert group["@type"] == "spdci:Group"
    assert group["poverty_score"] == 12.5
    assert group["group_size"] == 3
    assert group["place"]["district"]["code"] == district_a.code
    head = group["group_head_info"]["demographic_info"]
    assert head["@type"] == "spdci:Person"
    assert head["name"]["given_name"] == "Muhammad Aslam"
    assert head["identifier"][0]["identifier_type"] == "UIN"
    assert [m["relationship"] for m in group["member_list"]] == ["head", "spouse", "son"]


def test_a_household_without_a_score_has_no_poverty_score(dci_client, dci_post, district_a):
    household = household_with_members(1, district=district_a)
    client = dci_client(districts=[district_a])
    found = records(dci_post("sync/search", uin(cnic_of(household)), dci_client=client))
    assert "poverty_score" not in found[0]


def test_a_household_id_and_a_mobile_number_in_either_form_find_the_household(
    dci_client, dci_post, family, district_a
):
    client = dci_client(districts=[district_a])
    for query in (
        {"type": "HOUSEHOLD_ID", "value": family.household_ref},
        {"type": "MOBILE", "value": "0300-1234567"},
        {"type": "MOBILE", "value": "+923001234567"},
    ):
        found = records(dci_post("sync/search", search_message("idtype-value", query), dci_client=client))
        assert [r["@id"] for r in found] == [f"urn:ehsaas:household:{family.household_ref}"]


def test_an_unknown_id_type_or_a_malformed_cnic_is_rejected_saying_why(dci_client, dci_post, district_a):
    client = dci_client(districts=[district_a])
    answer = first_answer(
        dci_post(
            "sync/search",
            search_message("idtype-value", {"type": "PASSPORT", "value": "X"}),
            dci_client=client,
        )
    )
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == "rjct.search_criteria.invalid"
    assert answer["status_reason_message"] == "query.type “PASSPORT” is not one of UIN, HOUSEHOLD_ID, MOBILE"
    answer = first_answer(dci_post("sync/search", uin("12345"), dci_client=client))
    assert answer["status_reason_message"].startswith("query.value: must be 13 digits")


def test_an_expression_finds_poor_households_of_a_district_by_name(dci_client, dci_post, family, district_a):
    better_off = household_with_members(2, district=district_a)
    score(better_off, 60)
    client = dci_client(districts=[district_a])
    text = f'poverty_score < 20 and district = "{district_a.name_en}"'
    found = records(dci_post("sync/search", search_message("expression", text), dci_client=client))
    assert [r["@id"] for r in found] == [f"urn:ehsaas:household:{family.household_ref}"]


def test_the_standards_expression_object_and_predicate_list_are_understood(
    dci_client, dci_post, family, district_a
):
    household_with_members(5, district=district_a)
    client = dci_client(districts=[district_a])
    document = {
        "expression": {
            "collection": "Group",
            "query": {"$and": [{"poverty_score": {"$lt": 20}}, {"group_size": {"$lte": 3}}]},
        }
    }
    predicate = [
        {"seq_num": 1, "expression1": {"attribute_name": "poverty_score", "operator": "lt", "attribute_value": 20}, "condition": "and",
         "expression2": {"attribute_name": "area", "operator": "eq", "attribute_value": "rural"}},
    ]  # fmt: skip
    for query_type, query in (("expression", document), ("predicate", predicate)):
        found = records(dci_post("sync/search", search_message(query_type, query), dci_client=client))
        assert [r["@id"] for r in found] == [f"urn:ehsaas:household:{family.household_ref}"]


def test_household_size_and_disabled_members_can_be_asked_for(dci_client, dci_post, family, district_a):
    other = household_with_members(5, district=district_a)
    other.members.filter(relationship="son").update(disability="seeing")
    client = dci_client(districts=[district_a])
    found = records(
        dci_post(
            "sync/search",
            search_message("expression", "household_size >= 4 and has_disabled_member = true"),
            dci_client=client,
        )
    )
    assert [r["@id"] for r in found] == [f"urn:ehsaas:household:{other.household_ref}"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("povrty_score < 3", "unknown field “povrty_score” at character 1"),
        ("poverty_score <", "expected a value (a number, text in quotes, true or false) at character 16, found “the end of the query”"),
        ('district < "Attock"', "district cannot be compared with “<” (at character 1); use one of: = != in"),
        ('area = "town"', "area needs “urban” or “rural”, not “town” (at character 1)"),
        ('district = "Attock', "the text value opened at character 12 is never closed"),
        ("poverty_score < 20 poverty_score > 1", "expected “and”, “or” or the end of the query at character 20, found “poverty_score”"),
        ("__import__('os') = 1", "unknown field “__import__” at character 1"),
    ],
)  # fmt: skip
def test_a_bad_expression_is_rejected_saying_what_and_where(dci_client, dci_post, district_a, text, message):
    client = dci_client(districts=[district_a])
    answer = first_answer(dci_post("sync/search", search_message("expression", text), dci_client=client))
    assert answer["status"] == "rjct"
    assert answer["status_reason_code"] == "rjct.search_criteria.invalid"
    assert answer["status_reason_message"].startswith(message)


def test_a_client_scoped_to_district_a_never_gets_district_bs_households(
    dci_client, dci_post, family, district_a, district_b
):
    elsewhere = household_with_members(2, district=district_b)
    score(elsewhere, 5)
    client = dci_client(districts=[district_a])
    assert records(dci_post("sync/search", uin(cnic_of(elsewhere)), dci_client=client)) == []
    found = records(
        dci_post("sync/search", search_message("expression", "poverty_score < 50"), dci_client=client)
    )
    assert [r["@id"] for r in found] == [f"urn:ehsaas:household:{family.household_ref}"]
    by_province = dci_client(provinces=[district_b.province])
    assert len(records(dci_post("sync/search", uin(cnic_of(elsewhere)), dci_client=by_province))) == 1


def test_a_client_without_personal_data_gets_members_without_names_or_ids(
    dci_client, dci_post, family, district_a
):
    client = dci_client(districts=[district_a], personal_data=False)
    group = records(dci_post("sync/search", uin(cnic_of(family)), dci_client=client))[0]
    for member in group["member_list"]:
        assert "name" not in member["demographic_info"]
        assert "identifier" not in member["demographic_info"]
        assert "birth_date" not in member["demographic_info"]
        assert "member_identifier" not in member
    assert "address" not in group["place"]
    assert "Aslam" not in str(group)


def test_results_come_page_by_page_with_the_total_and_in_the_order_asked(dci_client, dci_post, district_a):
    households = [household_with_members(1, district=district_a) for _ in range(5)]
    for value, household in zip([40, 10, 30, 20, 50], households, strict=True):
        score(household, value)
    client = dci_client(districts=[district_a])
    seen = []
    for page in (1, 2, 3):
        message = search_message(
            "expression", "poverty_score >= 0", pagination={"page_size": 2, "page_number": page},
            sort=[{"attribute_name": "poverty_score", "sort_order": "asc"}],
        )  # fmt: skip
        answer = first_answer(dci_post("sync/search", message, dci_client=client))
        assert answer["pagination"] == {"page_size": 2, "page_number": page, "total_count": 5}
        seen += [r["poverty_score"] for r in answer["data"]["reg_records"]]
    assert seen == [10, 20, 30, 40, 50]


def test_a_page_larger_than_allowed_or_an_unknown_sort_is_rejected(dci_client, dci_post, district_a):
    client = dci_client(districts=[district_a])
    answer = first_answer(
        dci_post(
            "sync/search",
            search_message("expression", "rooms > 0", pagination={"page_size": 5000}),
            dci_client=client,
        )
    )
    assert answer["status_reason_code"] == "rjct.pagination.invalid"
    answer = first_answer(
        dci_post(
            "sync/search",
            search_message("expression", "rooms > 0", sort=[{"attribute_name": "name"}]),
            dci_client=client,
        )
    )
    assert answer["status_reason_code"] == "rjct.sort.invalid"

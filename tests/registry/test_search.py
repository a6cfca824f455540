"""Searching households (`household_search`): by ID number, phone, reference and name in either
script; filtered by place; only ever within what the user may see; a page at a time."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from ehsaas.registry import choices as c
from ehsaas.registry import search as search_module
from ehsaas.registry.models import Member
from ehsaas.registry.search import Kind, household_search
from tests.registry.factories import MemberFactory, head_of, household_with_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(personas):
    return personas["programme_officer"]


def refs(results) -> list[str]:
    return [hit.household.household_ref for hit in results.hits]


def cnic_of(household, relationship=c.Relationship.HEAD) -> str:
    return household.members.get(relationship=relationship).identifiers.get().number


def test_it_finds_a_household_by_the_heads_cnic_with_or_without_dashes(officer, district_a):
    household, _other = household_with_members(3, district=district_a), household_with_members(3)
    number = cnic_of(household)
    for typed in (number, f"{number[:5]}-{number[5:12]}-{number[12]}", f" {number[:5]} {number[5:]} "):
        results = household_search(user=officer, query=typed)
        assert (results.kind, refs(results)) == (Kind.ID_NUMBER, [household.household_ref])


def test_it_finds_a_household_by_any_members_id_and_shows_who_matched(officer):
    household = household_with_members(3)
    results = household_search(user=officer, query=cnic_of(household, c.Relationship.SON))
    [hit] = results.hits
    assert [m.relationship for m in hit.matched] == ["son"]
    assert hit.head == head_of(household) and hit.member_count == 3


def test_an_id_no_longer_active_finds_nothing(officer):
    household = household_with_members(1)
    number = cnic_of(household)
    head_of(household).identifiers.update(active=False)
    assert household_search(user=officer, query=number).hits == []


@pytest.mark.parametrize("typed", ["0300-1234567", "03001234567", "+923001234567", "0092 300 1234567"])
def test_it_finds_a_household_by_its_phone_in_any_usual_writing(officer, typed):
    household = household_with_members(2, phone="+923001234567")
    household_with_members(2, phone="+923009999999")
    results = household_search(user=officer, query=typed)
    assert (results.kind, refs(results)) == (Kind.PHONE, [household.household_ref])


def test_it_finds_a_household_by_a_members_phone(officer):
    household = household_with_members(2)
    household.members.filter(relationship=c.Relationship.SPOUSE).update(phone="+923451112233")
    assert refs(household_search(user=officer, query="0345-1112233")) == [household.household_ref]


def test_it_finds_a_household_by_its_reference(officer):
    household = household_with_members(1, household_ref="NSER-2021-000042")
    results = household_search(user=officer, query="NSER-2021-000042")
    assert (results.kind, refs(results)) == (Kind.REFERENCE, [household.household_ref])


@pytest.mark.parametrize(
    "typed", ["Muhammad Aslam", "Mohammad Aslam", "muhammed aslam", "Aslam Muhammad", "محمد اسلم"]
)
def test_a_name_is_found_whatever_its_spelling_script_or_word_order(officer, typed):
    household = household_with_members(2, names=["Muhammad Aslam", "Fatima Bibi"])
    household_with_members(2, names=["Ghulam Rasool", "Shazia Parveen"])
    results = household_search(user=officer, query=typed)
    assert (results.kind, refs(results)) == (Kind.NAME, [household.household_ref])


def test_an_urdu_name_is_found_by_its_latin_spelling(officer):
    household = household_with_members(2, names=["غلام رسول", "شازیہ پروین"])
    assert refs(household_search(user=officer, query="Shazia Parveen")) == [household.household_ref]
    assert refs(household_search(user=officer, query="Ghulam Rasool")) == [household.household_ref]


def test_a_name_is_found_from_any_one_of_its_words_in_either_script(officer):
    latin = household_with_members(1, names=["Muhammad Aslam"])
    urdu = household_with_members(1, names=["محمد اسلم"])
    household_with_members(1, names=["Ghulam Rasool"])
    for typed in ("Aslam", "اسلم", "Muhammad"):
        results = household_search(user=officer, query=typed)
        assert (results.kind, sorted(refs(results))) == (Kind.NAME, [latin.household_ref, urdu.household_ref])


def test_the_words_of_a_name_may_be_typed_in_any_order_and_any_subset(officer):
    household = household_with_members(1, names=["Muhammad Aslam Khan Niazi"])
    household_with_members(1, names=["Imran Khan"])
    for typed in ("Niazi Aslam", "Khan Muhammad Niazi", "Aslam Khan"):
        assert refs(household_search(user=officer, query=typed)) == [household.household_ref]


def test_a_word_that_is_in_no_name_finds_nothing(officer):
    household_with_members(2, names=["Muhammad Aslam", "Fatima Bibi"])
    results = household_search(user=officer, query="Nobody")
    assert (results.kind, results.hits, results.hint) == (Kind.NAME, [], "")


def test_every_word_of_the_query_must_be_in_the_name(officer):
    household_with_members(1, names=["Muhammad Aslam"])
    household_with_members(1, names=["Akram Shah"])
    results = household_search(user=officer, query="Muhammad Akram")
    assert results.hits == []
    assert results.hint == (
        "Every word typed must be a word of the name: try fewer words or another spelling of one of them."
    )


def test_a_word_matches_whole_name_words_only(officer):
    household_with_members(1, names=["Muhammad Aslam"])
    # "Sal" (key "sl") is only the start of "Aslam" (key "slm"): words match whole, never by prefix.
    assert household_search(user=officer, query="Sal").hits == []


def test_the_spelling_the_user_typed_ranks_first(officer):
    household_with_members(1, names=["Mohammed Aslam Khan"])
    closest = household_with_members(1, names=["Muhammad Aslam"])
    household_with_members(1, names=["Muhammad Aslam Khan Niazi"])
    results = household_search(user=officer, query="Muhammad Aslam")
    assert len(results.hits) == 3
    assert results.hits[0].household == closest
    assert results.hits[0].score > results.hits[1].score >= results.hits[2].score


def test_a_name_search_matches_members_who_are_not_the_head(officer):
    household = household_with_members(3, names=["Imran Khan", "Ayesha Siddiqa", "Bilal Ahmed"])
    [hit] = household_search(user=officer, query="Ayesha Siddiqa").hits
    assert hit.household == household
    assert [m.full_name for m in hit.matched] == ["Ayesha Siddiqa"]


def test_the_province_and_district_filters_narrow_any_search(officer, district_a, district_b):
    here = household_with_members(1, district=district_a, names=["Zahid Hussain"])
    there = household_with_members(1, district=district_b, names=["Zahid Hussain"])
    assert refs(household_search(user=officer, query="Zahid Hussain", district=district_a)) == [
        here.household_ref
    ]
    assert refs(household_search(user=officer, query="", province=district_b.province)) == [
        there.household_ref
    ]
    assert (
        household_search(user=officer, query="Zahid", province=district_b.province, district=district_a).hits
        == []
    )


def test_a_partner_never_finds_a_household_of_another_district(personas, district_a, district_b):
    partner = personas["partner"]
    mine = household_with_members(1, district=district_a, names=["Zahid Hussain"], phone="+923001230000")
    theirs = household_with_members(1, district=district_b, names=["Zahid Hussain"], phone="+923001230000")
    for query in (
        "Zahid Hussain",
        "Hussain",
        "حسین",
        "0300-1230000",
        cnic_of(theirs),
        theirs.household_ref,
        "",
    ):
        assert theirs.household_ref not in refs(household_search(user=partner, query=query))
    assert refs(household_search(user=partner, query="Zahid Hussain")) == [mine.household_ref]
    assert refs(household_search(user=partner, query="Hussain")) == [mine.household_ref]
    assert refs(household_search(user=partner, query="", district=district_b)) == []


def test_a_user_without_a_role_cannot_search(personas):
    with pytest.raises(PermissionDenied):
        household_search(user=personas["no_role"], query="Aslam")


def test_an_empty_query_lists_the_newest_households_first(officer):
    older, newer = household_with_members(1), household_with_members(1)
    results = household_search(user=officer)
    assert (results.kind, refs(results)) == (Kind.BROWSE, [newer.household_ref, older.household_ref])


def test_results_come_a_page_at_a_time(officer):
    for _ in range(7):
        household_with_members(1, names=["Sana Javed"])
    first = household_search(user=officer, query="Sana Javed", per_page=5)
    second = household_search(user=officer, query="Sana Javed", page=2, per_page=5)
    assert (first.total, len(first.hits), first.page.has_next()) == (7, 5, True)
    assert (len(second.hits), second.page.has_next()) == (2, False)
    assert not set(refs(first)) & set(refs(second))


def test_a_number_too_short_for_an_id_or_phone_says_so(officer):
    household_with_members(1)
    results = household_search(user=officer, query="35202")
    assert results.hits == []
    assert results.hint == (
        "A CNIC or B-form number has 13 digits and a mobile number 11 (03XX-XXXXXXX); you typed 5."
    )


def test_a_search_with_too_many_matches_says_it_was_cut_short(officer, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 3)
    for _ in range(4):
        household_with_members(1, names=["Bilal Ahmed"])
    results = household_search(user=officer, query="Bilal Ahmed")
    assert results.truncated and len(results.hits) == 3
    assert results.hint.startswith("Only the first 3 matches are shown")


def test_a_name_search_says_it_was_cut_short_when_its_candidates_fill_the_limit(officer, monkeypatch):
    # Candidates are members: three of them may be only two households, and the list is still cut.
    monkeypatch.setattr(search_module, "MAX_CANDIDATES", 3)
    for _ in range(2):
        household_with_members(2, names=["Bilal Ahmed", "Bilal Ahmed"])
    results = household_search(user=officer, query="Bilal")
    assert results.truncated and len(results.hits) == 2
    assert results.hint.startswith("Only the first 3 matches are shown")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index of name words is PostgreSQL's")
def test_on_postgresql_a_name_search_is_answered_by_the_index_of_name_words(officer):
    household_with_members(2, names=["Muhammad Aslam", "Fatima Bibi"])
    candidates = search_module._members_with_words(["md", "slm"]).values_list("id", flat=True)
    sql, params = candidates.query.sql_with_params()
    with connection.cursor() as cursor:
        # A table this small is cheaper to scan (or to walk by another index, after an earlier test's ANALYZE
        # left its row estimate behind); forbidding those shows whether the GIN index, which is only read
        # by a bitmap scan, can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registry_member_name_words_gin" in plan
    assert list(candidates) == [Member.objects.get(full_name="Muhammad Aslam").pk]


def test_a_search_reads_the_same_number_of_queries_whatever_the_number_of_matches(
    officer, django_assert_max_num_queries
):
    household_with_members(2, names=["Imran Khan", "Rukhsana Kausar"])
    with django_assert_max_num_queries(12) as few:
        household_search(user=officer, query="Imran Khan")
    for _ in range(15):
        household = household_with_members(2, names=["Imran Khan", "Rukhsana Kausar"])
        MemberFactory(household=household, full_name="Imran Khan", relationship=c.Relationship.SON)
    with django_assert_max_num_queries(len(few.captured_queries)):
        results = household_search(user=officer, query="Imran Khan")
    assert len(results.hits) == 16

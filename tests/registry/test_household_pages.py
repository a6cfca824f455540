"""The staff pages of households: home, search, a household's page and registration by hand, for every
role (and for someone not signed in)."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from ehsaas.core.models import Job
from ehsaas.core.services import audit_record
from ehsaas.registry import choices as c
from ehsaas.registry import overview
from ehsaas.registry.models import ChangeRequest
from tests.registry.factories import IdentifierFactory, MemberFactory, head_of, household_with_members
from tests.registry.pages import HTMX, READERS, page

pytestmark = pytest.mark.django_db

# Signing in ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "registry:search", "registry:register"])
def test_someone_not_signed_in_is_sent_to_sign_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_someone_not_signed_in_cannot_open_a_household(client, household):
    response = client.get(reverse("registry:household", args=[household.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Home ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_role_lands_on_the_home_page(client_as, personas, role, household):
    response = page(client_as, personas[role], "/")
    assert response.status_code == 200
    assert "Find a household" in response.content.decode()


def test_a_user_without_a_role_is_told_so_on_the_home_page(client_as, personas):
    response = page(client_as, personas["no_role"], "/")
    assert response.status_code == 403
    assert "Your account has no role yet" in response.content.decode()


def test_the_home_page_counts_households_and_members_by_province(client_as, personas, household, elsewhere):
    response = page(client_as, personas["programme_officer"], "/")
    counts = response.context["counts"]
    assert (counts.households, counts.members) == (2, 5)
    assert {(row.province, row.households, row.members) for row in counts.by_province} == {
        (household.province, 1, 3),
        (elsewhere.province, 1, 2),
    }


def test_a_partner_counts_only_the_households_of_their_districts(client_as, personas, household, elsewhere):
    counts = page(client_as, personas["partner"], "/").context["counts"]
    assert (counts.households, counts.members) == (1, 3)
    assert [row.province for row in counts.by_province] == [household.province]


def test_the_home_page_shows_the_users_own_recent_jobs(client_as, personas):
    officer = personas["registration_officer"]
    Job.objects.create(kind="registry.import", created_by=officer, message="Reading households.csv")
    Job.objects.create(kind="someone-elses-job", created_by=personas["administrator"])
    body = page(client_as, officer, "/").content.decode()
    assert "registry.import" in body and "Reading households.csv" in body
    assert "someone-elses-job" not in body


@pytest.mark.parametrize(("role", "shown"), [("registration_officer", True), ("auditor", False)])
def test_the_register_and_import_shortcuts_are_shown_only_to_those_allowed(client_as, personas, role, shown):
    body = page(client_as, personas[role], "/").content.decode()
    assert (reverse("registry:register") in body) is shown
    assert (reverse("registry:import") in body) is shown


# Search ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_role_may_search(client_as, personas, role, household):
    response = page(client_as, personas[role], reverse("registry:search"), data={"q": "Muhammad Aslam"})
    assert response.status_code == 200
    assert household.household_ref in response.content.decode()


def test_a_user_without_a_role_may_not_search(client_as, personas):
    assert page(client_as, personas["no_role"], reverse("registry:search")).status_code == 403


def test_search_results_show_the_head_the_size_and_a_masked_cnic(client_as, personas, household):
    number = head_of(household).identifiers.get().number
    body = page(
        client_as, personas["auditor"], reverse("registry:search"), data={"q": "Muhammad"}
    ).content.decode()
    assert "Muhammad Aslam" in body and household.district.name_en in body
    assert f'<span class="ltr-data text-nowrap">{number[:5]}-*****{number[10:12]}-{number[12]}</span>' in body
    assert number not in body and f"{number[:5]}-{number[5:12]}" not in body


def test_a_search_that_matches_nothing_says_so(client_as, personas, household):
    response = page(client_as, personas["auditor"], reverse("registry:search"), data={"q": "Nobody Anywhere"})
    body = response.content.decode()
    assert "No households match your search." in body
    assert "Every word typed must be a word of the name" in body


def test_as_the_user_types_only_the_results_are_sent(client_as, personas, household):
    response = page(
        client_as, personas["auditor"], reverse("registry:search"), data={"q": "Muhammad"}, **HTMX
    )
    body = response.content.decode()
    assert "<html" not in body and household.household_ref in body
    assert 'hx-swap-oob="true"' not in body


def test_choosing_a_province_also_sends_its_districts(client_as, personas, district_a, district_b):
    response = page(
        client_as,
        personas["auditor"],
        reverse("registry:search"),
        data={"province": district_a.province.pk},
        HTTP_HX_TRIGGER_NAME="province",
        **HTMX,
    )
    body = response.content.decode()
    assert 'id="district-field"' in body and 'hx-swap-oob="true"' in body
    assert district_a.name_en in body and district_b.name_en not in body


def test_a_partner_never_sees_another_districts_household_in_results(
    client_as, personas, household, elsewhere
):
    partner = personas["partner"]
    link = reverse("registry:household", args=[elsewhere.pk])
    for query in ("", "Ghulam Rasool", elsewhere.household_ref):
        body = page(client_as, partner, reverse("registry:search"), data={"q": query}).content.decode()
        assert link not in body
    body = page(client_as, partner, reverse("registry:search")).content.decode()
    assert reverse("registry:household", args=[household.pk]) in body


def test_a_partner_is_offered_only_their_own_districts(client_as, personas, district_a, district_b):
    form = page(client_as, personas["partner"], reverse("registry:search")).context["form"]
    assert list(form.fields["district"].queryset) == [district_a]
    assert list(form.fields["province"].queryset) == [district_a.province]


def test_results_are_paginated(client_as, personas, district_a):
    for _ in range(27):
        household_with_members(1, district=district_a, names=["Sana Javed"])
    url = reverse("registry:search")
    first = page(client_as, personas["auditor"], url, data={"q": "Sana Javed"})
    second = page(client_as, personas["auditor"], url, data={"q": "Sana Javed", "page": 2})
    assert len(first.context["results"].hits) == 25 and len(second.context["results"].hits) == 2
    assert "page=2" in first.content.decode()


# A household's page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_every_role_may_open_a_household_it_can_see(client_as, personas, role, household):
    response = page(client_as, personas[role], reverse("registry:household", args=[household.pk]))
    assert response.status_code == 200


def test_a_partner_cannot_see_another_districts_household(client_as, personas, elsewhere):
    response = page(client_as, personas["partner"], reverse("registry:household", args=[elsewhere.pk]))
    assert response.status_code == 404


def test_a_user_without_a_role_cannot_open_a_household(client_as, personas, household):
    response = page(client_as, personas["no_role"], reverse("registry:household", args=[household.pk]))
    assert response.status_code == 403


def test_a_missing_household_is_not_found(client_as, personas):
    assert (
        page(client_as, personas["auditor"], reverse("registry:household", args=[999999])).status_code == 404
    )


def test_the_household_page_shows_members_with_full_id_numbers(client_as, personas, household):
    body = page(client_as, personas["finance_officer"], reverse("registry:household", args=[household.pk]))
    body = body.content.decode()
    for member in household.members.prefetch_related("identifiers"):
        number = member.identifiers.get().number
        assert member.full_name in body
        assert f'<span class="ltr-data text-nowrap">{number[:5]}-{number[5:12]}-{number[12]}</span>' in body
    assert household.address in body and "Hand pump" in body


def test_the_household_page_shows_its_data_quality_flags(client_as, personas, household):
    MemberFactory(household=household, full_name="Saima Noreen", sex="female", relationship="daughter",
                  date_of_birth=date(2001, 1, 1), marital_status="never_married")  # fmt: skip
    response = page(client_as, personas["auditor"], reverse("registry:household", args=[household.pk]))
    assert [flag.code for flag in response.context["flags"]] == ["no_id"]
    assert "Saima Noreen has no CNIC or B-form number." in response.content.decode()


def test_the_household_page_shows_the_history_of_changes(client_as, personas, household):
    officer = personas["registration_officer"]
    audit_record(actor=officer, action="change.approved", subject=household, summary="Head changed",
                 reason="The head died in March", changes={"head": {"old": "Muhammad Aslam", "new": "Fatima Bibi"}})  # fmt: skip
    body = page(
        client_as, personas["auditor"], reverse("registry:household", args=[household.pk])
    ).content.decode()
    assert "Change approved" in body and "Head changed" in body and "The head died in March" in body
    assert "registration_officer" in body and "Muhammad Aslam → Fatima Bibi" in body


def test_the_household_page_lists_pending_change_requests(client_as, personas, household):
    change = ChangeRequest.objects.create(household=household, kind=c.ChangeKind.CORRECT_FIELD,
                                          reason="Wrong number of rooms", requested_by=personas["partner"])  # fmt: skip
    response = page(client_as, personas["auditor"], reverse("registry:household", args=[household.pk]))
    assert list(response.context["pending_changes"]) == [change]
    assert reverse("registry:change_detail", args=[change.pk]) in response.content.decode()


@pytest.mark.parametrize(("role", "offered"), [("partner", True), ("programme_officer", True),
                                               ("registration_officer", True), ("auditor", False),
                                               ("finance_officer", False)])  # fmt: skip
def test_request_a_change_is_offered_to_those_who_may_request_one(
    client_as, personas, household, role, offered
):
    body = page(
        client_as, personas[role], reverse("registry:household", args=[household.pk])
    ).content.decode()
    assert (reverse("registry:change_new", args=[household.pk]) in body) is offered


def test_an_identifier_of_a_removed_member_is_shown_as_no_longer_active(client_as, personas, household):
    member = MemberFactory(household=household, status=c.MemberStatus.REMOVED, relationship="son")
    IdentifierFactory(member=member, active=False)
    body = page(
        client_as, personas["auditor"], reverse("registry:household", args=[household.pk])
    ).content.decode()
    assert "text-decoration-line-through" in body and "Removed" in body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_a_large_registry_shows_nationwide_figures_from_the_database_statistics(
    client_as, personas, household, elsewhere, monkeypatch
):
    for _ in range(2):
        household_with_members(1, district=household.district)
    household_with_members(1, district=elsewhere.district)
    monkeypatch.setattr(overview, "ESTIMATE_ABOVE", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_household, registry_member")
    counts = page(client_as, personas["programme_officer"], "/").context["counts"]
    assert counts.estimated and (counts.households, counts.members) == (5, 8)
    assert {(row.province, row.households, row.members) for row in counts.by_province} == {
        (household.province, 3, None),
        (elsewhere.province, 2, None),
    }
    assert "about" in page(client_as, personas["programme_officer"], "/").content.decode()
    partner_counts = page(client_as, personas["partner"], "/").context["counts"]
    assert not partner_counts.estimated and (partner_counts.households, partner_counts.members) == (3, 5)

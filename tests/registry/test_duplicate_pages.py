"""The duplicate-review pages: who may open them, starting detection as a job, merge and dismiss."""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from ehsaas.core.choices import Role
from ehsaas.core.models import Job
from ehsaas.registry import choices as c
from ehsaas.registry.duplicates import duplicates_find
from ehsaas.registry.models import DuplicateCandidate
from tests.conftest import make_user
from tests.registry.records import make_household, make_member, new_cnic

BORN = date(1980, 1, 1)


@pytest.fixture
def pair(district_a):
    first = make_household(district_a, ref="HH-A-301")
    make_member(first, "Ghulam Nabi", relationship=c.Relationship.HEAD, date_of_birth=date(1950, 2, 2))
    latin = make_member(first, "Muhammad Ali", date_of_birth=BORN, cnic=new_cnic())
    second = make_household(district_a, ref="HH-A-302")
    make_member(second, "Rashid Mehmood", relationship=c.Relationship.HEAD, date_of_birth=date(1960, 3, 3))
    make_member(second, "محمد علی", date_of_birth=BORN)
    duplicates_find()
    pair = DuplicateCandidate.objects.get()
    assert pair.member_a == latin
    return pair


def detail_url(pair):
    return reverse("registry:duplicate_detail", args=[pair.pk])


def test_anonymous_visitors_are_sent_to_sign_in(client, pair):
    for url in (reverse("registry:duplicates"), detail_url(pair)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("administrator", 200),
        ("registration_officer", 200),
        ("programme_officer", 403),
        ("partner", 403),
        ("finance_officer", 403),
        ("me_analyst", 403),
        ("auditor", 403),
        ("no_role", 403),
    ],
)
def test_the_pages_are_open_only_to_roles_that_review_duplicates(client_as, personas, pair, role, status):
    client = client_as(personas[role])
    assert client.get(reverse("registry:duplicates")).status_code == status
    assert client.get(detail_url(pair)).status_code == status
    assert client.post(reverse("registry:duplicates")).status_code in (status, 302)
    assert Job.objects.exists() == (status == 200)


def test_a_partner_reviewer_cannot_open_a_pair_outside_their_districts(client, pair, district_b):
    partner = make_user("partner_reviewer", Role.PARTNER, districts=[district_b])
    partner.user_permissions.add(Permission.objects.get(codename="review_duplicates"))
    client.force_login(partner)
    assert client.get(detail_url(pair)).status_code == 404
    assert 'data-testid="no-pairs"' in client.get(reverse("registry:duplicates")).content.decode()


def test_the_list_shows_both_members_side_by_side_with_score_and_reasons(client_as, personas, pair):
    body = client_as(personas["registration_officer"]).get(reverse("registry:duplicates")).content.decode()
    assert f'data-testid="pair-{pair.pk}"' in body
    assert "Muhammad Ali" in body and "محمد علی" in body
    assert "HH-A-301" in body and "HH-A-302" in body
    assert f">{pair.score}<" in body
    assert "Same date of birth" in body and "Names sound alike" in body


def test_starting_detection_goes_to_the_job_page(
    client_as, personas, pair, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = client_as(personas["registration_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:duplicates"))

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["new_pairs"] == 0  # the pair was already recorded
    assert client.get(response["Location"]).status_code == 200


def test_merging_on_the_page_keeps_the_chosen_member(client_as, personas, pair):
    response = client_as(personas["registration_officer"]).post(
        detail_url(pair), {"decision": "merge", "keep": pair.member_b_id, "note": "Same man"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("registry:duplicates")
    pair.refresh_from_db()
    pair.member_a.refresh_from_db()
    assert pair.status == c.DuplicateStatus.MERGED
    assert pair.member_a.status == c.MemberStatus.REMOVED
    assert pair.member_b.identifiers.filter(active=True).count() == 1


def test_merging_away_a_head_is_refused_on_the_page(client_as, personas, district_a):
    head = make_member(
        make_household(district_a, ref="HH-A-400"), "Muhammad Ali", relationship="head", date_of_birth=BORN
    )
    other = make_member(make_household(district_a), "Mohammed Ali", date_of_birth=BORN)
    pair = DuplicateCandidate.objects.create(member_a=head, member_b=other, score=92)

    response = client_as(personas["registration_officer"]).post(
        detail_url(pair), {"decision": "merge", "keep": other.pk}
    )
    assert response.status_code == 200
    assert "a merge cannot remove a head" in response.content.decode()


def test_dismissing_needs_a_note_on_the_page(client_as, personas, pair):
    client = client_as(personas["registration_officer"])
    response = client.post(detail_url(pair), {"decision": "dismiss", "note": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()

    response = client.post(detail_url(pair), {"decision": "dismiss", "note": "Brothers-in-law"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.note) == (c.DuplicateStatus.DISMISSED, "Brothers-in-law")
    listed = client.get(reverse("registry:duplicates"), {"status": "dismissed"}).context["page"]
    assert [p.pk for p in listed] == [pair.pk]
    assert list(client.get(reverse("registry:duplicates")).context["page"]) == []

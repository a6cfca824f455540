"""The application pages. Public, without signing in: a student applies at /apply/<code>/ and is given a
tracking number; /track/ shows an application's status and decision reason to whoever gives its number
and the applicant's CNIC, and nothing else, with tries per address limited. Staff: the list with its
filters, an application with its documents and decision, the desk form, the quota table, ranking and
its confirmation, each for the roles allowed and refused to the others."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ehsaas.core.models import Province
from ehsaas.programs import application_views
from ehsaas.programs import applications as a
from ehsaas.programs.models import Application, ApplicationQuota, Programme
from tests.programs.conftest import family
from tests.registry.records import make_member

pytestmark = pytest.mark.django_db
CODE = "undergraduate-scholarships"
CNIC = "3520212345671"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def fresh_limits_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scholarships() -> Programme:
    programme = Programme.objects.get(code=CODE)
    ApplicationQuota.objects.create(programme=programme, university="University of the Punjab",
                                    province=Province.objects.get(code="PK-PB"), places=1)  # fmt: skip
    return programme


def form_data(**change) -> dict:
    return {"cnic": "35202-1234567-1", "full_name": "Ayesha Khan", "phone": "0300-1234567",
            "university": "University of the Punjab", "university_province": "PK-PB", "degree": "BS Physics",
            "merit": "88.5"} | change  # fmt: skip


@pytest.fixture
def application(scholarships) -> Application:
    return a.application_submit(
        acting_user=None, programme=scholarships, cnic=CNIC, full_name="Ayesha Khan",
        answers={"university": "University of the Punjab", "university_province": "PK-PB", "degree": "BS Physics",
                 "merit": 88.5},
        documents=[SimpleUploadedFile("card.pdf", PDF, content_type="application/pdf")],
    )  # fmt: skip


def test_anyone_applies_on_the_public_form_and_is_given_a_tracking_number(client, scholarships):
    page = client.get(reverse("programs:apply", args=[CODE]))
    assert page.status_code == 200
    assert "University of the Punjab" in page.text and "Merit (%)" in page.text

    response = client.post(
        reverse("programs:apply", args=[CODE]),
        form_data(documents=[SimpleUploadedFile("card.pdf", PDF, content_type="application/pdf")]),
        follow=True,
    )

    application = Application.objects.get()
    assert (application.channel, application.cnic, application.documents.count()) == ("public", CNIC, 1)
    assert application.tracking_number in response.text.split('data-testid="tracking-number"')[1]


@pytest.mark.parametrize(("site_language", "recorded"), [(None, "en"), ("ur", "ur"), ("en", "en")])
def test_an_application_on_the_public_site_keeps_the_language_of_the_page_it_was_filled_in(
    client, scholarships, site_language, recorded
):
    if site_language:
        client.cookies["django_language"] = site_language

    client.post(reverse("programs:apply", args=[CODE]), form_data())

    assert Application.objects.get().language == recorded


def test_an_application_staff_receive_at_the_desk_is_in_urdu_whatever_the_staff_s_language(
    client_as, personas, scholarships
):
    client = client_as(personas["registration_officer"])
    client.cookies["django_language"] = "en"

    client.post(reverse("programs:application_new", args=[CODE]), form_data())

    assert Application.objects.get().language == "ur"


def test_the_public_form_shows_what_is_wrong_and_keeps_nothing(client, scholarships):
    response = client.post(reverse("programs:apply", args=[CODE]), form_data(merit="150", cnic="123"))

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in response.text
    assert not Application.objects.exists()


def test_the_public_form_shows_a_refusal_of_the_service(client, application):
    response = client.post(reverse("programs:apply", args=[CODE]), form_data())
    assert "is open already: follow it with the tracking number you were given" in response.text
    assert Application.objects.count() == 1


def test_a_programme_that_takes_no_applications_has_no_public_form(client, scholarships):
    assert client.get(reverse("programs:apply", args=["kafaalat"])).status_code == 404
    assert client.get(reverse("programs:apply", args=["nowhere"])).status_code == 404


def test_the_tracking_page_shows_the_status_and_reason_and_nothing_else(client, application, officer):
    a.application_decide(acting_user=officer, application=application, status="waitlisted",
                         reason="All places at this university are taken.")  # fmt: skip

    response = client.post(
        reverse("programs:track"), {"number": application.tracking_number.lower(), "cnic": CNIC}
    )

    tracked = response.text.split('data-testid="tracked"')[1].split("</section>")[0]
    assert "Waitlisted" in tracked and "All places at this university are taken." in tracked
    for private in ("Ayesha", "BS Physics", "88.5", "Punjab", CNIC):
        assert private not in response.text


def test_a_wrong_cnic_or_number_finds_nothing(client, application):
    for number, cnic in (
        (application.tracking_number, "3520212345679"),
        ("APP-999999", CNIC),
        ("nonsense", CNIC),
    ):
        response = client.post(reverse("programs:track"), {"number": number, "cnic": cnic})
        assert 'data-testid="not-found"' in response.text
        assert 'data-testid="tracked"' not in response.text


def test_tries_on_the_tracking_page_are_limited_per_address(client, application, monkeypatch):
    monkeypatch.setattr(application_views, "TRACK_RATE", "2/h")
    for _try in range(2):
        client.post(reverse("programs:track"), {"number": "APP-000001", "cnic": "3520212345679"})

    response = client.post(reverse("programs:track"), {"number": application.tracking_number, "cnic": CNIC})

    assert "Too many tries from your connection" in response.text
    assert 'data-testid="tracked"' not in response.text


@pytest.mark.parametrize("role", ["administrator", "programme_officer", "registration_officer", "finance_officer",
                                  "me_analyst", "auditor"])  # fmt: skip
def test_staff_read_the_applications(client_as, personas, role, application):
    client = client_as(personas[role])
    listing = client.get(reverse("programs:applications"), {"programme": CODE, "status": "submitted"}).text
    assert application.tracking_number in listing.split('data-testid="applications"')[1]
    assert "Ayesha Khan" in client.get(reverse("programs:application", args=[application.pk])).text


@pytest.mark.parametrize("role", ["partner", "no_role"])
def test_partners_and_people_without_a_role_see_no_application(client_as, personas, role, application):
    client = client_as(personas[role])
    assert client.get(reverse("programs:applications")).status_code == 403
    assert client.get(reverse("programs:application", args=[application.pk])).status_code == 403


def test_the_status_filter_leaves_out_other_statuses(client_as, officer, application):
    listing = client_as(officer).get(reverse("programs:applications"), {"status": "accepted"}).text
    assert application.tracking_number not in listing


def test_a_programme_officer_decides_an_application_with_a_reason(
    client_as, officer, application, district_a
):
    make_member(family(district_a, score=30), "Ayesha", date_of_birth=date(2006, 1, 1), cnic=CNIC)
    response = client_as(officer).post(
        reverse("programs:application", args=[application.pk]), {"status": "accepted", "reason": "Ranked first"},
        follow=True,
    )  # fmt: skip
    application.refresh_from_db()
    assert (application.status, application.decision_reason) == ("accepted", "Ranked first")
    assert "Ranked first" in response.text.split('data-testid="history"')[1]


@pytest.mark.parametrize("role", ["registration_officer", "finance_officer", "auditor"])
def test_others_see_no_decision_form_and_may_not_decide(client_as, personas, role, application):
    client = client_as(personas[role])
    assert (
        "Record the decision" not in client.get(reverse("programs:application", args=[application.pk])).text
    )
    response = client.post(
        reverse("programs:application", args=[application.pk]), {"status": "accepted", "reason": "x"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


@pytest.mark.parametrize(("role", "allowed"), [("programme_officer", True), ("auditor", True),
                                               ("finance_officer", False), ("me_analyst", False)])  # fmt: skip
def test_the_documents_are_served_only_to_those_who_may_read_them(
    client_as, personas, role, allowed, application
):
    document = application.documents.get()
    response = client_as(personas[role]).get(
        reverse("programs:application_document", args=[application.pk, document.pk])
    )
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert b"".join(response.streaming_content) == PDF


def test_a_registration_officer_receives_an_application_at_the_desk(client_as, personas, scholarships):
    response = client_as(personas["registration_officer"]).post(
        reverse("programs:application_new", args=[CODE]), form_data(), follow=True
    )
    application = Application.objects.get()
    assert (application.channel, application.submitted_by) == ("staff", personas["registration_officer"])
    assert f"Application {application.tracking_number} received." in response.text


def test_a_finance_officer_may_not_receive_applications(client_as, personas, scholarships):
    assert (
        client_as(personas["finance_officer"])
        .get(reverse("programs:application_new", args=[CODE]))
        .status_code
        == 403
    )


def test_a_programme_officer_sets_the_quotas(client_as, officer, scholarships):
    punjab, sindh = Province.objects.get(code="PK-PB"), Province.objects.get(code="PK-SD")
    data = {"quota-TOTAL_FORMS": "2", "quota-INITIAL_FORMS": "0", "quota-MIN_NUM_FORMS": "0",
            "quota-MAX_NUM_FORMS": "1000", "quota-0-university": "University of the Punjab",
            "quota-0-province": punjab.pk, "quota-0-places": "40", "quota-1-university": "University of Karachi",
            "quota-1-province": sindh.pk, "quota-1-places": "25"}  # fmt: skip

    client_as(officer).post(reverse("programs:quotas", args=[CODE]), data)

    assert set(scholarships.quotas.values_list("university", "province__code", "places")) == {
        ("University of the Punjab", "PK-PB", 40), ("University of Karachi", "PK-SD", 25),
    }  # fmt: skip


def test_others_may_not_set_the_quotas(client_as, personas, scholarships):
    assert (
        client_as(personas["registration_officer"]).get(reverse("programs:quotas", args=[CODE])).status_code
        == 403
    )


def test_ranking_and_its_confirmation_from_the_list(client_as, officer, application, district_a):
    household = family(district_a, score=30)
    make_member(household, "Ayesha", date_of_birth=date(2006, 1, 1), cnic=CNIC)
    client = client_as(officer)

    ranked = client.post(reverse("programs:rank", args=[CODE]), follow=True)
    assert "1 applications ranked: 1 proposed for acceptance, 0 for the waiting list." in ranked.text
    confirmed = client.post(reverse("programs:confirm_ranking", args=[CODE]), follow=True)

    assert "1 accepted and 0 waitlisted, as ranked." in confirmed.text
    application.refresh_from_db()
    assert (application.status, application.need) == ("accepted", 70)


@pytest.mark.parametrize("role", ["registration_officer", "finance_officer", "auditor"])
def test_others_may_not_rank_or_confirm(client_as, personas, role, application):
    client = client_as(personas[role])
    assert client.post(reverse("programs:rank", args=[CODE])).status_code == 403
    assert client.post(reverse("programs:confirm_ranking", args=[CODE])).status_code == 403


def test_the_programme_page_leads_to_its_applications_and_public_form(client_as, officer, scholarships):
    text = client_as(officer).get(reverse("programs:detail", args=[CODE])).text
    card = text.split('data-testid="applications-card"')[1]
    assert reverse("programs:apply", args=[CODE]) in card and "Rank applications" in card
    assert "Run enrolment" not in text

"""The wealth filter pages and command: who may open each page and do each action, a partner sees only its
districts' flags, an upload runs as a job, and the household page shows the flags with what may be done."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ehsaas.core.models import Job
from ehsaas.registry.models import WealthFlag, WealthList, WealthOverride
from ehsaas.registry.services.wealth_filters import wealth_override_approve, wealth_override_request
from ehsaas.registry.tasks.wealth_filters import import_wealth_list
from tests.registry.factories import head_of, new_cnic
from tests.registry.test_wealth_filters import cnic_of, import_list, write_list

pytestmark = pytest.mark.django_db

READERS = ["administrator", "programme_officer", "registration_officer", "partner", "me_analyst", "auditor"]
NOT_READERS = ["finance_officer", "no_role"]
IMPORTERS = ["administrator", "programme_officer"]
NOT_IMPORTERS = ["registration_officer", "partner", "me_analyst", "auditor", "finance_officer", "no_role"]
REQUESTERS = ["registration_officer", "programme_officer"]
NOT_REQUESTERS = ["administrator", "partner", "me_analyst", "auditor", "finance_officer", "no_role"]
DECIDERS = ["administrator", "programme_officer"]
RETIRED = "Retired in 2019; pension letter seen"


@pytest.fixture
def flags(tmp_path, household, elsewhere):
    """One list naming the heads of a household in district_a and of one in district_b."""
    import_list(write_list(tmp_path, [cnic_of(head_of(household)), cnic_of(head_of(elsewhere))]))
    return {flag.household_id: flag for flag in WealthFlag.objects.all()}


@pytest.fixture
def overrides(flags, household, elsewhere, personas):
    """An override awaiting a decision in each district, asked for by the registration officer."""
    return {
        pk: wealth_override_request(
            acting_user=personas["registration_officer"], flag=flags[pk], reason=RETIRED
        )
        for pk in (household.pk, elsewhere.pk)
    }


def list_url(flags):
    return reverse("registry:wealth_list", args=[WealthList.objects.get().pk])


# The lists and a list's matches


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_lists_with_their_figures(client_as, personas, flags, role):
    page = client_as(personas[role]).get(reverse("registry:wealth_lists"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Car owners (excise and taxation)" in text and "Excise and Taxation, Punjab" in text


@pytest.mark.parametrize("role", NOT_READERS)
def test_others_may_not_see_the_lists(client_as, personas, role):
    assert client_as(personas[role]).get(reverse("registry:wealth_lists")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("registry:wealth_lists"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", READERS)
def test_readers_see_a_lists_matches(client_as, personas, flags, household, role):
    page = client_as(personas[role]).get(list_url(flags))
    assert page.status_code == 200
    assert household.household_ref in page.content.decode()


@pytest.mark.parametrize("role", NOT_READERS)
def test_others_may_not_see_a_lists_matches(client_as, personas, flags, role):
    assert client_as(personas[role]).get(list_url(flags)).status_code == 403


def test_a_partner_sees_only_the_matches_and_figures_of_its_districts(client_as, personas, flags, household,
                                                                       elsewhere):  # fmt: skip
    client = client_as(personas["partner"])
    matches = client.get(list_url(flags))
    text = matches.content.decode()
    assert household.household_ref in text and elsewhere.household_ref not in text
    assert matches.context["wealth_list"].households_shown == 1
    lists = client.get(reverse("registry:wealth_lists"))
    assert [item.households_shown for item in lists.context["lists"]] == [1]


def test_a_nationwide_reader_sees_every_match(client_as, personas, flags, household, elsewhere):
    text = client_as(personas["me_analyst"]).get(list_url(flags)).content.decode()
    assert household.household_ref in text and elsewhere.household_ref in text


def test_the_matches_can_be_filtered_by_status(client_as, personas, flags, household):
    client = client_as(personas["me_analyst"])
    assert household.household_ref in client.get(list_url(flags) + "?status=active").content.decode()
    assert household.household_ref not in client.get(list_url(flags) + "?status=lifted").content.decode()


# The import page and command


def upload(rows, name="cars.csv"):
    return {
        "source": "car_owners",
        "agency": "Excise and Taxation, Punjab",
        "as_of": "2026-05-01",
        "file": SimpleUploadedFile(name, ("cnic,name\n" + "\n".join(rows) + "\n").encode(), "text/csv"),
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.parametrize("role", IMPORTERS)
def test_administrators_and_programme_officers_can_open_the_import_page(client_as, personas, role):
    page = client_as(personas[role]).get(reverse("registry:wealth_import"))
    assert page.status_code == 200 and b"cnic" in page.content


@pytest.mark.parametrize("role", NOT_IMPORTERS)
def test_other_roles_may_not_import_a_list(client_as, personas, media, role):
    client = client_as(personas[role])
    assert client.get(reverse("registry:wealth_import")).status_code == 403
    assert client.post(reverse("registry:wealth_import"), upload([new_cnic()])).status_code == 403
    assert not Job.objects.exists()


def test_an_upload_queues_a_job_that_imports_the_list(
    client_as, personas, household, media, django_capture_on_commit_callbacks
):
    client = client_as(personas["programme_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:wealth_import"), upload([cnic_of(head_of(household))]))

    job = Job.objects.get(kind="registry.wealth_import")
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    assert DBTaskResult.objects.filter(args_kwargs__args=[job.pk]).exists()

    import_wealth_list.call(job.pk)

    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["households_flagged"] == 1
    wealth_list = WealthList.objects.get()
    assert (wealth_list.imported_by, wealth_list.file_name) == (personas["programme_officer"], "cars.csv")
    page = client.get(reverse("job_detail", args=[job.pk]))
    assert "Households flagged" in page.content.decode()


def test_an_upload_with_malformed_cnics_fails_the_job_with_the_lines(client_as, personas, media):
    client_as(personas["administrator"]).post(
        reverse("registry:wealth_import"), upload(["12345", new_cnic()])
    )
    job = Job.objects.get()
    import_wealth_list.call(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "cars.csv: 1 line has a malformed CNIC: line 2 «12345»." in job.error
    assert not WealthList.objects.exists()


def test_the_command_imports_a_list_and_reports_its_figures(tmp_path, household, capsys):
    path = write_list(tmp_path, [cnic_of(head_of(household)), cnic_of(head_of(household))])
    call_command("import-wealth-list", str(path), "--source", "car_owners", "--as-of", "2026-05-01",
                 "--agency", "Excise and Taxation, Punjab", "--no-progress")  # fmt: skip
    out = capsys.readouterr().out
    assert "2 lines, 1 distinct CNICs (1 duplicate lines); 1 members matched in 1 households" in out
    assert Job.objects.get().status == "succeeded"


def test_the_command_refuses_a_file_without_a_cnic_column(tmp_path):
    path = write_list(tmp_path, ["1"], header="number")
    with pytest.raises(CommandError, match="has no cnic column"):
        call_command("import-wealth-list", str(path), "--source", "taxpayers", "--as-of", "2026-05-01",
                     "--agency", "FBR", "--no-progress")  # fmt: skip
    assert not WealthList.objects.exists()


# Overrides


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_queue_of_overrides(client_as, personas, overrides, role):
    assert client_as(personas[role]).get(reverse("registry:wealth_overrides")).status_code == 200


@pytest.mark.parametrize("role", NOT_READERS)
def test_others_may_not_see_the_queue_of_overrides(client_as, personas, role):
    assert client_as(personas[role]).get(reverse("registry:wealth_overrides")).status_code == 403


def test_a_partner_sees_only_the_overrides_of_its_districts(
    client_as, personas, overrides, household, elsewhere
):
    client = client_as(personas["partner"])
    text = client.get(reverse("registry:wealth_overrides")).content.decode()
    assert household.household_ref in text and elsewhere.household_ref not in text
    other = reverse("registry:wealth_override", args=[overrides[elsewhere.pk].pk])
    assert client.get(other).status_code == 404


@pytest.mark.parametrize("role", REQUESTERS)
def test_registration_and_programme_officers_ask_for_an_override(client_as, personas, flags, household, role):
    url = reverse("registry:wealth_override_new", args=[flags[household.pk].pk])
    client = client_as(personas[role])
    assert "Muhammad Aslam (member 1" in client.get(url).content.decode()

    response = client.post(url, {"reason": RETIRED})

    override = WealthOverride.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:wealth_override", args=[override.pk])
    assert (override.requested_by, override.reason) == (personas[role], RETIRED)


@pytest.mark.parametrize("role", NOT_REQUESTERS)
def test_other_roles_may_not_ask_for_an_override(client_as, personas, flags, household, role):
    url = reverse("registry:wealth_override_new", args=[flags[household.pk].pk])
    assert client_as(personas[role]).post(url, {"reason": RETIRED}).status_code == 403
    assert not WealthOverride.objects.exists()


def test_an_override_without_a_reason_is_shown_again_with_the_message(client_as, personas, flags, household):
    url = reverse("registry:wealth_override_new", args=[flags[household.pk].pk])
    page = client_as(personas["registration_officer"]).post(url, {"reason": ""})
    assert page.status_code == 200 and not WealthOverride.objects.exists()


@pytest.mark.parametrize("role", DECIDERS)
def test_programme_officers_and_administrators_approve_an_override_they_did_not_ask_for(
    client_as, personas, overrides, household, role
):
    override = overrides[household.pk]
    url = reverse("registry:wealth_override", args=[override.pk])
    response = client_as(personas[role]).post(url, {"decision": "approve", "note": ""})
    assert response.status_code == 302
    override.refresh_from_db()
    assert (override.status, override.decided_by) == ("approved", personas[role])


@pytest.mark.parametrize("role", ["registration_officer", "partner", "me_analyst", "auditor"])
def test_other_roles_may_not_decide_an_override(client_as, personas, overrides, household, role):
    url = reverse("registry:wealth_override", args=[overrides[household.pk].pk])
    assert client_as(personas[role]).post(url, {"decision": "approve"}).status_code == 403
    assert WealthOverride.objects.filter(status="approved").count() == 0


def test_the_maker_is_told_another_person_must_decide(client_as, personas, flags, household):
    override = wealth_override_request(
        acting_user=personas["programme_officer"], flag=flags[household.pk], reason=RETIRED
    )
    client = client_as(personas["programme_officer"])
    url = reverse("registry:wealth_override", args=[override.pk])
    assert 'data-testid="maker-note"' in client.get(url).content.decode()
    page = client.post(url, {"decision": "approve"})
    assert "another person must approve or reject it" in page.content.decode()
    override.refresh_from_db()
    assert override.status == "submitted"


def test_rejecting_without_a_note_is_refused_with_the_message(client_as, personas, overrides, household):
    url = reverse("registry:wealth_override", args=[overrides[household.pk].pk])
    page = client_as(personas["administrator"]).post(url, {"decision": "reject", "note": ""})
    assert "Write why the override is rejected." in page.content.decode()


# The panel on a household's page


def household_page(client_as, user, household):
    return client_as(user).get(reverse("registry:household", args=[household.pk])).content.decode()


@pytest.mark.parametrize("role", READERS)
def test_the_household_page_shows_the_flag_and_its_reason(client_as, personas, flags, household, role):
    text = household_page(client_as, personas[role], household)
    assert 'data-testid="wealth-excluded"' in text
    assert "is on the car owners list of Excise and Taxation, Punjab" in text


def test_the_finance_officer_sees_no_wealth_panel(client_as, personas, flags, household):
    assert 'data-testid="wealth-panel"' not in household_page(
        client_as, personas["finance_officer"], household
    )


def test_a_household_never_on_a_list_has_no_panel(client_as, personas, household):
    assert 'data-testid="wealth-panel"' not in household_page(client_as, personas["administrator"], household)


@pytest.mark.parametrize("role", REQUESTERS)
def test_the_panel_offers_to_ask_for_an_override_to_those_who_may(
    client_as, personas, flags, household, role
):
    assert 'data-testid="wealth-request"' in household_page(client_as, personas[role], household)


@pytest.mark.parametrize("role", NOT_REQUESTERS[:4])
def test_the_panel_offers_no_override_to_others(client_as, personas, flags, household, role):
    assert 'data-testid="wealth-request"' not in household_page(client_as, personas[role], household)


def test_the_panel_offers_the_decision_to_a_checker_but_not_to_the_maker(
    client_as, personas, overrides, household
):
    assert 'data-testid="wealth-decide"' in household_page(
        client_as, personas["programme_officer"], household
    )
    maker = household_page(client_as, personas["registration_officer"], household)
    assert 'data-testid="wealth-decide"' not in maker and RETIRED in maker


def test_the_panel_says_an_approved_override_lifted_the_exclusion(client_as, personas, overrides, household):
    wealth_override_approve(acting_user=personas["administrator"], override=overrides[household.pk])
    text = household_page(client_as, personas["auditor"], household)
    assert 'data-testid="wealth-overridden"' in text and 'data-testid="wealth-not-excluded"' in text


def test_the_home_page_links_to_the_wealth_filters_for_readers(client_as, personas):
    assert 'data-testid="wealth-link"' in client_as(personas["auditor"]).get("/").content.decode()
    assert 'data-testid="wealth-link"' not in client_as(personas["finance_officer"]).get("/").content.decode()

"""Applications to the undergraduate scholarships: a student applies (found in the registry by CNIC, or
not yet registered) with the programme's questions checked and documents of the allowed kinds and sizes;
ranking orders each university and province's applications by need from the PMT and merit and proposes
the top of each quota for acceptance, the rest for the waiting list, deciding nothing; a person confirms
the proposals or decides each application with a reason the applicant reads, and a notice is queued.
Programme officers and administrators rank and decide; registration officers receive applications."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ehsaas.core.models import Province
from ehsaas.programs import applications as a
from ehsaas.programs import services as s
from ehsaas.programs.choices import ApplicationStatus, NoticeKind
from ehsaas.programs.models import (
    Application,
    ApplicationDocument,
    ApplicationQuota,
    BenefitRule,
    ConditionRule,
    Notice,
    Programme,
)
from ehsaas.programs.shipped import shipped_programmes_load
from tests.programs.conftest import family
from tests.registry.records import make_member, new_cnic

pytestmark = pytest.mark.django_db
PUNJAB_UNIVERSITY, KARACHI_UNIVERSITY = "University of the Punjab", "University of Karachi"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def scholarships() -> Programme:
    programme = Programme.objects.get(code="undergraduate-scholarships")
    ApplicationQuota.objects.create(programme=programme, university=PUNJAB_UNIVERSITY,
                                    province=Province.objects.get(code="PK-PB"), places=2)  # fmt: skip
    ApplicationQuota.objects.create(programme=programme, university=KARACHI_UNIVERSITY,
                                    province=Province.objects.get(code="PK-SD"), places=1)  # fmt: skip
    return programme


def student(district, score: float | None) -> str:
    """A student of nineteen in a household scored `score`; returns the student's CNIC."""
    household = family(district, score=score)
    cnic = new_cnic()
    make_member(household, "Student", date_of_birth=date(2007, 1, 1), in_school=True, cnic=cnic)
    return cnic


def answers(merit, university=PUNJAB_UNIVERSITY, province="PK-PB", degree="BS Physics") -> dict:
    return {"university": university, "university_province": province, "degree": degree, "merit": merit}


def apply(programme, cnic: str, merit=80, *, user=None, documents=(), **more):
    return a.application_submit(
        acting_user=user, programme=programme, cnic=cnic, full_name=more.pop("full_name", "Ayesha Khan"),
        phone=more.pop("phone", ""), answers=answers(merit, **more), documents=documents,
    )  # fmt: skip


def pdf(name="result-card.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_student_in_the_registry_applies_and_is_found_by_cnic(scholarships, district_a):
    cnic = student(district_a, score=25)

    application = apply(scholarships, cnic[:5] + "-" + cnic[5:12] + "-" + cnic[12], merit="81.5")

    assert application.status == ApplicationStatus.SUBMITTED
    assert application.member.identifiers.get().number == cnic
    assert application.household == application.member.household
    assert application.answers == answers(81.5)
    assert application.tracking_number == f"APP-{application.pk:06d}"
    change = application.status_changes.get()
    assert (change.from_status, change.to_status, change.reason) == (
        "",
        "submitted",
        "submitted on the public site",
    )


def test_someone_not_registered_applies_with_a_name_and_a_phone(scholarships):
    application = apply(scholarships, "3520212345671", full_name="  Bilal   Ahmed ", phone="0300-1234567")

    assert (application.member, application.household) == (None, None)
    assert (application.full_name, application.phone) == ("Bilal Ahmed", "+923001234567")


def test_the_answers_are_checked_against_the_programme_s_questions(scholarships):
    with pytest.raises(ValidationError) as refused:
        a.application_submit(
            acting_user=None, programme=scholarships, cnic="3520212345671", full_name="Ayesha",
            answers={"university": "Harvard", "university_province": "PK-XX", "merit": "120"},
        )  # fmt: skip

    assert refused.value.message_dict == {
        "university": ["Choose one of the choices offered."],
        "university_province": ["Choose one of the choices offered."],
        "degree": ["This question is required."],
        "merit": ["Write a number from 0 to 100."],
    }
    assert not Application.objects.exists()


def test_a_malformed_cnic_or_phone_is_refused_saying_what_is_wrong(scholarships):
    with pytest.raises(ValidationError) as refused:
        apply(scholarships, "35202-12345", phone="12345", full_name="")

    assert refused.value.message_dict == {
        "cnic": ["The CNIC must be 13 digits, written NNNNN-NNNNNNN-N (dashes optional)."],
        "full_name": ["Write the applicant's full name."],
        "phone": [
            "The mobile number must be a Pakistani mobile number such as 0300-1234567 or +923001234567."
        ],
    }


def test_documents_of_the_allowed_kinds_are_kept_under_a_name_of_their_own(scholarships, tmp_path):
    png = SimpleUploadedFile("letter.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, content_type="image/png")

    application = apply(scholarships, "3520212345671", documents=[pdf(), png])

    kept = list(application.documents.order_by("id"))
    assert [(d.name, d.content_type) for d in kept] == [
        ("result-card.pdf", "application/pdf"),
        ("letter.png", "image/png"),
    ]
    assert all((tmp_path / d.file.name).read_bytes()[:4] in (b"%PDF", b"\x89PNG") for d in kept)
    assert "result-card" not in kept[0].file.name  # stored under a random name


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ([pdf("card.pdf", b"MZ\x90\x00 not a pdf")], "card.pdf is not a PDF, JPEG or PNG file."),
        ([pdf("big.pdf", PDF + b"\0" * (5 * 1024 * 1024))], "big.pdf is larger than 5 MB."),
        ([pdf(f"{n}.pdf") for n in range(4)], "Attach at most 3 documents."),
    ],
)
def test_documents_of_another_kind_too_large_or_too_many_are_refused(scholarships, documents, message):
    with pytest.raises(ValidationError) as refused:
        apply(scholarships, "3520212345671", documents=documents)
    assert refused.value.message_dict["documents"] == [message]
    assert not ApplicationDocument.objects.exists() and not Application.objects.exists()


def test_a_second_open_application_of_the_same_person_is_refused_until_the_first_is_decided(
    scholarships, officer
):
    first = apply(scholarships, "3520212345671")
    with pytest.raises(ValidationError, match="is open already"):
        apply(scholarships, "35202-1234567-1")

    a.application_decide(acting_user=officer, application=first, status="rejected", reason="Not admitted")

    assert apply(scholarships, "3520212345671").pk != first.pk


@pytest.mark.parametrize(
    "change", [{"status": "paused"}, {"takes_applications": False}, {"ends_on": date(2020, 1, 1)}]
)
def test_a_programme_not_taking_applications_now_refuses_them(scholarships, change):
    Programme.objects.filter(pk=scholarships.pk).update(**change)
    scholarships.refresh_from_db()
    with pytest.raises(ValidationError, match="is not taking applications now"):
        apply(scholarships, "3520212345671")


@pytest.fixture
def applicants(scholarships, district_a):
    """Three students for the two places at the University of the Punjab, one for the one at Karachi."""
    return {
        "needy": apply(scholarships, student(district_a, score=20), merit=70),  # 0.5×80 + 0.5×70 = 75
        "able": apply(scholarships, student(district_a, score=60), merit=90),  # 0.5×40 + 0.5×90 = 65
        "unregistered": apply(scholarships, "3520212345671", merit=95),  # 0.5×0 + 0.5×95 = 47.5
        "karachi": apply(
            scholarships,
            student(district_a, score=40),
            merit=60,
            university=KARACHI_UNIVERSITY,
            province="PK-SD",
        ),
    }


def ranked(applicants) -> dict[str, Application]:
    return {name: Application.objects.get(pk=app.pk) for name, app in applicants.items()}


def test_ranking_proposes_the_top_of_each_quota_by_need_and_merit(scholarships, applicants, officer):
    figures = a.applications_rank(acting_user=officer, programme=scholarships)

    after = ranked(applicants)
    assert [(after[n].rank, after[n].places, after[n].proposal) for n in ("needy", "able", "unregistered")] == [
        (1, 2, "accept"), (2, 2, "accept"), (3, 2, "waitlist"),
    ]  # fmt: skip
    assert (after["needy"].need, after["needy"].rank_score, after["unregistered"].rank_score) == (
        80,
        75,
        47.5,
    )
    assert (after["karachi"].rank, after["karachi"].proposal) == (1, "accept")
    assert (figures.ranked, figures.accept, figures.waitlist, figures.quotas) == (4, 3, 1, 2)


def test_ranking_decides_nothing_and_puts_applications_under_review(scholarships, applicants, officer):
    a.applications_rank(acting_user=officer, programme=scholarships)

    assert {app.status for app in ranked(applicants).values()} == {ApplicationStatus.UNDER_REVIEW}
    assert not Notice.objects.exists()
    assert ranked(applicants)["needy"].status_changes.last().reason == "ranked within its quota"


def test_the_weights_are_the_programme_s_settings(scholarships, applicants, officer):
    scholarships.parameters["ranking"] |= {"need_weight": 0, "merit_weight": 1}
    scholarships.save(update_fields=["parameters"])

    a.applications_rank(acting_user=officer, programme=scholarships)

    after = ranked(applicants)
    assert [after[n].rank for n in ("unregistered", "able", "needy")] == [1, 2, 3]


def test_a_student_who_registers_after_applying_is_ranked_on_the_household_s_need(
    scholarships, applicants, officer, district_a
):
    household = family(district_a, score=0)
    make_member(household, "Registered later", date_of_birth=date(2006, 1, 1), cnic="3520212345671")

    a.applications_rank(acting_user=officer, programme=scholarships)

    after = ranked(applicants)["unregistered"]
    assert (after.household, after.need, after.rank) == (household, 100, 1)


def test_a_university_without_a_quota_waitlists_its_applicants(scholarships, district_a, officer):
    elsewhere = apply(scholarships, student(district_a, score=10), merit=99, university=PUNJAB_UNIVERSITY,
                      province="PK-KP")  # fmt: skip

    a.applications_rank(acting_user=officer, programme=scholarships)

    elsewhere.refresh_from_db()
    assert (elsewhere.rank, elsewhere.places, elsewhere.proposal) == (1, 0, "waitlist")


def test_confirming_the_ranking_accepts_and_waitlists_with_the_reason_and_a_notice(
    scholarships, applicants, officer, second_officer
):
    a.applications_rank(acting_user=officer, programme=scholarships)

    counts = a.applications_confirm_ranking(acting_user=second_officer, programme=scholarships)

    after = ranked(applicants)
    assert counts == {"accepted": 3, "waitlisted": 1}
    assert (after["needy"].status, after["needy"].decided_by) == ("accepted", second_officer)
    assert after["needy"].decision_reason == "Ranked 1 for the 2 places at University of the Punjab, Punjab."
    assert after["unregistered"].status == "waitlisted"
    assert after["unregistered"].decision_reason == (
        "Ranked 3 for the 2 places at University of the Punjab, Punjab: waitlisted until a place frees."
    )
    notices = Notice.objects.filter(kind=NoticeKind.APPLICATION_DECIDED)
    assert notices.count() == 4 and {n.language for n in notices} == {"ur"}
    assert after["needy"].tracking_number in notices.get(application=after["needy"]).text

    assert a.applications_confirm_ranking(acting_user=second_officer, programme=scholarships) == {
        "accepted": 0, "waitlisted": 0,
    }  # fmt: skip
    assert Notice.objects.count() == 4


def test_accepted_applications_keep_their_places_when_ranking_again(
    scholarships, applicants, officer, district_a
):
    a.applications_rank(acting_user=officer, programme=scholarships)
    a.applications_confirm_ranking(acting_user=officer, programme=scholarships)
    late = apply(scholarships, student(district_a, score=5), merit=100)

    a.applications_rank(acting_user=officer, programme=scholarships)

    late.refresh_from_db()
    waiting = Application.objects.get(pk=applicants["unregistered"].pk)
    assert (late.rank, late.places, late.proposal) == (1, 0, "waitlist")
    assert (waiting.rank, waiting.proposal) == (2, "waitlist")


def test_a_decision_needs_a_reason_the_applicant_reads_and_queues_a_notice(scholarships, officer):
    application = apply(scholarships, "3520212345671", phone="0300-7654321")
    with pytest.raises(ValidationError, match="Say why"):
        a.application_decide(acting_user=officer, application=application, status="rejected", reason=" ")

    a.application_decide(acting_user=officer, application=application, status="rejected",
                         reason="The admission letter is not from a public university.")  # fmt: skip

    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("rejected", officer)
    notice = Notice.objects.get(application=application)
    assert (notice.phone, notice.language, notice.kind) == (
        "+923007654321",
        "ur",
        NoticeKind.APPLICATION_DECIDED,
    )
    assert list(application.status_changes.values_list("to_status", flat=True)) == ["submitted", "rejected"]


def test_a_decided_application_is_not_decided_again(scholarships, officer):
    application = apply(scholarships, "3520212345671")
    a.application_decide(
        acting_user=officer, application=application, status="accepted", reason="Ranked first"
    )

    with pytest.raises(ValidationError, match="An application that is Accepted cannot be made Rejected"):
        a.application_decide(
            acting_user=officer, application=application, status="rejected", reason="Changed mind"
        )


def test_a_waitlisted_application_is_accepted_when_a_place_frees(scholarships, officer):
    application = apply(scholarships, "3520212345671")
    a.application_decide(
        acting_user=officer, application=application, status="waitlisted", reason="Quota full"
    )

    a.application_decide(
        acting_user=officer, application=application, status="accepted", reason="A place freed"
    )

    application.refresh_from_db()
    assert application.status == "accepted"


@pytest.mark.parametrize("role", ["administrator", "programme_officer"])
def test_administrators_and_programme_officers_rank_and_decide(scholarships, applicants, personas, role):
    a.applications_rank(acting_user=personas[role], programme=scholarships)
    assert a.applications_confirm_ranking(acting_user=personas[role], programme=scholarships)["accepted"] == 3


@pytest.mark.parametrize(
    "role", ["registration_officer", "finance_officer", "me_analyst", "auditor", "partner"]
)
def test_others_neither_rank_nor_decide(scholarships, applicants, personas, role):
    with pytest.raises(PermissionDenied):
        a.applications_rank(acting_user=personas[role], programme=scholarships)
    with pytest.raises(PermissionDenied):
        a.application_decide(acting_user=personas[role], application=applicants["needy"], status="accepted",
                             reason="x")  # fmt: skip
    with pytest.raises(PermissionDenied):
        a.applications_confirm_ranking(acting_user=personas[role], programme=scholarships)


@pytest.mark.parametrize("role", ["registration_officer", "programme_officer", "administrator"])
def test_desk_staff_receive_an_application_for_an_applicant(scholarships, personas, role):
    application = apply(scholarships, "3520212345671", user=personas[role])
    assert (application.channel, application.submitted_by) == ("staff", personas[role])


@pytest.mark.parametrize("role", ["finance_officer", "me_analyst", "auditor", "partner"])
def test_readers_do_not_receive_applications(scholarships, personas, role):
    with pytest.raises(PermissionDenied):
        apply(scholarships, "3520212345671", user=personas[role])


def test_a_programme_that_takes_applications_is_not_enrolled(scholarships, officer):
    with pytest.raises(ValidationError, match="takes its people from applications"):
        s.enrolment_start(acting_user=officer, programme=scholarships)


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"application_fields": []}, "asks at least one question"),
        ({"application_fields": [{"name": "Merit!", "kind": "number", "label_en": "M", "label_ur": "م"}]},
         "Question 1: the name is lower-case letters"),
        ({"application_fields": [{"name": "cnic", "kind": "text", "label_en": "C", "label_ur": "ش"}]},
         "is asked of every applicant already"),
        ({"application_fields": [{"name": "merit", "kind": "number", "label_en": "M", "label_ur": "م"}],
          "ranking": {"merit_field": "merit"}}, "university_field names “university”"),
    ],
)  # fmt: skip
def test_settings_the_form_or_the_ranking_could_not_use_are_refused_when_saving(
    scholarships, officer, parameters, message
):
    fields = {name: getattr(scholarships, name) for name in (
        "code", "name_en", "name_ur", "description", "unit", "one_per_household", "eligibility", "frequency",
        "benefit_cap", "budget", "quota", "starts_on", "ends_on", "takes_applications")}  # fmt: skip
    with pytest.raises(ValidationError, match=message):
        s.programme_save(acting_user=officer, programme=scholarships, fields=fields | {"parameters": parameters},
                         benefits=[{"kind": "base", "label": "Stipend", "condition": "", "amount": 4000}],
                         conditions=[])  # fmt: skip


def test_the_shipped_scholarships_take_applications_with_their_questions(scholarships):
    assert (scholarships.takes_applications, scholarships.unit, scholarships.status) == (
        True,
        "student",
        "active",
    )
    assert [f["name"] for f in scholarships.parameters["application_fields"]] == [
        "university", "university_province", "degree", "merit",
    ]  # fmt: skip
    assert scholarships.parameters["ranking"]["need_weight"] == 0.5


def test_the_data_migration_loads_only_the_scholarships_and_only_when_missing(scholarships):
    Programme.objects.filter(code="emergency-cash").delete()
    scholarships.quotas.all().delete()
    Programme.objects.filter(pk=scholarships.pk).delete()
    models = (Programme, BenefitRule, ConditionRule)

    assert shipped_programmes_load(*models, codes=["undergraduate-scholarships"]) == 1
    assert shipped_programmes_load(*models, codes=["undergraduate-scholarships"]) == 0
    assert not Programme.objects.filter(code="emergency-cash").exists()


def test_a_migration_before_applications_existed_leaves_the_scholarships_to_the_later_one(scholarships):
    historical = (
        MigrationExecutor(connection).loader.project_state(("programs", "0003_shipped_programmes")).apps
    )
    scholarships.quotas.all().delete()
    Programme.objects.filter(pk=scholarships.pk).delete()

    created = shipped_programmes_load(*(historical.get_model("programs", name)
                                        for name in ("Programme", "BenefitRule", "ConditionRule")))  # fmt: skip

    assert created == 0 and not Programme.objects.filter(code="undergraduate-scholarships").exists()

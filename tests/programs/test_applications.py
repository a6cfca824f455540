"""Applications to the undergraduate scholarships: a student applies (found in the registry by CNIC, or
not yet registered) with the programme's questions checked and documents of the allowed kinds and sizes;
ranking (test_application_ranking) orders each university and province's applications by need from the PMT and merit and proposes
the top of each quota for acceptance, the rest for the waiting list, deciding nothing; a person confirms
the proposals or decides each application with a reason the applicant reads, and a notice is queued.
Programme officers and administrators rank and decide; registration officers receive applications."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ehsaas.programs import applications as a
from ehsaas.programs import services as s
from ehsaas.programs.choices import ApplicationStatus
from ehsaas.programs.models import (
    Application,
    ApplicationDocument,
    BenefitRule,
    ConditionRule,
    Programme,
)
from ehsaas.programs.shipped import shipped_programmes_load
from tests.programs.applicants import PDF, answers, apply, pdf, student

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


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

"""Applicants to the undergraduate scholarships, for the application tests: a student in a scored
household, the programme's answers, an application submitted, a PDF document."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from ehsaas.programs import applications as a
from tests.programs.conftest import family
from tests.registry.records import make_member, new_cnic

PUNJAB_UNIVERSITY, KARACHI_UNIVERSITY = "University of the Punjab", "University of Karachi"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def student(district, score: float | None) -> str:
    """A student of nineteen in a household scored `score`; returns the student's CNIC."""
    household = family(district, score=score)
    cnic = new_cnic()
    make_member(household, "Student", date_of_birth=date(2007, 1, 1), in_school=True, cnic=cnic)
    return cnic


def answers(merit, university=PUNJAB_UNIVERSITY, province="PK-PB", degree="BS Physics") -> dict:
    return {"university": university, "university_province": province, "degree": degree, "merit": merit}


def apply(programme, cnic: str, merit=80, *, user=None, documents=(), language="ur", **more):
    return a.application_submit(
        acting_user=user, programme=programme, cnic=cnic, full_name=more.pop("full_name", "Ayesha Khan"),
        phone=more.pop("phone", ""), answers=answers(merit, **more), documents=documents, language=language,
    )  # fmt: skip


def pdf(name="result-card.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")

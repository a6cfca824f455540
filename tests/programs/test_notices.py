"""The programmes' messages: their templates take one Urdu SMS with typical values, a tracking number
written in SQL is the application's own, an applicant who gave no phone is told at the one the registry
holds, and the notices of the programmes' former outbox reach the platform's outbox when it goes."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ehsaas.messaging.models import Message, MessageTemplate
from ehsaas.messaging.rendering import render, segments
from ehsaas.programs import applications as a
from ehsaas.programs.models import Application
from ehsaas.programs.notices import tracking_number_sql
from ehsaas.registry import choices as c
from ehsaas.registry.models import Identifier
from tests.programs.applicants import apply, student
from tests.programs.conftest import family

# Typical values, as a programme with conditions and a scholarship application give them: the longest
# programme name of those with conditions, one condition missed, the longest status.
TYPICAL_UR = {"programme": "تعلیمی وظائف", "quarter": "2026-Q3", "reason": "حاضری 70٪ سے کم",
              "number": "APP-000123", "status": "انتظار کی فہرست میں"}  # fmt: skip
TYPICAL_EN = {"programme": "Education stipends (Taleemi Wazaif)", "quarter": "2026-Q3",
              "reason": "school attendance under 70%", "number": "APP-000123", "status": "waitlisted"}  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", ["condition_suspended", "condition_resumed", "application_decided", "enrolment"]
)
def test_each_programme_message_takes_one_sms_in_each_language_with_typical_values(code):
    template = MessageTemplate.objects.get(code=code)

    urdu = segments(render(template.text_ur, TYPICAL_UR))
    english = segments(render(template.text_en, TYPICAL_EN))

    assert (urdu.encoding, urdu.count) == ("ucs2", 1)
    assert (english.encoding, english.count) == ("gsm7", 1)


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [1, 42, 99_999, 123_456, 1_234_567])
def test_a_tracking_number_written_in_sql_is_the_application_s(pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tracking_number_sql(str(pk))}")
        written = cursor.fetchone()[0]

    assert written == Application(pk=pk).tracking_number


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_an_applicant_who_gave_no_phone_is_told_at_their_own_in_the_registry_else_their_household_s(
    scholarships, officer, district_a
):
    own, household, none = (student(district_a, score=20) for _ in range(3))
    member = Identifier.objects.get(number=own).member
    member.phone = "0300-1111111"
    member.save(update_fields=["phone"])
    member.household.phone = "0300-9999999"
    member.household.save(update_fields=["phone"])
    home = Identifier.objects.get(number=household).member.household
    home.phone = "0300-2222222"
    home.save(update_fields=["phone"])
    applications = [apply(scholarships, cnic) for cnic in (own, household, none)]

    for application in applications:
        a.application_decide(acting_user=officer, application=application, status="rejected", reason="Late.")

    assert dict(Message.objects.values_list("event", "phone")) == {
        f"application:{applications[0].tracking_number}:rejected": "923001111111",
        f"application:{applications[1].tracking_number}:rejected": "923002222222",
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("media")
def test_putting_an_application_under_review_tells_nobody(scholarships, officer):
    application = apply(scholarships, "3520212345671", phone="0300-7654321")

    a.application_decide(acting_user=officer, application=application, status="under_review", reason="")

    assert not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_former_outbox_s_waiting_notices_reach_the_platform_s_outbox_under_today_s_events(district_a):
    pupil = family(district_a, score=20, children=[(c.Sex.FEMALE, date(2015, 3, 1), True)]).members.last()
    executor = MigrationExecutor(connection)
    before, after = [("programs", "0008_message_templates")], executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before).apps
        model = old.get_model
        at = timezone.now()
        stipends, scholarships = (model("programs", "Programme").objects.get(code=code)
                                  for code in ("taleemi-wazaif", "undergraduate-scholarships"))  # fmt: skip
        application = model("programs", "Application").objects.create(
            programme=scholarships, cnic="3520212345671", full_name="Ayesha Khan", channel="public",
            submitted_at=at,
        )  # fmt: skip
        change = model("programs", "ApplicationStatusChange").objects.create(
            application=application, from_status="submitted", to_status="accepted", changed_at=at
        )
        beneficiary = model("programs", "Beneficiary").objects.create(
            programme=stipends, household_id=pupil.household_id, member_id=pupil.pk, status="suspended",
            status_since=at,
        )  # fmt: skip
        evaluation = model("programs", "ConditionEvaluation").objects.create(
            programme=stipends, quarter="2026-Q3", evaluated_at=at
        )
        outcome = model("programs", "ConditionOutcome").objects.create(
            evaluation=evaluation, beneficiary=beneficiary, action="suspended", reason="x", at=at
        )
        Notice = model("programs", "Notice")
        Notice.objects.bulk_create([
            Notice(key=f"application-change:{change.pk}", kind="application_decided", phone="+923001234567",
                   language="ur", text="احساس: منظور", created_at=at),
            Notice(key=f"condition-outcome:{outcome.pk}", kind="condition_suspended", phone="0300 7654321",
                   language="ur", text="احساس: معطل", created_at=at),
            Notice(key="application-change:0", kind="application_decided", phone="", language="ur",
                   text="no phone", created_at=at),
            Notice(key="condition-outcome:0", kind="condition_suspended", phone="0300-1112223", language="ur",
                   text="sent", status="sent", created_at=at),
        ])  # fmt: skip
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)

    copied = Message.objects.values_list("event", "phone", "language", "template", "text", "status")
    assert sorted(copied) == [
        (f"application:APP-{application.pk:06d}:accepted", "923001234567", "ur", "application_decided",
         "احساس: منظور", "queued"),
        (f"condition:taleemi-wazaif:2026-Q3:suspended:{outcome.pk}", "923007654321", "ur", "condition_suspended",
         "احساس: معطل", "queued"),
    ]  # fmt: skip

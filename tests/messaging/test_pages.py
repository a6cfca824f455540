"""The outbox's pages: who may open each (administrators and programme officers run the outbox,
auditors read it, other roles see none of it), the outbox's filters and counts, editing a template
(a misspelt placeholder refused, saying which), and a campaign to a programme's active beneficiaries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ehsaas.core.choices import JobStatus
from ehsaas.core.models import AuditEvent, Job
from ehsaas.messaging.campaigns import CAMPAIGN_KIND, queue_campaign_job
from ehsaas.messaging.choices import MessageStatus
from ehsaas.messaging.models import Message, MessageTemplate
from ehsaas.messaging.rendering import MSG_UNKNOWN_PLACEHOLDER
from ehsaas.programs.models import Beneficiary
from tests.portal.households import programme
from tests.registry.factories import household_with_members

pytestmark = pytest.mark.django_db

OUTBOX = reverse("messaging:outbox")
TEMPLATES = reverse("messaging:templates")
EDIT = reverse("messaging:template_edit", args=["payment_ready"])
CAMPAIGN = reverse("messaging:campaign")

EVERYONE = ["administrator", "programme_officer", "registration_officer", "finance_officer", "partner",
            "me_analyst", "auditor", "no_role"]  # fmt: skip
ACCESS = {
    OUTBOX: {"administrator", "programme_officer", "auditor"},
    TEMPLATES: {"administrator", "programme_officer", "auditor"},
    EDIT: {"administrator", "programme_officer"},
    CAMPAIGN: {"administrator", "programme_officer"},
}


@pytest.mark.parametrize("url", list(ACCESS))
@pytest.mark.parametrize("persona", EVERYONE)
def test_each_page_opens_for_the_roles_that_run_or_read_the_outbox_and_is_refused_to_the_others(
    client_as, personas, url, persona
):
    response = client_as(personas[persona]).get(url)

    assert response.status_code == (200 if persona in ACCESS[url] else 403)


@pytest.mark.parametrize("url", list(ACCESS))
def test_each_page_sends_a_visitor_who_is_not_signed_in_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_menu_shows_messages_to_whoever_may_read_the_outbox(client_as, personas):
    assert OUTBOX in client_as(personas["auditor"]).get(TEMPLATES).content.decode()
    assert (
        f'href="{OUTBOX}"'
        not in client_as(personas["finance_officer"]).get(reverse("job_list")).content.decode()
    )


def test_the_outbox_filters_by_status_event_and_phone_and_counts_each_status(client_as, personas, queued):
    first, second, third = queued(3)
    queued(1, event="enrolment:kafaalat")
    Message.objects.filter(pk=first.pk).update(status=MessageStatus.SENT)
    Message.objects.filter(pk=second.pk).update(status=MessageStatus.FAILED, error="operator busy")
    client = client_as(personas["auditor"])

    by_event = client.get(OUTBOX, {"event": "payment_ready:"})
    by_status = client.get(OUTBOX, {"event": "payment_ready:", "status": "failed"})
    by_phone = client.get(OUTBOX, {"phone": "0300-0000003"})

    assert by_event.context["counts"] == {"queued": 1, "sent": 1, "delivered": 0, "failed": 1}
    assert list(by_event.context["page"]) == [third, second, first]
    assert list(by_status.context["page"]) == [second]
    assert "operator busy" in by_status.content.decode()
    assert {m.phone for m in by_phone.context["page"]} == {"923000000003"}
    assert client.get(OUTBOX, {"phone": "not a phone"}).context["page"].paginator.count == 0


def test_the_outbox_says_when_the_log_gateway_only_records_messages(client_as, personas, settings):
    settings.SMS_GATEWAY = "log"

    assert "not sent to any phone" in client_as(personas["auditor"]).get(OUTBOX).content.decode()


def test_the_templates_page_shows_each_text_with_the_sms_it_takes(client_as, personas):
    page = client_as(personas["auditor"]).get(TEMPLATES).content.decode()

    assert MessageTemplate.objects.get(code="payment_ready").text_ur in page
    assert "1 SMS" in page
    assert reverse("messaging:template_edit", args=["payment_ready"]) not in page  # auditors read only


def test_a_programme_officer_edits_a_template_and_the_change_is_audited(client_as, personas):
    new_ur = "احساس: {programme} کی رقم {amount} روپے آ گئی ہے۔"
    response = client_as(personas["programme_officer"]).post(
        EDIT, {"description": "Payment ready", "text_en": "Ehsaas: Rs {amount} ready.", "text_ur": new_ur}
    )

    template = MessageTemplate.objects.get(code="payment_ready")
    assert response.status_code == 302
    assert (template.text_en, template.text_ur) == ("Ehsaas: Rs {amount} ready.", new_ur)
    assert AuditEvent.objects.get(action="messaging.template_changed").changes["text_ur"][1] == new_ur


def test_a_misspelt_placeholder_is_refused_naming_it_and_the_template_is_unchanged(client_as, personas):
    before = MessageTemplate.objects.get(code="payment_ready").text_en
    response = client_as(personas["programme_officer"]).post(
        EDIT, {"description": "Payment ready", "text_en": "Ehsaas: Rs {amont} ready.", "text_ur": "احساس"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["text_en"] == [
        MSG_UNKNOWN_PLACEHOLDER % {"name": "amont", "allowed": "{programme}, {amount}"}
    ]
    assert MessageTemplate.objects.get(code="payment_ready").text_en == before


def test_typing_in_a_template_shows_how_many_sms_it_takes(client_as, personas):
    response = client_as(personas["programme_officer"]).post(
        EDIT, {"description": "x", "text_en": "a" * 161, "text_ur": "ا" * 70}, HTTP_HX_REQUEST="true"
    )

    assert response.templates[0].name == "messaging/_segments.html"
    assert (response.context["segments_en"].count, response.context["segments_ur"].count) == (2, 1)
    assert MessageTemplate.objects.get(code="payment_ready").text_en != "a" * 161


@pytest.fixture
def beneficiaries(reference_data, district_a, district_b):
    """Kafaalat's beneficiaries: an active one in district A with her own phone, an active one in district
    B with the household's, a suspended one, one with no phone and one with a landline; and another
    programme's."""
    kafaalat, other = programme("kafaalat"), programme("nashonuma")

    def enrol(prog, *, district, status="active", member_phone="", household_phone=""):
        household = household_with_members(2, district=district, phone=household_phone)
        wife = household.members.order_by("member_no").last()
        wife.phone = member_phone
        wife.save(update_fields=["phone"])
        Beneficiary.objects.create(programme=prog, household=household, member=wife, status=status,
                                   status_since=timezone.now(), amount=13_500)  # fmt: skip

    enrol(kafaalat, district=district_a, member_phone="+923001110001", household_phone="+923009999999")
    enrol(kafaalat, district=district_b, household_phone="+923001110002")
    enrol(kafaalat, district=district_a, status="suspended", member_phone="+923001110003")
    enrol(kafaalat, district=district_a)
    enrol(kafaalat, district=district_a, household_phone="042-35761234")
    enrol(other, district=district_a, member_phone="+923001110004")
    return kafaalat


def campaign_form(beneficiaries, **overrides):
    return {"name": "kafaalat-biometric", "programme": beneficiaries.pk, "language": "ur", "use_template": "on",
            "text": ""} | overrides  # fmt: skip


def test_a_campaign_preview_counts_the_active_beneficiaries_with_a_phone_and_shows_the_message(
    client_as, personas, beneficiaries, district_a
):
    client = client_as(personas["programme_officer"])

    everywhere = client.post(CAMPAIGN, campaign_form(beneficiaries, preview="1"))
    in_a = client.post(CAMPAIGN, campaign_form(beneficiaries, preview="1", districts=[district_a.pk]))

    assert everywhere.context["recipients"] == 3  # the landline counts here, and is left out when queued
    assert in_a.context["recipients"] == 2
    assert everywhere.context["preview"] == "احساس کفالت: اس ہفتے شناختی کارڈ کے ساتھ قریبی احساس دفتر آئیں۔"
    assert not Job.objects.filter(kind=CAMPAIGN_KIND).exists()


def test_a_campaign_written_for_the_occasion_with_a_misspelt_placeholder_is_refused(
    client_as, personas, beneficiaries
):
    response = client_as(personas["programme_officer"]).post(
        CAMPAIGN, campaign_form(beneficiaries, use_template="", text="Ehsaas {programe}: come", preview="1")
    )

    assert response.context["form"].errors["text"] == [
        MSG_UNKNOWN_PLACEHOLDER % {"name": "programe", "allowed": "{programme}"}
    ]


def test_a_campaign_sent_queues_one_message_to_each_active_beneficiary_with_a_mobile_once(
    client_as, personas, beneficiaries, district_a
):
    client = client_as(personas["programme_officer"])
    form = campaign_form(beneficiaries, use_template="", text="Ehsaas {programme}: verify your CNIC.",
                         language="en", send="1")  # fmt: skip

    response = client.post(CAMPAIGN, form)
    job = Job.objects.get(kind=CAMPAIGN_KIND)
    queue_campaign_job.call(job.pk)
    client.post(CAMPAIGN, form)  # sent again under the same name
    queue_campaign_job.call(Job.objects.filter(kind=CAMPAIGN_KIND).latest("id").pk)

    job.refresh_from_db()
    assert response.url == reverse("job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"event": "campaign:kafaalat-biometric", "recipients": 3, "queued": 2}
    assert dict(Message.objects.values_list("phone", "text")) == {
        "923001110001": "Ehsaas Kafaalat: verify your CNIC.",
        "923001110002": "Ehsaas Kafaalat: verify your CNIC.",
    }
    assert AuditEvent.objects.filter(action="messaging.campaign_started").count() == 2

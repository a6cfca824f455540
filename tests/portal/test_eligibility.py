"""The answer of the 8171 check: which of the four, for which programmes, and nothing else."""

import json

import pytest
from django.utils import translation

from ehsaas.core.identity import InvalidIdentifier
from ehsaas.portal.choices import EligibilityStatus
from ehsaas.portal.eligibility import eligibility_for_cnic
from ehsaas.portal.messages import MSG_ELIGIBLE, MSG_NOT_ELIGIBLE, MSG_NOT_REGISTERED, MSG_UNDER_REVIEW
from ehsaas.registry.models import Identifier
from tests.portal.households import HOUSEHOLD_NAMES, dashed, unregistered_cnic


def test_a_cnic_nobody_holds_is_not_registered_and_the_answer_says_how_to_register(db):
    answer = eligibility_for_cnic(unregistered_cnic())
    assert answer.status == EligibilityStatus.NOT_REGISTERED
    assert answer.programmes == ()
    assert answer.message == str(MSG_NOT_REGISTERED)
    assert "registration desk" in answer.message


def test_a_member_of_an_enrolled_household_is_eligible_for_its_programmes(registered):
    cnic = registered(enrolled=[("kafaalat", "active"), ("taleemi-wazaif", "potential")])
    answer = eligibility_for_cnic(dashed(cnic))
    assert answer.status == EligibilityStatus.ELIGIBLE
    assert answer.programme_codes == ["taleemi-wazaif", "kafaalat"]
    assert answer.message == MSG_ELIGIBLE % {"programmes": "Education stipends (Taleemi Wazaif), Kafaalat"}
    assert "SMS" in answer.message


def test_the_programmes_are_named_in_urdu_when_the_answer_is_in_urdu(registered):
    cnic = registered(enrolled=[("kafaalat", "active")])
    with translation.override("ur"):
        answer = eligibility_for_cnic(cnic)
        assert answer.programme_names() == ["کفالت"]
        assert "کفالت" in answer.message


def test_a_household_that_waits_for_a_decision_on_a_change_is_under_review(registered):
    answer = eligibility_for_cnic(registered(change_pending=True))
    assert answer.status == EligibilityStatus.UNDER_REVIEW
    assert answer.message == str(MSG_UNDER_REVIEW)


def test_a_household_with_no_score_yet_is_under_review_in_the_same_words(registered):
    answer = eligibility_for_cnic(registered(scored=False))
    assert answer.status == EligibilityStatus.UNDER_REVIEW
    assert answer.message == str(MSG_UNDER_REVIEW)


def test_a_household_whose_only_benefit_is_suspended_is_under_review_with_its_payments_on_hold(registered):
    answer = eligibility_for_cnic(registered(enrolled=[("taleemi-wazaif", "suspended")]))
    assert answer.status == EligibilityStatus.UNDER_REVIEW
    assert answer.on_hold
    assert answer.programme_codes == ["taleemi-wazaif"]
    assert "on hold" in answer.message


def test_an_eligible_household_stays_eligible_while_a_change_waits_and_another_benefit_is_suspended(
    registered,
):
    cnic = registered(enrolled=[("kafaalat", "active"), ("taleemi-wazaif", "suspended")], change_pending=True)
    answer = eligibility_for_cnic(cnic)
    assert answer.status == EligibilityStatus.ELIGIBLE
    assert answer.programme_codes == ["kafaalat"]


def test_a_scored_household_in_no_programme_is_not_eligible_and_may_ask_for_a_re_survey(registered):
    answer = eligibility_for_cnic(registered(score=61.0))
    assert answer.status == EligibilityStatus.NOT_ELIGIBLE
    assert answer.message == str(MSG_NOT_ELIGIBLE)
    assert "re-survey" in answer.message


@pytest.mark.parametrize("status", ["graduated", "exited"])
def test_a_household_that_left_its_programme_is_not_eligible(registered, status):
    assert eligibility_for_cnic(registered(enrolled=[("kafaalat", status)])).status == "not_eligible"


@pytest.mark.parametrize("programme_status", ["draft", "closed"])
def test_a_place_in_a_programme_that_is_not_running_does_not_count(registered, programme_status):
    cnic = registered(enrolled=[("kafaalat", "active")], programme_status=programme_status)
    assert eligibility_for_cnic(cnic).status == "not_eligible"


def test_a_paused_programme_keeps_its_beneficiaries_eligible(registered):
    cnic = registered(enrolled=[("kafaalat", "active")], programme_status="paused")
    assert eligibility_for_cnic(cnic).status == "eligible"


def test_every_member_of_the_household_gets_the_household_s_answer(registered):
    head = registered(enrolled=[("kafaalat", "active")])
    household = Identifier.objects.get(number=head).member.household
    for identifier in Identifier.objects.filter(member__household=household):
        assert eligibility_for_cnic(identifier.number).status == "eligible"


def test_a_number_no_longer_active_is_not_registered(registered):
    cnic = registered(enrolled=[("kafaalat", "active")])
    Identifier.objects.filter(number=cnic).update(active=False)
    assert eligibility_for_cnic(cnic).status == "not_registered"


def test_the_answer_reveals_no_name_no_score_and_no_household_detail(registered):
    cnic = registered(enrolled=[("kafaalat", "active")], score=21.5)
    household = Identifier.objects.get(number=cnic).member.household
    for language in ("en", "ur"):
        with translation.override(language):
            answer = eligibility_for_cnic(cnic)
            said = json.dumps(answer.as_json(), ensure_ascii=False) + answer.sms
        assert set(answer.as_json()) == {"status", "programmes", "message"}
        for secret in [*HOUSEHOLD_NAMES, "21.5", "21,5", household.household_ref, household.address,
                       household.district.name_en, household.district.name_ur]:  # fmt: skip
            assert secret not in said


@pytest.mark.parametrize("typed", ["3520212345", "35202-12345A7-1", "3520-21234567-1", "", "0000000000000"])
def test_a_malformed_cnic_is_refused_before_anything_is_looked_up(db, typed, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(InvalidIdentifier):
        eligibility_for_cnic(typed)


def test_the_check_is_one_query_whatever_the_household(registered, django_assert_num_queries):
    cnic = registered(enrolled=[("kafaalat", "active"), ("taleemi-wazaif", "active")], change_pending=True)
    eligibility_for_cnic(unregistered_cnic())  # on PostgreSQL, the first check prepares the statement
    with django_assert_num_queries(1):
        answer = eligibility_for_cnic(cnic)
    assert answer.programme_codes == ["taleemi-wazaif", "kafaalat"]

"""Who a complaint goes to: the officer of the most specific rule for its district and category, else a
supervisor of its area (one scoped to the district before a nationwide one), sensitive complaints to
investigators, and supervisors giving a complaint to an officer."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from ehsaas.core.choices import Role
from ehsaas.grievances.choices import ComplaintStatus
from ehsaas.grievances.models import AssignmentRule
from ehsaas.grievances.services import ComplaintRefused
from ehsaas.grievances.services.handling import MSG_OFFICER, complaint_assign, complaint_recategorise
from tests.conftest import make_user
from tests.grievances.conftest import category, receive


def test_the_rule_for_the_district_and_category_wins_over_the_district_s_and_the_category_s(
    district_a, officer, other_officer
):
    specialist = make_user("payments_a", Role.GRIEVANCE_OFFICER, districts=[district_a])
    national = make_user("payments_national", Role.GRIEVANCE_OFFICER)
    AssignmentRule.objects.create(
        district=district_a, category=category("payment_not_received"), officer=specialist
    )
    AssignmentRule.objects.create(district=None, category=category("payment_not_received"), officer=national)
    assert receive(district=district_a, code="payment_not_received").assigned_to == specialist
    assert (
        receive(district=district_a, code="biometric_failure").assigned_to == officer
    )  # the district's rule


def test_a_rule_for_every_district_takes_the_category_where_the_district_has_no_rule(district_a, district_b):
    national = make_user("payments_national", Role.GRIEVANCE_OFFICER)
    AssignmentRule.objects.create(district=None, category=category("payment_deduction"), officer=national)
    complaint = receive(district=district_b, code="payment_deduction")
    assert (complaint.assigned_to, complaint.status) == (national, ComplaintStatus.ASSIGNED)


def test_without_a_rule_the_complaint_goes_to_a_supervisor_of_its_district_before_a_nationwide_one(
    district_a, district_b, supervisor, supervisor_b
):
    make_user("national_supervisor", Role.GRIEVANCE_SUPERVISOR)
    complaint = receive(district=district_a)
    assert complaint.assigned_to == complaint.supervisor == supervisor
    assert receive(district=district_b).assigned_to == supervisor_b


def test_with_no_supervisor_of_the_district_a_nationwide_one_takes_it_and_with_none_it_waits(
    district_a, supervisor_b
):
    assert receive(district=district_a).status == ComplaintStatus.RECEIVED  # supervisor_b is elsewhere
    national = make_user("national_supervisor", Role.GRIEVANCE_SUPERVISOR)
    assert receive(district=district_a).assigned_to == national


def test_supervisors_of_an_area_share_its_complaints_the_least_loaded_first(district_a, supervisor):
    second = make_user("supervisor_a2", Role.GRIEVANCE_SUPERVISOR, districts=[district_a])
    given = [receive(district=district_a).assigned_to for _ in range(4)]
    assert given == [supervisor, second, supervisor, second]


def test_a_rule_naming_someone_who_cannot_handle_the_category_is_passed_over(district_a, officer, supervisor):
    # The district's rule names an officer, who may not see harassment: it goes to the area's supervisor…
    # …who may not see it either, so to an investigator of the area.
    investigator = make_user("investigator_a", Role.INVESTIGATOR, districts=[district_a])
    complaint = receive(district=district_a, code="harassment")
    assert complaint.assigned_to == investigator


def test_a_sensitive_complaint_goes_to_the_investigator_the_rules_name(district_a, officer, investigator):
    assert receive(district=district_a, code="fraud").assigned_to == investigator


def test_an_inactive_officer_is_given_nothing(district_a, officer, supervisor):
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert receive(district=district_a).assigned_to == supervisor


def test_a_supervisor_gives_a_complaint_of_the_area_to_an_officer(
    district_a, officer, other_officer, supervisor
):
    complaint = receive(district=district_a)
    complaint_assign(
        acting_user=supervisor, complaint=complaint, officer=other_officer, note="officer_a is on leave"
    )
    complaint.refresh_from_db()
    assert complaint.assigned_to == other_officer
    assert complaint.events.last().note == "officer_a is on leave"


def test_a_supervisor_of_another_area_and_an_officer_cannot_assign(
    district_a, officer, other_officer, supervisor_b
):
    complaint = receive(district=district_a)
    for user in (supervisor_b, officer):
        with pytest.raises(PermissionDenied):
            complaint_assign(acting_user=user, complaint=complaint, officer=other_officer)


def test_a_sensitive_complaint_cannot_be_given_to_an_officer(district_a, officer, investigator):
    chief = make_user("chief_investigator", Role.GRIEVANCE_SUPERVISOR, districts=[district_a])
    chief.groups.add(Group.objects.get(name=Role.INVESTIGATOR.value))
    complaint = receive(district=district_a, code="harassment")
    with pytest.raises(ComplaintRefused) as refused:
        complaint_assign(acting_user=chief, complaint=complaint, officer=officer)
    assert refused.value.messages == [str(MSG_OFFICER % {"officer": officer})]


def test_an_sms_complaint_put_in_a_sensitive_category_leaves_the_officer_for_an_investigator(
    district_a, officer, investigator
):
    complaint = receive(district=district_a, code="other")
    assert complaint.assigned_to == officer
    complaint_recategorise(
        acting_user=officer, complaint=complaint, category=category("harassment"), note="about an agent"
    )
    complaint.refresh_from_db()
    assert (complaint.category.code, complaint.assigned_to) == ("harassment", investigator)
    assert complaint.due_at == complaint.received_at + timedelta(days=7)

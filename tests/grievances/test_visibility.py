"""Who sees which complaint: sensitive categories only investigators; supervisors their area; officers
what they have and what nobody has yet in their area; auditors read; the other roles nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from ehsaas.core.choices import Role
from ehsaas.grievances.models import Complaint
from ehsaas.grievances.selectors import complaints_for_user
from tests.conftest import make_user
from tests.grievances.conftest import receive


def seen(user) -> set[str]:
    return set(complaints_for_user(user=user).values_list("tracking_number", flat=True))


@pytest.fixture
def complaints(district_a, district_b, officer, investigator):
    """An ordinary and a sensitive complaint in district_a (given by the rules to officer and
    investigator), and an ordinary one in district_b that nobody has yet."""
    return {
        "payment_a": receive(district=district_a).tracking_number,
        "harassment_a": receive(district=district_a, code="harassment").tracking_number,
        "payment_b": receive(district=district_b).tracking_number,
    }


def test_a_sensitive_complaint_is_seen_only_by_investigators(
    complaints, personas, supervisor, officer, investigator
):
    for user in (
        personas["administrator"],
        personas["grievance_supervisor"],
        personas["auditor"],
        supervisor,
        officer,
    ):
        assert complaints["harassment_a"] not in seen(user)
    assert complaints["harassment_a"] in seen(investigator)
    assert complaints["harassment_a"] in seen(personas["investigator"])


def test_investigators_see_no_ordinary_complaint(complaints, investigator):
    assert seen(investigator) == {complaints["harassment_a"]}


def test_a_supervisor_sees_the_complaints_of_their_area_and_a_nationwide_one_all(
    complaints, supervisor, supervisor_b, personas
):
    assert seen(supervisor) == {complaints["payment_a"]}
    assert seen(supervisor_b) == {complaints["payment_b"]}
    assert seen(personas["grievance_supervisor"]) == {complaints["payment_a"], complaints["payment_b"]}


def test_an_officer_sees_what_they_have_and_what_nobody_has_in_their_area(
    complaints, officer, other_officer, district_b
):
    assert seen(officer) == {complaints["payment_a"]}
    assert seen(other_officer) == set()  # officer has the one in district_a
    officer_b = make_user("officer_b", Role.GRIEVANCE_OFFICER, districts=[district_b])
    assert seen(officer_b) == {complaints["payment_b"]}  # nobody has it yet: to take up


def test_an_escalated_complaint_is_seen_by_the_supervisor_it_went_to_even_from_elsewhere(
    complaints, supervisor_b
):
    Complaint.objects.filter(tracking_number=complaints["payment_a"]).update(supervisor=supervisor_b)
    assert complaints["payment_a"] in seen(supervisor_b)


def test_auditors_and_administrators_read_every_ordinary_complaint(complaints, personas):
    for role in ("auditor", "administrator"):
        assert seen(personas[role]) == {complaints["payment_a"], complaints["payment_b"]}


@pytest.mark.parametrize(
    "role",
    ["programme_officer", "finance_officer", "me_analyst", "partner", "registration_officer", "no_role"],
)
def test_other_roles_see_no_complaint(complaints, personas, role):
    with pytest.raises(PermissionDenied):
        complaints_for_user(user=personas[role])

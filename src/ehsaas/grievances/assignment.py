"""Who a complaint goes to: the officer the assignment rules name for its district and category, or,
when no rule names someone able to handle it, a supervisor of its area; and the supervisor it is
escalated or appealed to. The rules and supervisors are read once for a batch (a town-hall meeting's
complaints, a run of the escalation)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from ehsaas.core.access import district_scope
from ehsaas.core.choices import Role
from ehsaas.core.models import StaffScope
from ehsaas.grievances.choices import OPEN_STATUSES
from ehsaas.grievances.models import AssignmentRule, Category

HANDLE = "grievances.handle_complaint"
SUPERVISE = "grievances.supervise_complaints"
SENSITIVE = "grievances.view_sensitive_complaint"
ORDINARY = "grievances.view_complaint"


def may_see_category(user, category: Category) -> bool:
    return user.has_perm(SENSITIVE if category.sensitive else ORDINARY)


def may_handle(user, category: Category) -> bool:
    """Whether `user` may be given complaints of `category`: an active handler who may see it."""
    return user.is_active and user.has_perm(HANDLE) and may_see_category(user, category)


def covers(user, district_id: int | None) -> bool:
    """Whether the district is in the user's area (nationwide staff cover every district, and the
    complaints whose district is not known)."""
    scope = district_scope(user)
    return scope is None or (district_id is not None and district_id in scope)


class Assigner:
    """The assignment rules and the supervisors of each area, read once."""

    def __init__(self):
        self.rules = {
            (rule.district_id, rule.category_id): rule.officer
            for rule in AssignmentRule.objects.select_related("officer")
        }
        self._area_staff: dict[tuple[str, int | None], list] = {}

    def officer_for(self, *, district_id: int | None, category: Category):
        """The officer of the most specific rule able to handle the complaint, or None."""
        keys = ((district_id, category.pk), (district_id, None), (None, category.pk), (None, None))
        for key in dict.fromkeys(keys):  # without a district the first two are the last two
            officer = self.rules.get(key)
            if officer is not None and may_handle(officer, category):
                return officer
        return None

    def supervisor_for(self, *, district_id: int | None, category: Category, excluding=None):
        """A supervisor of the area able to see the complaint: one whose districts include it before a
        nationwide one, the least loaded first. A sensitive complaint with no such supervisor goes to an
        investigator of the area. None when there is nobody."""
        roles = [Role.GRIEVANCE_SUPERVISOR] + ([Role.INVESTIGATOR] if category.sensitive else [])
        for role in roles:
            for user in self._staff(role, district_id):
                if user != excluding and may_handle(user, category):
                    return user
        return None

    def route(self, *, district_id: int | None, category: Category):
        """(who handles it, the supervisor it went to): the rule's officer, else a supervisor."""
        officer = self.officer_for(district_id=district_id, category=category)
        if officer is not None:
            return officer, None
        supervisor = self.supervisor_for(district_id=district_id, category=category)
        return supervisor, supervisor

    def _staff(self, role: Role, district_id: int | None) -> list:
        key = (role.value, district_id)
        if key not in self._area_staff:
            self._area_staff[key] = list(area_staff(role, district_id))
        return self._area_staff[key]


def area_staff(role: Role, district_id: int | None):
    """Active users of `role` whose area covers the district: those scoped to it first, then the
    nationwide ones (no district listed), each by the open complaints they hold, fewest first."""
    scoped_to = StaffScope.districts.through.objects.filter(staffscope__user=OuterRef("pk"))
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role.value)
        .annotate(
            here=Exists(scoped_to.filter(district_id=district_id)),
            scoped=Exists(scoped_to),
            load=Count("complaints_assigned", filter=Q(complaints_assigned__status__in=OPEN_STATUSES)),
        )
        .filter(Q(here=True) | Q(scoped=False))
        .order_by("-here", "load", "pk")
    )
    return users

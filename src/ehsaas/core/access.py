"""Who may see what. Partner users are scoped to districts (StaffScope); other staff work nationwide.

Protected records are fetched through the permission-checked fetchers of each app, which use these
helpers; nothing else decides scope.
"""

from django.contrib.auth.models import AnonymousUser

from ehsaas.core.choices import Role


def has_role(user, role: Role) -> bool:
    return user.is_authenticated and user.groups.filter(name=role.value).exists()


def district_scope(user) -> set[int] | None:
    """The districts a user is limited to, or None for nationwide access.

    A partner user always has a scope: with no districts assigned they see nothing, never everything.
    """
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    scope = getattr(user, "scope", None)
    district_ids = set(scope.districts.values_list("id", flat=True)) if scope is not None else set()
    if has_role(user, Role.PARTNER):
        return district_ids
    return district_ids or None

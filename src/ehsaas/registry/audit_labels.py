"""What each audit action of the registry is called where people read a history."""

from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "household.registered": gettext_lazy("Registered by hand"),
    "household.imported": gettext_lazy("Imported from a survey file"),
    "household.reimported": gettext_lazy("Updated from a survey file"),
    "household.corrected": gettext_lazy("Household corrected"),
    "member.added": gettext_lazy("Member added"),
    "member.corrected": gettext_lazy("Member corrected"),
    "member.removed": gettext_lazy("Member removed"),
    "member.moved": gettext_lazy("Member moved"),
    "head.changed": gettext_lazy("Head changed"),
    "change.requested": gettext_lazy("Change requested"),
    "change.approved": gettext_lazy("Change approved"),
    "change.rejected": gettext_lazy("Change rejected"),
    "duplicate.merged": gettext_lazy("Duplicates merged"),
    "duplicate.dismissed": gettext_lazy("Duplicate dismissed"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))

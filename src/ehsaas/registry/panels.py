"""Panels that apps downstream of the registry add to a household's page (its poverty score, its
programmes, its payments), registered when Django starts (`AppConfig.ready`), so that the registry
shows them without importing the apps that provide them.

A panel's `context` is called with the household and the user viewing it, and returns the context its
template is rendered with, or None when the panel has nothing to show that user (no permission, no data).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HouseholdPanel:
    code: str
    template: str
    context: Callable[..., dict | None]  # context(*, household, user)
    order: int = 100  # lower comes first


HOUSEHOLD_PANELS: dict[str, HouseholdPanel] = {}


def register_household_panel(panel: HouseholdPanel) -> None:
    HOUSEHOLD_PANELS[panel.code] = panel


def household_panels(*, household, user) -> list[tuple[str, dict]]:
    """The (template, context) of each panel that has something to show this user, in order."""
    shown = []
    for panel in sorted(HOUSEHOLD_PANELS.values(), key=lambda panel: (panel.order, panel.code)):
        context = panel.context(household=household, user=user)
        if context is not None:
            shown.append((panel.template, context))
    return shown

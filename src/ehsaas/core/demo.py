"""What each app adds to the demo (`ehsaas demo-data`), once the population is imported and the accounts
exist: scores, an enrolled programme, complaints and so on. An app registers its step when Django starts
(`AppConfig.ready`), so that the demo command, which lives low in the delivery chain, runs the steps of
apps above it without importing them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[], str]  # does the step; returns one line saying what it did
    order: int = 100  # steps run in this order: a programme is enrolled after households are scored


_steps: dict[str, DemoStep] = {}


def register_demo_step(step: DemoStep) -> None:
    _steps[step.name] = step


def demo_steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))

"""What the collection part of payments registers when Django starts: the demo's payment points and
agent; called from PaymentsConfig.ready."""

from ehsaas.core.demo import DemoStep, register_demo_step
from ehsaas.payments.collection.demo import demo_payment_points


def connect() -> None:
    register_demo_step(DemoStep("payments.points", demo_payment_points, order=45))

"""A programme's payment rules as the payment steps read them."""

from ehsaas.payments.models import PaymentPolicy


def payment_policy_of(programme_id: int) -> PaymentPolicy:
    """The programme's payment rules; a programme that has none yet follows the defaults (an unsaved
    PaymentPolicy, so that the defaults are written once, on the model)."""
    return PaymentPolicy.objects.filter(programme_id=programme_id).first() or PaymentPolicy(
        programme_id=programme_id
    )

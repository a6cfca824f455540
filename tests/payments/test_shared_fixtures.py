from ehsaas.payments.choices import Channel
from ehsaas.payments.models import PaymentAccount


def test_the_shared_women_are_paid_through_every_channel(women):
    channels = set(PaymentAccount.objects.values_list("channel", flat=True))
    assert channels == {Channel.BANK, Channel.WALLET, Channel.CASH}
    assert len(women.active) == 5

"""The SMS check through a real gateway: Kannel with its fake SMS centre (tests/kannel.py), calling
/sms/inbound of a live server as its sms-service get-url. Skipped where Kannel is not installed."""

import pytest
from django.utils import translation

from ehsaas.portal.eligibility import eligibility_for_cnic
from tests.kannel import kannel_running
from tests.portal.households import household_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gateway(tmp_path, live_server):
    with kannel_running(tmp_path, server=live_server.url) as kannel:
        yield kannel


def test_an_urdu_sms_through_kannel_is_answered_in_urdu_that_survives_the_gateway(gateway, reference_data):
    cnic = household_in(enrolled=[("kafaalat", "active")])
    with translation.override("ur"):
        in_urdu = eligibility_for_cnic(cnic).sms

    assert gateway.send("03001234567", f"اہلیت {cnic}") == in_urdu
    assert gateway.send("03001234568", cnic) == eligibility_for_cnic(cnic).sms

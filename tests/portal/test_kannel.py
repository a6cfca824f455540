"""The SMS check through a real gateway: Kannel (Debian's `kannel`, `kannel-extras`) with its fake SMS
centre, calling /sms/inbound of a live server as its sms-service get-url, as RECIPES.md sets it up.
Skipped where Kannel is not installed."""

import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.utils import translation

from ehsaas.portal.eligibility import eligibility_for_cnic
from tests.portal.households import household_in

pytestmark = pytest.mark.django_db(transaction=True)

BEARERBOX = shutil.which("bearerbox") or "/usr/sbin/bearerbox"
SMSBOX = shutil.which("smsbox") or "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"

CONF = """
group = core
admin-port = {admin}
admin-password = adminpw
admin-interface = 127.0.0.1
smsbox-port = {smsbox}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "{folder}/bearerbox.log"

group = smsc
smsc = fake
smsc-id = FAKE
host = 127.0.0.1
port = {smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
mo-recode = true
log-file = "{folder}/smsbox.log"

group = sms-service
keyword = default
catch-all = true
get-url = "{server}/sms/inbound?from=%p&text=%a&to=%P"
max-messages = 3
concatenation = true
accept-x-kannel-headers = true
"""


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for probe in sockets:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in sockets]
    for probe in sockets:
        probe.close()
    return ports


def wait_until(ready, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise AssertionError("Kannel did not start in time")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own gateway on loopback
            return True
    except OSError:
        return False


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start(box: str, conf: Path) -> subprocess.Popen:
    # Kannel's own programs, on a configuration this test wrote.
    return subprocess.Popen([box, str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


@pytest.fixture
def gateway(tmp_path, live_server):
    """Kannel's bearerbox and smsbox, sending every message to the live server; yields the fake SMS
    centre's port."""
    if not (Path(BEARERBOX).exists() and Path(SMSBOX).exists() and Path(FAKESMSC).exists()):
        pytest.skip("Kannel is not installed (apt-get install kannel kannel-extras)")
    admin, smsbox, smsc, sendsms = free_ports(4)
    conf = tmp_path / "kannel.conf"
    conf.write_text(CONF.format(admin=admin, smsbox=smsbox, smsc=smsc, sendsms=sendsms, folder=tmp_path,
                                server=live_server.url))  # fmt: skip
    boxes = []
    try:
        boxes.append(start(BEARERBOX, conf))
        wait_until(lambda: answers(f"http://127.0.0.1:{admin}/status.txt?password=adminpw"))
        boxes.append(start(SMSBOX, conf))
        wait_until(lambda: listening(sendsms))
        yield smsc
    finally:
        for box in reversed(boxes):
            box.terminate()
            box.wait(timeout=10)


def send(smsc: int, sender: str, text: str, tmp_path) -> str:
    """A citizen's message through the fake SMS centre; the reply it receives, decoded."""
    log = tmp_path / f"fakesmsc-{time.monotonic_ns()}.log"
    with log.open("wb") as out:
        phone = subprocess.Popen(  # noqa: S603 - the fake SMS centre, with a message this test wrote
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(smsc), "-m", "1", f"{sender} 8171 text {text}"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until(lambda: b"Got message" in log.read_bytes(), seconds=15)
        finally:
            phone.terminate()  # it waits for more messages until stopped
            phone.wait(timeout=10)
    line = next(line for line in log.read_text(errors="replace").splitlines() if "Got message" in line)
    coding, body = line.split("<", 1)[1].rstrip(">").split(" ", 3)[2:]
    return (
        urllib.parse.unquote_to_bytes(body.replace("+", "%20")).decode("utf-16-be")
        if coding == "ucs-2"
        else body
    )


def test_an_urdu_sms_through_kannel_is_answered_in_urdu_that_survives_the_gateway(
    gateway, tmp_path, reference_data
):
    cnic = household_in(enrolled=[("kafaalat", "active")])
    with translation.override("ur"):
        in_urdu = eligibility_for_cnic(cnic).sms

    assert send(gateway, "03001234567", f"اہلیت {cnic}", tmp_path) == in_urdu
    assert send(gateway, "03001234568", cnic, tmp_path) == eligibility_for_cnic(cnic).sms

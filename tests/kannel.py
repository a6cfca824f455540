"""A real SMS gateway for tests: Kannel (Debian's `kannel`, `kannel-extras`) with its fake SMS centre,
set up as RECIPES.md describes, on free ports of 127.0.0.1.

    with kannel_running(tmp_path, server=live_server.url) as kannel:
        reply = kannel.send("03001234567", "8171 text")        # a citizen's SMS; the reply, decoded
        kannel.sendsms_url, kannel.username, kannel.password   # where the platform sends outbound SMS
        kannel.wait_for_received(lambda sms: sms.receiver == "923001234567")  # what a phone got

Kannel's sms-service calls `{server}/sms/inbound?from=%p&text=%a&to=%P` for each citizen's message. The
fake SMS centre takes one client at a time, so the harness keeps one `fakesmsc` connected to receive
outbound messages and, to send a citizen's message, stops it, sends through a fresh one and connects a
listening one again. Everything the SMS centre received, replies and outbound messages alike, is read
back from their logs. `kannel_running` skips the test where Kannel is not installed.
"""

import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BEARERBOX = shutil.which("bearerbox") or "/usr/sbin/bearerbox"
SMSBOX = shutil.which("smsbox") or "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
USERNAME, PASSWORD = "platform", "secret"

CONF = """
group = core
admin-port = {admin}
admin-password = adminpw
admin-interface = 127.0.0.1
smsbox-port = {smsbox}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "{folder}/bearerbox.log"
dlr-storage = internal

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

group = sendsms-user
username = {username}
password = {password}
max-messages = 3
concatenation = true

group = sms-service
keyword = default
catch-all = true
get-url = "{server}/sms/inbound?from=%p&text=%a&to=%P"
max-messages = 3
concatenation = true
accept-x-kannel-headers = true
"""


def installed() -> bool:
    return all(Path(program).exists() for program in (BEARERBOX, SMSBOX, FAKESMSC))


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for probe in sockets:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in sockets]
    for probe in sockets:
        probe.close()
    return ports


def wait_until(ready: Callable[[], object], seconds: float = 10, what: str = "Kannel to start"):
    """Poll `ready` until it returns something true, and return that."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = ready()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"Waited {seconds} s for {what} in vain")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our own gateway on loopback
            return True
    except OSError:
        return False


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _start(arguments: list[str], log: Path | None = None) -> subprocess.Popen:
    # Kannel's own programs, on a configuration (or a message) the test wrote.
    if log is None:
        return subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    with log.open("ab") as out:
        return subprocess.Popen(arguments, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Received:
    """A message the fake SMS centre received (a reply, or an outbound SMS), its text decoded."""

    sender: str
    receiver: str
    coding: str
    text: str


def _decode(line: str) -> Received:
    # fakesmsc logs `Got message N: <sender receiver coding text>`, the text URL-encoded (UCS-2 big-endian
    # bytes for ucs-2, and + for a space).
    sender, receiver, coding, body = line.split("<", 1)[1].rstrip(">").split(" ", 3)
    raw = urllib.parse.unquote_to_bytes(body.replace("+", "%20"))
    text = raw.decode("utf-16-be") if coding == "ucs-2" else raw.decode("utf-8", errors="replace")
    return Received(sender=sender, receiver=receiver, coding=coding, text=text)


@dataclass
class Kannel:
    """A running bearerbox and smsbox, and the fake SMS centre's clients."""

    folder: Path
    admin: int
    smsbox: int
    smsc: int
    sendsms: int
    username: str = USERNAME
    password: str = PASSWORD
    _listener: subprocess.Popen | None = None
    _logs: list[Path] = field(default_factory=list)

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms}/cgi-bin/sendsms"

    def _log(self) -> Path:
        log = self.folder / f"fakesmsc-{len(self._logs)}.log"
        self._logs.append(log)
        return log

    def listen(self) -> None:
        """Connect a fake SMS centre client that only receives (outbound messages reach it)."""
        if self._listener is None:
            log = self._log()
            self._listener = _start(
                [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc), "-m", "0", "1 2 text -"], log
            )
            wait_until(lambda: b"Connecting" in log.read_bytes(), what="the fake SMS centre to connect")

    def stop_listening(self) -> None:
        if self._listener is not None:
            _stop(self._listener)
            self._listener = None

    def received(self) -> list[Received]:
        """Every message the SMS centre has received so far, oldest first."""
        return [
            _decode(line)
            for log in self._logs
            if log.exists()
            for line in log.read_text(errors="replace").splitlines()
            if "Got message" in line
        ]

    def wait_for_received(self, matches: Callable[[Received], bool], seconds: float = 15) -> Received:
        """The first message received that `matches`, waiting for it if it has not arrived yet."""
        return wait_until(
            lambda: next((sms for sms in self.received() if matches(sms)), None),
            seconds=seconds,
            what="a message at the fake SMS centre",
        )

    def send(self, sender: str, text: str, *, to: str = "8171", seconds: float = 15) -> str:
        """A citizen's SMS from `sender` to `to` through the fake SMS centre; the reply it receives,
        decoded (the first message to `sender` received after it was sent)."""
        self.stop_listening()
        before = len(self.received())
        log = self._log()
        phone = _start(
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc), "-m", "1", f"{sender} {to} text {text}"], log
        )
        try:
            reply = wait_until(
                lambda: next((sms for sms in self.received()[before:] if sms.receiver == sender), None),
                seconds=seconds,
                what=f"the reply to {sender}",
            )
        finally:
            _stop(phone)  # it waits for more messages until stopped
        self.listen()
        return reply.text


@contextmanager
def kannel_running(folder: Path, *, server: str) -> Iterator[Kannel]:
    """Kannel's bearerbox and smsbox with the fake SMS centre listening, sending every citizen's message
    to `server`/sms/inbound; stopped on leaving. Skips the test where Kannel is not installed."""
    if not installed():
        pytest.skip("Kannel is not installed (apt-get install kannel kannel-extras)")
    admin, smsbox, smsc, sendsms = free_ports(4)
    conf = folder / "kannel.conf"
    conf.write_text(CONF.format(admin=admin, smsbox=smsbox, smsc=smsc, sendsms=sendsms, folder=folder,
                                server=server.rstrip("/"), username=USERNAME, password=PASSWORD))  # fmt: skip
    kannel = Kannel(folder=folder, admin=admin, smsbox=smsbox, smsc=smsc, sendsms=sendsms)
    boxes = []
    try:
        boxes.append(_start([BEARERBOX, str(conf)]))
        wait_until(lambda: answers(f"http://127.0.0.1:{admin}/status.txt?password=adminpw"))
        boxes.append(_start([SMSBOX, str(conf)]))
        wait_until(lambda: listening(sendsms))
        kannel.listen()
        yield kannel
    finally:
        kannel.stop_listening()
        for box in reversed(boxes):
            _stop(box)

"""The `{signature, header, message}` envelope of every DCI message: checking what a client sent, and
signing what we send back.

A request is refused, before anything is done, with the standard's `Error` codes and an HTTP status:

| refusal                                          | code                       | HTTP |
|--------------------------------------------------|----------------------------|------|
| not JSON, no header or message, wrong shape      | err.request.bad            | 400  |
| no signature                                     | err.signature.missing      | 401  |
| sender_id not a registered client                | err.sender_id.invalid      | 401  |
| signature malformed, expired or not matching     | err.signature.invalid      | 401  |
| client switched off                              | err.request.forbidden      | 403  |
| receiver_id not ours                             | err.receiver_id.invalid    | 400  |
| version other than 1.0.0                         | err.version.not_supported  | 400  |
| encrypted message (not supported)                | err.encryption.invalid     | 400  |
| message_ts too old or in the future              | err.request.bad            | 400  |
| message_id already received from this client     | err.request.bad            | 409  |
| callback URI outside the client's registered one | err.sender_uri.invalid     | 400  |

The body of a refusal is the standard's acknowledgement with `ack_status` "ERR" and its `error` object.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.api import signing
from ehsaas.api.models import DciClient
from ehsaas.api.selectors import client_by_sender_id

VERSION = "1.0.0"

MSG_NOT_JSON = _("the body is not a JSON object")
MSG_NO_HEADER = _("the envelope needs a header object with a sender_id, and a message")
MSG_NO_SIGNATURE = _("the message is not signed: the envelope has no signature")
MSG_UNKNOWN_SENDER = _("sender_id “%(sender)s” is not a registered client")
MSG_BAD_SIGNATURE = _("the signature does not match the header and message, or has expired")
MSG_CLIENT_OFF = _("this client is switched off")
MSG_WRONG_ACTION = _("header.action must be “%(expected)s” at this endpoint, not “%(action)s”")
MSG_WRONG_RECEIVER = _("receiver_id “%(receiver)s” is not this registry (%(ours)s)")
MSG_VERSION = _("version %(version)s is not supported; use %(supported)s")
MSG_ENCRYPTED = _("encrypted messages are not supported; send is_msg_encrypted false")
MSG_STALE = _("rjct.message_ts.invalid: message_ts must be within %(seconds)d seconds of now")
MSG_DUPLICATE = _("rjct.message_id.duplicate: message_id “%(message_id)s” was already received")
MSG_SENDER_URI = _("the callback URI must start with the client's registered callback URI")
MSG_NO_KEY = _("the registry has no DCI signing key at %(path)s: run `ehsaas dci keygen`")


class DciError(Exception):
    """A refused DCI request: the standard's error code, a message saying why, and the HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class Authenticated:
    client: DciClient
    header: dict
    message: object
    message_ts: datetime


def _parse_ts(raw) -> datetime | None:
    try:
        value = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def read_envelope(body: bytes) -> dict:
    try:
        envelope = json.loads(body)
    except ValueError:
        raise DciError("err.request.bad", _g(MSG_NOT_JSON)) from None
    if not isinstance(envelope, dict):
        raise DciError("err.request.bad", _g(MSG_NOT_JSON))
    header = envelope.get("header")
    if (
        not isinstance(header, dict)
        or not isinstance(header.get("sender_id"), str)
        or "message" not in envelope
    ):
        raise DciError("err.request.bad", _g(MSG_NO_HEADER))
    return envelope


def authenticate_envelope(envelope: dict) -> DciClient:
    """The registered, active client whose key signed this envelope's header and message."""
    header = envelope["header"]
    signature = envelope.get("signature")
    if not signature:
        raise DciError("err.signature.missing", _g(MSG_NO_SIGNATURE), 401)
    client = client_by_sender_id(header["sender_id"])
    if client is None:
        raise DciError("err.sender_id.invalid", _g(MSG_UNKNOWN_SENDER) % {"sender": header["sender_id"]}, 401)
    try:
        signing.verify(signature, header, envelope["message"], public_key=_client_key(client.public_key))
    except (signing.SignatureMissing, signing.SignatureInvalid, ValueError):
        raise DciError("err.signature.invalid", _g(MSG_BAD_SIGNATURE), 401) from None
    if not client.active:
        raise DciError("err.request.forbidden", _g(MSG_CLIENT_OFF), 403)
    return client


@lru_cache(maxsize=256)
def _client_key(text: str):
    return signing.load_public_key_text(text)


def authenticate(body: bytes, *, action: str) -> Authenticated:
    """Check a request's envelope; raise DciError for the first thing wrong with it."""
    envelope = read_envelope(body)
    client = authenticate_envelope(envelope)
    header = envelope["header"]
    if header.get("action") != action:
        raise DciError(
            "err.request.bad", _g(MSG_WRONG_ACTION) % {"expected": action, "action": header.get("action")}
        )
    receiver = header.get("receiver_id")
    if receiver and receiver != settings.DCI_REGISTRY_ID:
        raise DciError(
            "err.receiver_id.invalid",
            _g(MSG_WRONG_RECEIVER) % {"receiver": receiver, "ours": settings.DCI_REGISTRY_ID},
        )
    version = header.get("version", VERSION)
    if version != VERSION:
        raise DciError(
            "err.version.not_supported", _g(MSG_VERSION) % {"version": version, "supported": VERSION}
        )
    if header.get("is_msg_encrypted"):
        raise DciError("err.encryption.invalid", _g(MSG_ENCRYPTED))
    message_ts = _parse_ts(header.get("message_ts"))
    max_age = settings.DCI_MESSAGE_MAX_AGE
    now = timezone.now()
    if message_ts is None or not (
        now - timedelta(seconds=max_age) <= message_ts <= now + timedelta(seconds=30)
    ):
        raise DciError("err.request.bad", _g(MSG_STALE) % {"seconds": max_age})
    return Authenticated(client=client, header=header, message=envelope["message"], message_ts=message_ts)


def callback_uri(client: DciClient, header: dict) -> str:
    """Where to send an asynchronous answer: the header's sender_uri, or the client's registered URI."""
    uri = header.get("sender_uri") or client.callback_uri
    if not client.callback_uri or not uri.startswith(client.callback_uri):
        raise DciError("err.sender_uri.invalid", _g(MSG_SENDER_URI))
    return uri


# --- what we send --------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _key_from(path: str, mtime: float):
    return signing.load_private_key_pem(Path(path).read_bytes())


def our_key():
    """The registry's signing key, from DCI_SIGNING_KEY_FILE (made by `ehsaas dci keygen`)."""
    path = Path(settings.DCI_SIGNING_KEY_FILE)
    if not path.exists():
        raise ImproperlyConfigured(_g(MSG_NO_KEY) % {"path": path})
    return _key_from(str(path), path.stat().st_mtime)


def our_key_id() -> str:
    return f"{settings.DCI_REGISTRY_ID}|{signing.public_key_text(our_key())[:16]}|{signing.ALGORITHM}"


def now_text() -> str:
    return timezone.now().isoformat()


def signed(*, action: str, receiver_id: str, message: dict, status: str = "succ", count: int = 1) -> dict:
    """An envelope from us, signed with our key: a callback header (`MsgCallbackHeader_V1.0.0`)."""
    header = {
        "version": VERSION,
        "message_id": uuid.uuid4().hex,
        "message_ts": now_text(),
        "action": action,
        "status": status,
        "total_count": count,
        "completed_count": count,
        "sender_id": settings.DCI_REGISTRY_ID,
        "receiver_id": receiver_id,
        "is_msg_encrypted": False,
    }
    signature = signing.sign(header, message, private_key=our_key(), key_id=our_key_id())
    return {"signature": signature, "header": header, "message": message}


def json_response(payload: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json"
    )


def acknowledgement(*, receiver_id: str, correlation_id: str) -> dict:
    """The standard's acknowledgement of an asynchronous request, in a signed envelope."""
    message = {"ack_status": "ACK", "timestamp": now_text(), "correlation_id": correlation_id}
    return signed(action="ack", receiver_id=receiver_id, message=message)


def error_body(error: DciError) -> dict:
    """A refusal: the standard's acknowledgement with ack_status ERR. Not signed: a refused request may
    come from anyone, and signing whatever a stranger sends would make us an oracle."""
    return {
        "message": {
            "ack_status": "ERR",
            "timestamp": now_text(),
            "error": {"code": error.code, "message": error.message},
            "correlation_id": "",
        }
    }

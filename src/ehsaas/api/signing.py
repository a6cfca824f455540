"""Signing and verifying DCI messages with ed25519.

The SPDCI standard (Social Registry API v1.0.0, `MsgSignature`) says the signature is "of {header}+{message}
body verified using sender's signing public key" and shows it as an HTTP-signature-like string:

    Signature: namespace="spdci", kidId="{sender_id}|{unique_key_id}|{algorithm}", algorithm="ed25519",
    created="1606970629", expires="1607030629", headers="(created) (expires) digest",
    signature="Base64(signing content)"

We follow that string exactly, and fix the parts the standard leaves open:

* the digest is `BLAKE-512=` + base64 of the BLAKE2b-512 hash of the canonical JSON of
  `{"header": …, "message": …}`: keys sorted, no whitespace (`","` and `":"`), UTF-8, non-ASCII kept
  as is; so the signature does not depend on how either side spaced or ordered its JSON;
* the signing content is the three lines `(created): <created>`, `(expires): <expires>`,
  `digest: BLAKE-512=<digest>` joined by a newline, the content the `headers` parameter names;
* the signature is ed25519 over those bytes, base64 encoded.

A signature is valid only between `created` and `expires` (with a small clock skew allowed).
"""

import base64
import hashlib
import json
import re
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "ed25519"
SIGNED_HEADERS = "(created) (expires) digest"
CLOCK_SKEW_SECONDS = 30
_PARAM = re.compile(r'([A-Za-z]+)="([^"]*)"')


class SignatureMissing(ValueError):
    """The envelope carries no signature."""


class SignatureInvalid(ValueError):
    """The signature is malformed, expired, or does not match the message and key."""


def canonical_json(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(header: dict, message) -> str:
    hashed = hashlib.blake2b(canonical_json({"header": header, "message": message}), digest_size=64)
    return "BLAKE-512=" + base64.b64encode(hashed.digest()).decode()


def signing_content(created: int, expires: int, digest_value: str) -> bytes:
    return f"(created): {created}\n(expires): {expires}\ndigest: {digest_value}".encode()


def sign(header: dict, message, *, private_key: Ed25519PrivateKey, key_id: str, ttl: int = 300) -> str:
    """The `signature` value for an envelope of `header` and `message`. `key_id` is
    `{sender_id}|{unique_key_id}|ed25519` as the standard writes it."""
    created = int(time.time())
    expires = created + ttl
    raw = private_key.sign(signing_content(created, expires, digest(header, message)))
    return (
        f'Signature: namespace="spdci", kidId="{key_id}", algorithm="{ALGORITHM}", '
        f'created="{created}", expires="{expires}", headers="{SIGNED_HEADERS}", '
        f'signature="{base64.b64encode(raw).decode()}"'
    )


@dataclass(frozen=True)
class SignatureParts:
    key_id: str
    created: int
    expires: int
    signature: bytes


def parse(signature: str | None) -> SignatureParts:
    if not signature or not isinstance(signature, str):
        raise SignatureMissing
    params = dict(_PARAM.findall(signature))
    try:
        if params["algorithm"] != ALGORITHM or params["headers"] != SIGNED_HEADERS:
            raise SignatureInvalid
        return SignatureParts(
            key_id=params["kidId"],
            created=int(params["created"]),
            expires=int(params["expires"]),
            signature=base64.b64decode(params["signature"], validate=True),
        )
    except (KeyError, ValueError) as error:
        raise SignatureInvalid from error


def verify(signature: str | None, header: dict, message, *, public_key: Ed25519PublicKey) -> SignatureParts:
    """Check `signature` over `header` and `message`; raise SignatureMissing or SignatureInvalid."""
    parts = parse(signature)
    now = time.time()
    if parts.created > now + CLOCK_SKEW_SECONDS or parts.expires < now - CLOCK_SKEW_SECONDS:
        raise SignatureInvalid
    try:
        public_key.verify(
            parts.signature, signing_content(parts.created, parts.expires, digest(header, message))
        )
    except InvalidSignature as error:
        raise SignatureInvalid from error
    return parts


def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key_pem(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an ed25519 private key")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The 32 raw bytes of the public key, base64: the form clients are registered with."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def load_public_key_text(text: str) -> Ed25519PublicKey:
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError("an ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)

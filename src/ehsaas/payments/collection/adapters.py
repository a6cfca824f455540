"""Biometric verification providers. An agent's device scans a fingerprint with the provider (NADRA's
biometric verification service in production) and sends us the provider's reference for that result;
before paying out we ask the provider, through an adapter, whether that reference is genuine, for that
CNIC, and whether it matched. The adapter is chosen by the BIOMETRIC_VERIFIER setting.

The shipped adapter is a simulator (`SimulatedBiometricVerifier`), for the demo and tests only: it
accepts the references its own `scan` made (signed with SECRET_KEY) and refuses any other."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Verification:
    """What the provider says of a reference: whether the fingerprint matched the CNIC's holder."""

    matched: bool
    reference: str


class VerificationNotGenuine(Exception):
    """The provider does not know the reference, or it was made for another CNIC."""


class BiometricVerifier:
    """The interface of a verification provider's adapter."""

    def check(self, *, reference: str, cnic: str) -> Verification:
        """Confirm with the provider that `reference` is a genuine verification result for `cnic` (13
        digits); raise VerificationNotGenuine otherwise."""
        raise NotImplementedError


SIMULATOR_PREFIX = "SIM"


class SimulatedBiometricVerifier(BiometricVerifier):
    """A SIMULATOR of a verification provider, for the demo and tests: no fingerprint is read.
    `scan(cnic, matched)` plays the device and provider, returning a reference such as
    SIM-1-3f2a…-<signature>; `check` accepts only references signed by `scan` for that CNIC."""

    @staticmethod
    def _signature(cnic: str, matched: str, nonce: str) -> str:
        message = f"biometric-simulator:{cnic}:{matched}:{nonce}".encode()
        return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]

    @classmethod
    def scan(cls, cnic: str, matched: bool) -> str:
        """The reference a (simulated) device gets for a scan of `cnic`'s holder that did or did not match."""
        flag, nonce = ("1" if matched else "0"), secrets.token_hex(6)
        return f"{SIMULATOR_PREFIX}-{flag}-{nonce}-{cls._signature(cnic, flag, nonce)}"

    def check(self, *, reference: str, cnic: str) -> Verification:
        parts = (reference or "").strip().split("-")
        if len(parts) != 4 or parts[0] != SIMULATOR_PREFIX or parts[1] not in ("0", "1"):
            raise VerificationNotGenuine(reference)
        _prefix, flag, nonce, signature = parts
        if not hmac.compare_digest(signature, self._signature(cnic, flag, nonce)):
            raise VerificationNotGenuine(reference)
        return Verification(matched=flag == "1", reference=reference.strip())


@cache
def _verifier_class(path: str) -> type[BiometricVerifier]:
    return import_string(path)


def biometric_verifier() -> BiometricVerifier:
    """The adapter BIOMETRIC_VERIFIER names."""
    return _verifier_class(settings.BIOMETRIC_VERIFIER)()

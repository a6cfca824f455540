"""Reading the status files providers send back: ISO 20022 pain.002.001.10 (banks) and the providers'
CSV (wallets), one line at a time so that a file of a million lines is read in flat memory.

Each reader yields a `StatusLine` per transaction and checks the file's own totals at its end (pain.002:
OrgnlGrpInfAndSts/OrgnlNbOfTxs and OrgnlCtrlSum; CSV: the TOTAL trailer's count, control sum and
SHA-256). A file whose totals disagree with its lines fails its checksum and is refused whole
(StatusFileRefused): the caller loads lines as they come, in a transaction that the refusal rolls back,
so nothing of such a file is ever applied. A line that cannot be read (a reference, status or amount
that makes no sense) is yielded with `problem` set: it is reported, not applied, and the rest applies.

The CSV: a header `reference,status,amount,reason,paid_at` (in any order; a byte-order mark is
allowed), one line per payment (status paid or failed, or the ISO codes ACSC/ACCC/RJCT; the amount in
rupees, paisa allowed; paid_at an ISO date or date and time), and the last line
`TOTAL,<lines>,<control sum in rupees>,<SHA-256 of the file's bytes before this line, in hex>`.
"""

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from lxml import etree

from ehsaas.core.line_files import FileRefused, canonical
from ehsaas.payments.choices import PaymentStatus, StatusFileFormat
from ehsaas.payments.models import payment_id_of

PAIN002_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"
CSV_COLUMNS = {
    "reference": ("reference", "end_to_end_id", "endtoendid"),
    "status": ("status",),
    "amount": ("amount",),
    "reason": ("reason",),
    "paid_at": ("paid_at", "paid at", "date"),
}
CSV_REQUIRED = ("reference", "status", "amount")
TRAILER = "TOTAL"

# ISO 20022 transaction statuses: settled (ACSC), accepted and credited (ACCC), rejected (RJCT).
PAID_CODES = {"ACSC", "ACCC", "PAID"}
FAILED_CODES = {"RJCT", "FAILED"}
# The reasons banks give most often for a rejected credit transfer (ExternalStatusReason1Code).
REASONS = {
    "AC01": "Incorrect account number",
    "AC04": "Closed account number",
    "AC06": "Blocked account",
    "AG01": "Transaction forbidden on this account",
    "AM04": "Insufficient funds",
    "BE01": "Account holder does not match the beneficiary",
    "MD07": "Account holder deceased",
    "RC01": "Bank identifier incorrect",
    "RR01": "Missing account holder identification",
}

MSG_NOT_XML = _("%(file)s is not a pain.002 file that can be read (%(error)s). Nothing was applied.")
MSG_NO_TOTALS = _(
    "%(file)s gives no number of transactions and control sum (OrgnlNbOfTxs, OrgnlCtrlSum). Nothing was applied."
)
MSG_COUNT_DIFFERS = _(
    "%(file)s fails its checksum: it says %(said)s transactions but has %(found)s. Nothing was applied."
)
MSG_SUM_DIFFERS = _(
    "%(file)s fails its checksum: its control sum is Rs %(said)s but its lines add up to Rs %(found)s. "
    "Nothing was applied."
)
MSG_NO_TRAILER = _(
    "%(file)s has no TOTAL line at its end (TOTAL,lines,control sum,SHA-256): it may have been cut "
    "short. Nothing was applied."
)
MSG_BAD_TRAILER = _("%(file)s has a TOTAL line that cannot be read: %(line)s. Nothing was applied.")
MSG_SHA_DIFFERS = _(
    "%(file)s fails its checksum: the SHA-256 in its TOTAL line is not that of its lines (the file was "
    "changed or damaged). Nothing was applied."
)
MSG_NOT_UTF8 = _("%(file)s is not UTF-8 text (line %(line)s). Nothing was applied.")
MSG_MISSING_COLUMNS = _(
    "%(file)s lacks the columns %(missing)s (its columns are: %(columns)s). Nothing was applied."
)
MSG_EMPTY = _("%(file)s has no status lines. Nothing was applied.")

LINE_NO_REFERENCE = _("No payment reference")
LINE_BAD_REFERENCE = _("Not a payment reference (EP and ten digits)")
LINE_BAD_STATUS = _("Status %(status)s is neither paid (ACSC, ACCC) nor failed (RJCT)")
LINE_BAD_AMOUNT = _("Amount %(amount)s is not an amount in rupees")
LINE_BAD_DATE = _("Date %(date)s is not a date such as 2026-07-15 or 2026-07-15T10:30:00")
LINE_FIELDS = _("The line has %(found)s fields, not %(expected)s")


class StatusFileRefused(FileRefused):
    """A status file refused whole: unreadable, or failing its checksum. Nothing of it was applied."""


@dataclass
class StatusLine:
    """One payment's status as a file gives it. `amount` is in paisa; `problem`, when set, says why the
    line cannot be read (it is reported, not applied)."""

    line: int
    reference: str
    payment_id: int | None
    status: str
    amount: int | None
    reason: str
    status_at: datetime
    problem: str = ""


def _paisa(raw: str) -> int | None:
    raw = raw.strip()
    whole, dot, fraction = raw.partition(".")
    if whole.isascii() and whole.isdigit() and (not dot or (fraction.isascii() and fraction.isdigit()
                                                            and len(fraction) <= 2)):  # fmt: skip
        return int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)


def _rupees(paisa: int) -> str:
    return f"{Decimal(paisa) / 100:,.2f}"


def _status(raw: str) -> str | None:
    code = raw.strip().upper()
    if code in PAID_CODES:
        return PaymentStatus.PAID.value
    if code in FAILED_CODES:
        return PaymentStatus.FAILED.value
    return None


def _when(raw: str, default: datetime) -> datetime | None:
    raw = raw.strip()
    return _parsed_when(raw) if raw else default


@lru_cache(maxsize=4096)
def _parsed_when(raw: str) -> datetime | None:
    """A date or date and time as written (a file's lines share a few: each is read once)."""
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(raw) <= 10:  # a date alone: the start of that day in Pakistan
        parsed = datetime.combine(parsed.date(), time())
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def status_line(
    *, line: int, reference: str, status: str, amount: str, reason: str, at: str, default_at: datetime
) -> StatusLine:
    """One line read from its fields as written, with the first problem found (if any)."""
    reference = reference.strip()
    payment_id = payment_id_of(reference.upper()) if reference else None
    reason = " ".join(reason.split())[:300]
    status_value = _status(status)
    paisa = _paisa(amount)
    when = _when(at, default_at)
    problem = ""
    if not reference:
        problem = _g(LINE_NO_REFERENCE)
    elif payment_id is None:
        problem = _g(LINE_BAD_REFERENCE)
    elif status_value is None:
        problem = _g(LINE_BAD_STATUS) % {"status": repr(status.strip())}
    elif paisa is None:
        problem = _g(LINE_BAD_AMOUNT) % {"amount": repr(amount.strip())}
    elif when is None:
        problem = _g(LINE_BAD_DATE) % {"date": repr(at.strip())}
    return StatusLine(
        line=line, reference=reference[:35], payment_id=payment_id, status=status_value or "",
        amount=paisa, reason=reason, status_at=when or default_at, problem=problem[:300],
    )  # fmt: skip


def file_format_of(head: bytes) -> str:
    """pain.002 for XML, the provider CSV otherwise, from the file's first bytes."""
    return StatusFileFormat.PAIN002.value if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else (
        StatusFileFormat.CSV.value
    )  # fmt: skip


def read_pain002(stream: BinaryIO, *, label: str) -> Iterator[StatusLine]:
    """The transactions of a pain.002.001.10 file, read with iterparse (each element cleared once read).
    Raises StatusFileRefused, after the last line, when the group's totals disagree with the lines."""
    now = timezone.now()
    said_count = said_sum = None
    found_count = found_sum = 0
    created_at = now
    tx = f"{{{PAIN002_NAMESPACE}}}TxInfAndSts"
    group = f"{{{PAIN002_NAMESPACE}}}OrgnlGrpInfAndSts"
    header = f"{{{PAIN002_NAMESPACE}}}GrpHdr"
    ns = {"p": PAIN002_NAMESPACE}
    try:
        for _event, element in etree.iterparse(stream, events=("end",), tag=(tx, group, header),
                                               resolve_entities=False, no_network=True, huge_tree=True):  # fmt: skip
            if element.tag == header:
                created_at = _when(element.findtext("p:CreDtTm", "", ns), now) or now
            elif element.tag == group:
                said_count = element.findtext("p:OrgnlNbOfTxs", None, ns)
                said_sum = element.findtext("p:OrgnlCtrlSum", None, ns)
            else:
                found = _transaction(element, created_at)
                found_count += 1
                found_sum += found.amount or 0
                yield found
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise StatusFileRefused(_g(MSG_NOT_XML) % {"file": label, "error": error}) from None
    if said_count is None or said_sum is None:
        raise StatusFileRefused(_g(MSG_NO_TOTALS) % {"file": label})
    totals_check(label=label, said_count=said_count, said_sum=said_sum, count=found_count, paisa=found_sum)


def _q(name: str) -> str:
    return f"{{{PAIN002_NAMESPACE}}}{name}"


_E2E, _STS, _RSN_INF, _RSN, _CD, _ADDTL, _ACCEPTED, _TX_REF, _AMT, _INSTD = (
    _q(name) for name in ("OrgnlEndToEndId", "TxSts", "StsRsnInf", "Rsn", "Cd", "AddtlInf", "AccptncDtTm",
                          "OrgnlTxRef", "Amt", "InstdAmt")
)  # fmt: skip


def _transaction(element, created_at: datetime) -> StatusLine:
    """A TxInfAndSts element as a line, read child by child (paths and XPath per element cost more than
    reading the transaction itself)."""
    reference = status = amount = at = code = ""
    words = []
    for child in element:
        tag = child.tag
        if tag == _E2E:
            reference = child.text or ""
        elif tag == _STS:
            status = child.text or ""
        elif tag == _RSN_INF:
            for part in child:
                if part.tag == _RSN:
                    code = next((c.text or "" for c in part if c.tag == _CD), "").strip() or code
                elif part.tag == _ADDTL:
                    words.append(part.text or "")
        elif tag == _ACCEPTED:
            at = child.text or ""
        elif tag == _TX_REF:
            for part in child:
                if part.tag == _AMT:
                    amount = next((c.text or "" for c in part if c.tag == _INSTD), amount)
    reason = f"{code} {' '.join(words) or REASONS.get(code, '')}".strip()
    found = status_line(line=element.sourceline or 0, reference=reference, status=status, amount=amount,
                        reason=reason, at=at, default_at=created_at)  # fmt: skip
    if found.status == PaymentStatus.PAID:
        found.reason = ""
    return found


def totals_check(*, label: str, said_count: str, said_sum: str, count: int, paisa: int) -> None:
    """Refuse a file whose own count or control sum is not that of its lines."""
    said = said_count.strip()
    if not said.isdigit() or int(said) != count:
        raise StatusFileRefused(_g(MSG_COUNT_DIFFERS) % {"file": label, "said": said, "found": f"{count:,}"})
    said_paisa = _paisa(said_sum)
    if said_paisa != paisa:
        raise StatusFileRefused(
            _g(MSG_SUM_DIFFERS) % {"file": label, "said": said_sum.strip(), "found": _rupees(paisa)}
        )


def read_csv(stream: BinaryIO, *, label: str) -> Iterator[StatusLine]:
    """The lines of a provider's status CSV, read one at a time while the SHA-256 of the bytes before the
    TOTAL line is computed. Raises StatusFileRefused, after the last line, when the TOTAL line is
    missing or its count, control sum or SHA-256 is not that of the lines."""
    now = timezone.now()
    digest = hashlib.sha256()
    first = stream.readline()
    if not first.strip():
        raise StatusFileRefused(_g(MSG_EMPTY) % {"file": label})
    digest.update(first)
    header = [canonical(name, CSV_COLUMNS) for name in next(csv.reader([_text(first, 1, label)]))]
    missing = [CSV_COLUMNS[name][0] for name in CSV_REQUIRED if name not in header]
    if missing:
        raise StatusFileRefused(
            _g(MSG_MISSING_COLUMNS)
            % {"file": label, "missing": ", ".join(missing), "columns": ", ".join(header)}
        )
    where = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    count = paisa = 0
    trailer: list[str] | None = None
    number = 1
    for raw in stream:
        number += 1
        if not raw.strip():
            digest.update(raw)
            continue
        text = _text(raw, number, label)
        fields = next(csv.reader([text]))
        if trailer is not None:  # a line after the TOTAL line: the TOTAL line was not the last
            trailer = None
        if fields and fields[0].strip().upper() == TRAILER:
            trailer = fields
            trailer_digest = digest.copy()
            digest.update(raw)
            continue
        digest.update(raw)
        count += 1
        if len(fields) != len(header):
            yield StatusLine(line=number, reference=(fields[0].strip() if fields else "")[:35], payment_id=None,
                             status="", amount=None, reason="", status_at=now,
                             problem=_g(LINE_FIELDS) % {"found": len(fields), "expected": len(header)})  # fmt: skip
            continue
        found = status_line(
            line=number, reference=fields[where["reference"]], status=fields[where["status"]],
            amount=fields[where["amount"]], reason=fields[where["reason"]] if "reason" in where else "",
            at=fields[where["paid_at"]] if "paid_at" in where else "", default_at=now,
        )  # fmt: skip
        paisa += found.amount or 0
        yield found
    if trailer is None:
        raise StatusFileRefused(_g(MSG_NO_TRAILER) % {"file": label})
    if len(trailer) != 4:
        raise StatusFileRefused(_g(MSG_BAD_TRAILER) % {"file": label, "line": ",".join(trailer)})
    totals_check(label=label, said_count=trailer[1], said_sum=trailer[2], count=count, paisa=paisa)
    if trailer[3].strip().lower() != trailer_digest.hexdigest():
        raise StatusFileRefused(_g(MSG_SHA_DIFFERS) % {"file": label})


def _text(raw: bytes, number: int, label: str) -> str:
    try:
        return raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise StatusFileRefused(_g(MSG_NOT_UTF8) % {"file": label, "line": number}) from None


def read_status_file(stream: BinaryIO, *, file_format: str, label: str) -> Iterator[StatusLine]:
    reader = read_pain002 if file_format == StatusFileFormat.PAIN002 else read_csv
    return reader(stream, label=label)

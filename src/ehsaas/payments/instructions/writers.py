"""The files that carry instructions to providers, written row by row from a stream of payments so that
memory stays flat whatever the batch's size.

- pain.001 (banks): ISO 20022 pain.001.001.09 customer credit transfer initiation, written with lxml's
  incremental writer (`etree.xmlfile`), one transaction element at a time; checked against the ISO
  schema shipped in the `sepaxml` package, by a validating parse that also streams (`iterparse`).
- wallet CSV (wallet operators): UTF-8, a header `reference,msisdn,name,amount`, one line a payment, and
  a trailer `TRAILER,<count>,<message id>,<control total>`.

Each writer returns the count and control total it wrote, which the caller compares with the batch's.
"""

import csv
import hashlib
import importlib.resources
import re
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from lxml import etree

from ehsaas.payments.models.cycles import REFERENCE_PREFIX

PAIN001_NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
PAIN001_SCHEMA = "schemas/pain.001.001.09.xsd"
CURRENCY = "PKR"
# The schema's IBAN2007Identifier and BICFIDec2014Identifier.
IBAN_PATTERN = r"^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$"
BIC_PATTERN = r"^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$"
# A Pakistani mobile number as a wallet is opened on: 03001234567, 923001234567 or +923001234567.
MSISDN_PATTERN = r"^(0|92|\+92)3[0-9]{9}$"
CSV_HEADER = ("reference", "msisdn", "name", "amount")
TRAILER = "TRAILER"
NAME_MAX = 140  # Max140Text


@dataclass(frozen=True)
class Debtor:
    """The account the programme pays from."""

    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class Written:
    transactions: int
    control_sum: int  # rupees


# A payment as the writers read it: (payment id, amount in rupees, account number, creditor's name).
Row = tuple[int, int, str, str]


def reference_of(payment_id: int) -> str:
    return f"{REFERENCE_PREFIX}{payment_id:010d}"


def rupees(amount: int) -> str:
    """Whole rupees in the files' decimal form with two decimals (13500 → 13500.00)."""
    return f"{amount}.00"


def msisdn(number: str) -> str:
    """A wallet's number in international form without the plus (03001234567 → 923001234567)."""
    number = number.strip().lstrip("+")
    return "92" + number[1:] if number.startswith("0") else number


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _q(tag: str) -> str:
    return f"{{{PAIN001_NS}}}{tag}"


def _text(parent, tag: str, text: str):
    element = etree.SubElement(parent, _q(tag))
    element.text = text
    return element


def _element(tag: str, text: str | None = None):
    element = etree.Element(_q(tag))
    element.text = text
    return element


def pain001_write(
    path: Path, rows: Iterable[Row], *, message_id: str, created: datetime, execution: date, debtor: Debtor,
    creditor_bic: str, transactions: int, control_sum: int,
) -> Written:  # fmt: skip
    """Write a pain.001.001.09 file of `rows` to `path`: the group header and payment information carry
    `transactions` and `control_sum` (the batch's figures, known before the rows are read); what was
    actually written is returned for the caller to compare."""
    written, total = 0, 0
    # Each transaction is a copy of this one (copied in C, twice as fast as building it) with its own texts.
    template = etree.Element(_q("CdtTrfTxInf"))
    _text(etree.SubElement(template, _q("PmtId")), "EndToEndId", "")
    amount_element = _text(etree.SubElement(template, _q("Amt")), "InstdAmt", "")
    amount_element.set("Ccy", CURRENCY)
    _text(
        etree.SubElement(etree.SubElement(template, _q("CdtrAgt")), _q("FinInstnId")), "BICFI", creditor_bic
    )
    _text(etree.SubElement(template, _q("Cdtr")), "Nm", "")
    _text(etree.SubElement(etree.SubElement(template, _q("CdtrAcct")), _q("Id")), "IBAN", "")
    copy = deepcopy
    with path.open("wb") as stream, etree.xmlfile(stream, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(_q("Document"), nsmap={None: PAIN001_NS}), xf.element(_q("CstmrCdtTrfInitn")):
            header = _element("GrpHdr")
            _text(header, "MsgId", message_id)
            _text(header, "CreDtTm", created.replace(microsecond=0).isoformat())
            _text(header, "NbOfTxs", str(transactions))
            _text(header, "CtrlSum", rupees(control_sum))
            _text(etree.SubElement(header, _q("InitgPty")), "Nm", debtor.name[:NAME_MAX])
            xf.write(header)
            with xf.element(_q("PmtInf")):
                for tag, text in (("PmtInfId", message_id), ("PmtMtd", "TRF"), ("NbOfTxs", str(transactions)),
                                  ("CtrlSum", rupees(control_sum))):  # fmt: skip
                    xf.write(_element(tag, text))
                when = _element("ReqdExctnDt")
                _text(when, "Dt", execution.isoformat())
                xf.write(when)
                party = _element("Dbtr")
                _text(party, "Nm", debtor.name[:NAME_MAX])
                xf.write(party)
                account = _element("DbtrAcct")
                _text(etree.SubElement(account, _q("Id")), "IBAN", debtor.iban)
                xf.write(account)
                bank = _element("DbtrAgt")
                _text(etree.SubElement(bank, _q("FinInstnId")), "BICFI", debtor.bic)
                xf.write(bank)
                for payment_id, amount, account_number, name in rows:
                    tx = copy(template)
                    tx[0][0].text = reference_of(payment_id)
                    tx[1][0].text = rupees(amount)
                    tx[3][0].text = (name or "")[:NAME_MAX]
                    tx[4][0][0].text = account_number
                    xf.write(tx)
                    written += 1
                    total += amount
    return Written(written, total)


@cache
def pain001_schema() -> etree.XMLSchema:
    """The ISO 20022 schema of pain.001.001.09, as shipped in the sepaxml package."""
    source = importlib.resources.files("sepaxml").joinpath(PAIN001_SCHEMA)
    with importlib.resources.as_file(source) as path:
        return etree.XMLSchema(etree.parse(str(path)))


class SchemaError(Exception):
    """The file does not conform to the schema; the text is the validator's first complaint."""


def pain001_validate(path: Path) -> None:
    """Validate `path` against the pain.001.001.09 schema while parsing it as a stream (each transaction
    dropped once read, so memory stays flat); raises SchemaError with where and what is wrong."""
    tx_tag = _q("CdtTrfTxInf")
    try:
        for _event, element in etree.iterparse(
            str(path), events=("end",), tag=tx_tag, schema=pain001_schema()
        ):
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        message = re.sub(r"\{[^}]*\}", "", str(error))  # the namespace makes it hard to read
        raise SchemaError(message) from None


def wallet_csv_write(path: Path, rows: Iterable[Row], *, message_id: str) -> Written:
    """Write the wallet CSV of `rows` to `path`, with its trailer of count and control total."""
    written, total = 0, 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for payment_id, amount, account_number, name in rows:
            writer.writerow((reference_of(payment_id), msisdn(account_number), name or "", rupees(amount)))
            written += 1
            total += amount
        writer.writerow((TRAILER, written, message_id, rupees(total)))
    return Written(written, total)

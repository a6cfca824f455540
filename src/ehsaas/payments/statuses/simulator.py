"""A provider simulator: the status file a bank or wallet operator would send back for a batch of
instructions, for the demo, the tests and the benchmark. Most payments paid; some failed with the
reasons banks give (AC04 closed account, AC01 incorrect account number, AC06 blocked account, MD07 the
account holder deceased), chosen by the payment's id so that the same batch always gives the same file.

Written as ISO 20022 pain.002.001.10 (with OrgnlNbOfTxs and OrgnlCtrlSum) or as the provider CSV with
its TOTAL trailer (count, control sum and the SHA-256 of the lines before it), exactly as the readers
expect them. Nothing here is used to apply statuses: it only writes files."""

import hashlib
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import BinaryIO

from django.utils import timezone

from ehsaas.payments.choices import PaymentStatus, StatusFileFormat
from ehsaas.payments.models import REFERENCE_PREFIX, InstructionBatch, Payment
from ehsaas.payments.statuses.readers import PAIN002_NAMESPACE, REASONS

FAILURE_CODES = ("AC04", "AC01", "AC06", "MD07")
CSV_HEADER = "reference,status,amount,reason,paid_at\n"

# (reference, amount in rupees, "paid" or "failed", reason code or "")
Outcome = tuple[str, int, str, str]


def simulated_outcomes(payments: Iterable[tuple[int, int]], *, failed_percent: int = 5) -> list[Outcome]:
    """Each (payment id, amount in rupees) with the outcome a provider reports for it: failed for about
    `failed_percent` in a hundred (by the id), paid otherwise."""
    outcomes = []
    for payment_id, amount in payments:
        mixed = (payment_id * 2654435761) % 2**32
        if mixed % 100 < failed_percent:
            outcomes.append((f"{REFERENCE_PREFIX}{payment_id:010d}", amount, PaymentStatus.FAILED.value,
                             FAILURE_CODES[(mixed // 100) % len(FAILURE_CODES)]))  # fmt: skip
        else:
            outcomes.append((f"{REFERENCE_PREFIX}{payment_id:010d}", amount, PaymentStatus.PAID.value, ""))
    return outcomes


def batch_outcomes(batch: InstructionBatch, *, failed_percent: int = 5) -> list[Outcome]:
    payments = Payment.objects.filter(batch=batch).order_by("id").values_list("id", "amount")
    return simulated_outcomes(payments.iterator(chunk_size=10_000), failed_percent=failed_percent)


def pain002_write(out: BinaryIO, outcomes: Sequence[Outcome], *, message_id: str, original_message_id: str,
                  at: datetime | None = None) -> None:  # fmt: skip
    """The pain.002.001.10 a bank returns for `outcomes`."""
    at = timezone.localtime(at or timezone.now()).replace(microsecond=0).isoformat()
    total = sum(amount for _r, amount, _s, _c in outcomes)
    out.write(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{PAIN002_NAMESPACE}">
<CstmrPmtStsRpt>
<GrpHdr><MsgId>{message_id}</MsgId><CreDtTm>{at}</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{original_message_id}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>
<OrgnlNbOfTxs>{len(outcomes)}</OrgnlNbOfTxs><OrgnlCtrlSum>{total}.00</OrgnlCtrlSum></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>{original_message_id}</OrgnlPmtInfId>
""".encode()
    )
    parts = []
    for index, (reference, amount, status, code) in enumerate(outcomes, 1):
        if status == PaymentStatus.PAID:
            parts.append(f"<TxInfAndSts><StsId>{index}</StsId><OrgnlEndToEndId>{reference}</OrgnlEndToEndId>"
                         f"<TxSts>ACSC</TxSts><AccptncDtTm>{at}</AccptncDtTm>"
                         f"<OrgnlTxRef><Amt><InstdAmt Ccy=\"PKR\">{amount}.00</InstdAmt></Amt></OrgnlTxRef>"
                         "</TxInfAndSts>\n")  # fmt: skip
        else:
            parts.append(f"<TxInfAndSts><StsId>{index}</StsId><OrgnlEndToEndId>{reference}</OrgnlEndToEndId>"
                         f"<TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>{code}</Cd></Rsn>"
                         f"<AddtlInf>{REASONS[code]}</AddtlInf></StsRsnInf>"
                         f"<OrgnlTxRef><Amt><InstdAmt Ccy=\"PKR\">{amount}.00</InstdAmt></Amt></OrgnlTxRef>"
                         "</TxInfAndSts>\n")  # fmt: skip
        if len(parts) >= 10_000:
            out.write("".join(parts).encode())
            parts = []
    out.write(("".join(parts) + "</OrgnlPmtInfAndSts>\n</CstmrPmtStsRpt>\n</Document>\n").encode())


def csv_write(out: BinaryIO, outcomes: Sequence[Outcome], *, at: datetime | None = None) -> None:
    """The status CSV a wallet operator returns for `outcomes`, with its TOTAL trailer."""
    at = timezone.localtime(at or timezone.now()).replace(microsecond=0).isoformat()
    digest = hashlib.sha256()
    total = 0

    def write(text: str) -> None:
        data = text.encode()
        digest.update(data)
        out.write(data)

    write(CSV_HEADER)
    parts = []
    for reference, amount, status, code in outcomes:
        total += amount
        if status == PaymentStatus.PAID:
            parts.append(f"{reference},paid,{amount},,{at}\n")
        else:
            parts.append(f'{reference},failed,{amount},"{code} {REASONS[code]}",\n')
        if len(parts) >= 10_000:
            write("".join(parts))
            parts = []
    write("".join(parts))
    out.write(f"TOTAL,{len(outcomes)},{total},{digest.hexdigest()}\n".encode())


def status_file_simulate(
    batch: InstructionBatch, *, file_format: str | None = None, failed_percent: int = 5
) -> tuple[str, bytes]:
    """(file name, content): the status file `batch`'s provider returns for it, in pain.002 for a bank
    and CSV for a wallet operator unless `file_format` says."""
    file_format = file_format or (
        StatusFileFormat.PAIN002 if batch.provider.channel == "bank" else StatusFileFormat.CSV
    )
    outcomes = batch_outcomes(batch, failed_percent=failed_percent)
    out = io.BytesIO()
    if file_format == StatusFileFormat.PAIN002:
        pain002_write(
            out, outcomes, message_id=f"STS-{batch.message_id}"[:35], original_message_id=batch.message_id
        )
        name = f"{batch.message_id}-pain.002.xml"
    else:
        csv_write(out, outcomes)
        name = f"{batch.message_id}-status.csv"
    return name, out.getvalue()

"""Reading a model's weights from a file: CSV (`indicator,weight` and optionally `reference_mean`, one
indicator a line) or JSON (the layout of `data/illustrative-model.json`). Every problem is refused with
a message naming the line or field; nothing is taken from a file that has one."""

import csv
import io
import json
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ehsaas.targeting.indicators import INDICATORS

MSG_EMPTY = _("The weights file is empty.")
MSG_NOT_UTF8 = _("The weights file is not UTF-8 text.")
MSG_COLUMNS = _(
    "The weights file needs the columns indicator and weight in its header line (it has: %(columns)s)."
)
MSG_NO_NAME = _("Line %(line)s: the indicator name is missing.")
MSG_UNKNOWN = _("Line %(line)s: “%(code)s” is not an indicator of the catalogue.")
MSG_TWICE = _("Line %(line)s: the indicator “%(code)s” is given a second time.")
MSG_NOT_NUMBER = _("Line %(line)s: the %(column)s of “%(code)s” is not a number: “%(value)s”.")
MSG_BAD_JSON = _("The weights file is not valid JSON: %(error)s.")
MSG_JSON_SHAPE = _("The JSON file needs an object “weights” that maps each indicator to its weight.")
MSG_JSON_UNKNOWN = _("weights: “%(code)s” is not an indicator of the catalogue.")
MSG_JSON_NOT_NUMBER = _("%(field)s: the value “%(value)s” is not a number.")
MSG_JSON_NO_NAME = _("%(field)s: an indicator name is missing.")
MSG_NO_WEIGHTS = _("The weights file gives no weights.")


class WeightsRefused(ValidationError):
    """A weights file that cannot be used, with the reason (naming the line or field)."""


@dataclass
class ParsedWeights:
    weights: dict[str, float]
    reference_means: dict[str, float] = field(default_factory=dict)
    # Given only by a JSON file of a whole model; None when the file does not say.
    intercept: float | None = None
    scale_low: float | None = None
    scale_high: float | None = None
    fit: dict = field(default_factory=dict)


def _number(text) -> float | None:
    if isinstance(text, bool):
        return None
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def parse_weights(data: bytes, *, name: str = "") -> ParsedWeights:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WeightsRefused(MSG_NOT_UTF8) from error
    if not text.strip():
        raise WeightsRefused(MSG_EMPTY)
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        return _parse_json(text)
    return _parse_csv(text)


def _parse_csv(text: str) -> ParsedWeights:
    reader = csv.reader(io.StringIO(text))
    header = [column.strip().lower() for column in next(reader)]
    if "indicator" not in header or "weight" not in header:
        raise WeightsRefused(MSG_COLUMNS, params={"columns": ", ".join(header) or "—"})
    at = {column: header.index(column) for column in header}
    parsed = ParsedWeights(weights={})
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {column: (row[i].strip() if i < len(row) else "") for column, i in at.items()}
        code = cells["indicator"]
        if not code:
            raise WeightsRefused(MSG_NO_NAME, params={"line": line})
        if code not in INDICATORS:
            raise WeightsRefused(MSG_UNKNOWN, params={"line": line, "code": code})
        if code in parsed.weights:
            raise WeightsRefused(MSG_TWICE, params={"line": line, "code": code})
        weight = _number(cells["weight"])
        if weight is None:
            raise WeightsRefused(
                MSG_NOT_NUMBER,
                params={"line": line, "column": "weight", "code": code, "value": cells["weight"]},
            )
        parsed.weights[code] = weight
        if cells.get("reference_mean"):
            mean = _number(cells["reference_mean"])
            if mean is None:
                raise WeightsRefused(
                    MSG_NOT_NUMBER,
                    params={
                        "line": line,
                        "column": "reference_mean",
                        "code": code,
                        "value": cells["reference_mean"],
                    },
                )
            parsed.reference_means[code] = mean
    if not parsed.weights:
        raise WeightsRefused(MSG_NO_WEIGHTS)
    return parsed


def _parse_json(text: str) -> ParsedWeights:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise WeightsRefused(MSG_BAD_JSON, params={"error": str(error)}) from error
    if not isinstance(document, dict) or not isinstance(document.get("weights"), dict):
        raise WeightsRefused(MSG_JSON_SHAPE)

    def numbers(key: str) -> dict[str, float]:
        values = document.get(key) or {}
        if not isinstance(values, dict):
            raise WeightsRefused(MSG_JSON_SHAPE)
        out = {}
        for code, value in values.items():
            if not str(code).strip():
                raise WeightsRefused(MSG_JSON_NO_NAME, params={"field": key})
            if code not in INDICATORS:
                raise WeightsRefused(MSG_JSON_UNKNOWN, params={"code": code})
            number = _number(value)
            if number is None:
                raise WeightsRefused(MSG_JSON_NOT_NUMBER, params={"field": f"{key}.{code}", "value": value})
            out[code] = number
        return out

    def scalar(key: str) -> float | None:
        if document.get(key) is None:
            return None
        number = _number(document[key])
        if number is None:
            raise WeightsRefused(MSG_JSON_NOT_NUMBER, params={"field": key, "value": document[key]})
        return number

    weights = numbers("weights")
    if not weights:
        raise WeightsRefused(MSG_NO_WEIGHTS)
    return ParsedWeights(
        weights=weights,
        reference_means=numbers("reference_means"),
        intercept=scalar("intercept"),
        scale_low=scalar("scale_low"),
        scale_high=scalar("scale_high"),
        fit=document.get("fit") if isinstance(document.get("fit"), dict) else {},
    )

"""A programme's application form and ranking, kept as data in `Programme.parameters`:

    {"application_fields": [
        {"name": "university", "kind": "university", "label_en": "University", "label_ur": "یونیورسٹی"},
        {"name": "university_province", "kind": "province", "label_en": "Province of the university",
         "label_ur": "یونیورسٹی کا صوبہ"},
        {"name": "degree", "kind": "text", "label_en": "Degree", "label_ur": "ڈگری", "max_length": 120},
        {"name": "merit", "kind": "number", "label_en": "Merit (%)", "label_ur": "میرٹ (%)",
         "minimum": 0, "maximum": 100}],
     "ranking": {"need_weight": 0.5, "merit_weight": 0.5, "merit_field": "merit",
                 "university_field": "university", "province_field": "university_province"}}

A field is required unless it says `"required": false`; a `choice` lists its `choices` (values). The
ranking scores each application `need_weight × need + merit_weight × merit`, where need is
100 − the household's PMT score, within the quota of its university and province. Both are checked
when a programme is saved, so that the form and the ranking never meet a malformed setting.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.models import Province
from ehsaas.programs.choices import ApplicationFieldKind

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED = ("cnic", "full_name", "phone", "documents")  # the form's own questions
MSG_FIELDS_LIST = _("“application_fields” is a list of questions, each with a name, a kind and labels.")
MSG_FIELD_NAME = _("Question %(number)s: the name is lower-case letters, digits and _, e.g. merit.")
MSG_FIELD_TWICE = _("Question %(number)s: another question is called “%(name)s”.")
MSG_FIELD_RESERVED = _(
    "Question %(number)s: “%(name)s” is asked of every applicant already; choose another name."
)
MSG_FIELD_KIND = _("Question “%(name)s”: the kind is one of %(kinds)s.")
MSG_FIELD_LABEL = _("Question “%(name)s”: it needs label_en and label_ur.")
MSG_FIELD_CHOICES = _("Question “%(name)s”: a choice lists its choices.")
MSG_FIELD_RANGE = _("Question “%(name)s”: minimum and maximum are numbers, the minimum the smaller.")
MSG_NO_FIELDS = _("A programme that takes applications asks at least one question (application_fields).")
MSG_RANKING_FIELD = _("Ranking: %(setting)s names “%(name)s”, which is not a question of kind %(kind)s.")
MSG_WEIGHT = _("Ranking: %(setting)s is a number from 0 to 100.")
MSG_REQUIRED = _("This question is required.")
MSG_NUMBER = _("Write a number.")
MSG_BETWEEN = _("Write a number from %(minimum)s to %(maximum)s.")
MSG_NOT_A_CHOICE = _("Choose one of the choices offered.")
MSG_TOO_LONG = _("Write at most %(count)s characters.")
DEFAULT_WEIGHTS = {"need_weight": 0.5, "merit_weight": 0.5}
TEXT_LENGTH = 200


@dataclass(frozen=True)
class ApplicationField:
    """One question of a programme's application form."""

    name: str
    kind: str
    label_en: str
    label_ur: str
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    max_length: int = TEXT_LENGTH

    @property
    def label(self) -> str:
        return self.label_ur if (get_language() or "").startswith("ur") else self.label_en


@dataclass(frozen=True)
class Ranking:
    need_weight: Decimal
    merit_weight: Decimal
    merit_field: str
    university_field: str
    province_field: str


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _field(number: int, spec, seen: set[str]) -> ApplicationField:
    if not isinstance(spec, dict):
        raise ValidationError(_g(MSG_FIELDS_LIST))
    name = spec.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise ValidationError(_g(MSG_FIELD_NAME) % {"number": number})
    if name in seen:
        raise ValidationError(_g(MSG_FIELD_TWICE) % {"number": number, "name": name})
    if name in RESERVED:
        raise ValidationError(_g(MSG_FIELD_RESERVED) % {"number": number, "name": name})
    kind = spec.get("kind")
    if kind not in ApplicationFieldKind.values:
        raise ValidationError(
            _g(MSG_FIELD_KIND) % {"name": name, "kinds": ", ".join(ApplicationFieldKind.values)}
        )
    labels = spec.get("label_en"), spec.get("label_ur")
    if not all(isinstance(label, str) and label.strip() for label in labels):
        raise ValidationError(_g(MSG_FIELD_LABEL) % {"name": name})
    choices = spec.get("choices", [])
    if kind == ApplicationFieldKind.CHOICE and (
        not isinstance(choices, list) or not choices or not all(isinstance(c, str) for c in choices)
    ):
        raise ValidationError(_g(MSG_FIELD_CHOICES) % {"name": name})
    minimum, maximum = _number(spec.get("minimum")), _number(spec.get("maximum"))
    bad_bound = any(spec.get(key) is not None and bound is None
                    for key, bound in (("minimum", minimum), ("maximum", maximum)))  # fmt: skip
    if bad_bound or (minimum is not None and maximum is not None and minimum > maximum):
        raise ValidationError(_g(MSG_FIELD_RANGE) % {"name": name})
    length = spec.get("max_length", TEXT_LENGTH)
    return ApplicationField(
        name=name, kind=kind, label_en=labels[0].strip(), label_ur=labels[1].strip(),
        required=spec.get("required", True) is not False,
        choices=tuple(choices) if kind == ApplicationFieldKind.CHOICE else (),
        minimum=minimum, maximum=maximum,
        max_length=length if isinstance(length, int) and 0 < length <= 1000 else TEXT_LENGTH,
    )  # fmt: skip


def application_fields(parameters: dict) -> list[ApplicationField]:
    """The questions of a programme's parameters, checked; ValidationError names what is wrong."""
    specs = (parameters or {}).get("application_fields", [])
    if not isinstance(specs, list):
        raise ValidationError(_g(MSG_FIELDS_LIST))
    fields, seen = [], set()
    for number, spec in enumerate(specs, start=1):
        field = _field(number, spec, seen)
        seen.add(field.name)
        fields.append(field)
    return fields


def ranking(parameters: dict) -> Ranking:
    """The ranking's settings, checked against the questions (defaults: equal weights, and the questions
    called merit, university and university_province)."""
    fields = {field.name: field for field in application_fields(parameters)}
    settings = (parameters or {}).get("ranking") or {}
    weights = {}
    for setting, default in DEFAULT_WEIGHTS.items():
        weight = _number(settings.get(setting, default))
        if weight is None or not 0 <= weight <= 100:
            raise ValidationError(_g(MSG_WEIGHT) % {"setting": setting})
        weights[setting] = weight
    names = {}
    for setting, default, kind in (
        ("merit_field", "merit", ApplicationFieldKind.NUMBER),
        ("university_field", "university", ApplicationFieldKind.UNIVERSITY),
        ("province_field", "university_province", ApplicationFieldKind.PROVINCE),
    ):
        name = settings.get(setting, default)
        if name not in fields or fields[name].kind != kind:
            raise ValidationError(_g(MSG_RANKING_FIELD) % {"setting": setting, "name": name, "kind": kind})
        names[setting] = name
    return Ranking(**weights, **names)


def parameters_check(parameters: dict, *, takes_applications: bool) -> None:
    """Refuse parameters the application form or the ranking could not use."""
    fields = application_fields(parameters)
    if takes_applications and not fields:
        raise ValidationError(_g(MSG_NO_FIELDS))
    if takes_applications and (parameters or {}).get("ranking") is not None:
        ranking(parameters)


def answer_clean(field: ApplicationField, raw, *, universities: list[str]) -> object:
    """One answer as it is kept (text, a number, a province code), or ValidationError in plain words."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        if field.required:
            raise ValidationError(_g(MSG_REQUIRED))
        return None
    if field.kind == ApplicationFieldKind.NUMBER:
        number = _number(text)
        if number is None:
            raise ValidationError(_g(MSG_NUMBER))
        low, high = field.minimum, field.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValidationError(_g(MSG_BETWEEN) % {"minimum": low if low is not None else "−∞",
                                                      "maximum": high if high is not None else "∞"})  # fmt: skip
        return float(number)
    allowed = {
        ApplicationFieldKind.CHOICE: field.choices,
        ApplicationFieldKind.PROVINCE: tuple(Province.objects.values_list("code", flat=True)),
        ApplicationFieldKind.UNIVERSITY: tuple(universities) if universities else None,
    }.get(field.kind)
    if allowed is not None and text not in allowed:
        raise ValidationError(_g(MSG_NOT_A_CHOICE))
    if len(text) > field.max_length:
        raise ValidationError(_g(MSG_TOO_LONG) % {"count": field.max_length})
    return text


def answers_clean(fields: list[ApplicationField], raw: dict, *, universities: list[str]) -> dict:
    """Every answer checked; ValidationError with a message for each question that is wrong."""
    answers, errors = {}, {}
    for field in fields:
        try:
            value = answer_clean(field, raw.get(field.name), universities=universities)
        except ValidationError as error:
            errors[field.name] = error.messages
            continue
        if value is not None:
            answers[field.name] = value
    if errors:
        raise ValidationError(errors)
    return answers

"""A programme's rules, checked and compiled: who is eligible, what each one receives, and why someone
is not. Rules are text in the expression language (`core.expressions`), parsed into a tree that is never
evaluated as Python, and compiled into polars expressions that judge every unit of a frame at once.

A benefit is worked out as the programme's table says: the first base line whose condition holds gives
the amount and the category; every top-up whose condition holds is added; the cap limits the sum.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import polars as pl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.expressions import (
    And,
    Comparison,
    ExpressionError,
    Field,
    Node,
    Not,
    Or,
    parse_expression,
    to_polars,
    to_text,
)
from ehsaas.core.models import District, Province
from ehsaas.programs.choices import BenefitKind
from ehsaas.programs.fields import enrolment_field, rule_fields

MSG_RULE = _("%(rule)s: %(problem)s")
MSG_EMPTY_RULE = _("The eligibility rule is empty: write who qualifies, e.g. pmt_score <= 32.")
MSG_UNKNOWN_PLACE = _("no %(field)s is called “%(value)s” (%(where)s)")
MSG_NO_BASE = _("The benefit needs at least one base amount.")
NOT_ELIGIBLE = _("not eligible")


@dataclass(frozen=True)
class BenefitLine:
    kind: str
    label: str
    condition: Node | None  # None: always
    amount: int


@dataclass(frozen=True)
class CompiledRules:
    """A programme's rules ready to judge frames of its units."""

    eligibility: Node
    benefits: tuple[BenefitLine, ...]
    fields: Mapping[str, Field]
    cap: int | None = None
    # The enrolment flags the rules read: {column in_<code>: programme code}.
    flags: Mapping[str, str] = field(default_factory=dict)

    def eligible(self) -> pl.Expr:
        return to_polars(self.eligibility, self.fields)

    def amount_and_category(self) -> tuple[pl.Expr, pl.Expr]:
        """The amount (Rs a payment) and the category label of each unit (0 and null when no base line
        holds)."""
        amount, category = pl.lit(0, dtype=pl.Int64), pl.lit(None, dtype=pl.String)
        for line in reversed([b for b in self.benefits if b.kind == BenefitKind.BASE]):
            holds = pl.lit(True) if line.condition is None else to_polars(line.condition, self.fields)
            amount = pl.when(holds).then(pl.lit(line.amount, dtype=pl.Int64)).otherwise(amount)
            category = pl.when(holds).then(pl.lit(line.label)).otherwise(category)
        for line in (b for b in self.benefits if b.kind == BenefitKind.TOP_UP):
            holds = pl.lit(True) if line.condition is None else to_polars(line.condition, self.fields)
            amount = amount + pl.when(holds).then(pl.lit(line.amount, dtype=pl.Int64)).otherwise(0)
        if self.cap is not None:
            amount = pl.min_horizontal(amount, pl.lit(self.cap, dtype=pl.Int64))
        return amount, category

    def reason_not_eligible(self) -> pl.Expr:
        """For each unit, the first part of the rule it fails, as text (the whole rule when the rule is
        not a list of conditions joined by `and`); null for those eligible."""
        parts = self.eligibility.parts if isinstance(self.eligibility, And) else (self.eligibility,)
        reason = pl.lit(None, dtype=pl.String)
        for part in reversed(parts):
            reason = pl.when(~to_polars(part, self.fields)).then(pl.lit(to_text(part))).otherwise(reason)
        return reason


def _places(node: Node) -> Node:
    """The tree with each province or district named by its code, as the unit frames hold them (a rule
    may name a place by its code or its English or Urdu name, in any case)."""
    if isinstance(node, And | Or):
        return type(node)(tuple(_places(part) for part in node.parts))
    if isinstance(node, Not):
        return Not(_places(node.part))
    if node.field not in ("province", "district"):
        return node
    model = Province if node.field == "province" else District
    codes = {}
    for code, name_en, name_ur in model.objects.values_list("code", "name_en", "name_ur"):
        codes |= {code.casefold(): code, name_en.casefold(): code, name_ur: code}

    def code_of(value: str) -> str:
        found = codes.get(value.casefold()) or codes.get(value)
        if found is None:
            raise ExpressionError(
                _g(MSG_UNKNOWN_PLACE) % {"field": node.field, "value": value, "where": node.where}
            )
        return found

    value = tuple(code_of(v) for v in node.value) if node.operator == "in" else code_of(node.value)
    return replace(node, value=value)


def _fields_read(node: Node) -> set[str]:
    if isinstance(node, Comparison):
        return {node.field}
    if isinstance(node, Not):
        return _fields_read(node.part)
    return set().union(*(_fields_read(part) for part in node.parts))


def parse_rule(text: str, fields: Mapping[str, Field], *, label: str) -> Node:
    """One rule parsed and its places resolved, or a ValidationError that names the rule (`label`)."""
    try:
        return _places(parse_expression(text, fields))
    except ExpressionError as error:
        raise ValidationError(_g(MSG_RULE) % {"rule": label, "problem": str(error)}) from error


def compile_rules(
    *,
    code: str,
    unit: str,
    eligibility: str,
    benefits: Iterable[tuple[str, str, str, int]],
    cap: int | None,
    programme_codes: Iterable[str],
) -> CompiledRules:
    """Check and compile a programme's rules; every problem is gathered in one ValidationError, each
    naming its rule. `benefits` are (kind, label, condition text or "", amount) in order."""
    programme_codes = [other for other in programme_codes if other != code]  # never its own enrolment
    fields = rule_fields(unit, programme_codes)
    problems: list[str] = []
    tree = None
    if not eligibility.strip():
        problems.append(str(MSG_EMPTY_RULE))
    else:
        try:
            tree = parse_rule(eligibility, fields, label=_g("Eligibility rule"))
        except ValidationError as error:
            problems += error.messages
    lines = []
    for number, (kind, label, condition, amount) in enumerate(benefits, start=1):
        name = _g("Benefit line %(number)s (%(label)s)") % {"number": number, "label": label}
        try:
            node = parse_rule(condition, fields, label=name) if condition.strip() else None
        except ValidationError as error:
            problems += error.messages
            continue
        lines.append(BenefitLine(kind, label, node, amount))
    if not any(kind == BenefitKind.BASE for kind, *_rest in benefits):
        problems.append(str(MSG_NO_BASE))
    if problems:
        raise ValidationError(problems)
    read = _fields_read(tree).union(*(_fields_read(line.condition) for line in lines if line.condition))
    flags = {enrolment_field(other): other for other in programme_codes if enrolment_field(other) in read}
    return CompiledRules(eligibility=tree, benefits=tuple(lines), fields=fields, cap=cap, flags=flags)


def programme_rules(programme) -> CompiledRules:
    """The compiled rules of a saved Programme."""
    from_db = programme.benefit_rules.order_by("order").values_list("kind", "label", "condition", "amount")
    codes = type(programme).objects.values_list("code", flat=True)
    return compile_rules(
        code=programme.code, unit=programme.unit, eligibility=programme.eligibility, benefits=list(from_db),
        cap=programme.benefit_cap, programme_codes=list(codes),
    )  # fmt: skip

"""The query language of DCI searches and subscription filters, compiled into Django Q objects.

Three forms reach the same small tree of comparisons joined by and / or / not:

* a text expression (query_type `expression` or `predicate` given as a string), parsed here by a
  recursive-descent parser, never evaluated:

      poverty_score < 20 and district = "Attock"
      (area = "rural" or household_size >= 8) and not has_disabled_member = false
      province in ("PK-PB", "Sindh")

* the standard's `expression` object, a MongoDB-like document:
  `{"collection": "Group", "query": {"$and": [{"poverty_score": {"$lt": 20}}, {"district": {"$eq": "Attock"}}]}}`;
* the standard's `predicate` list: `[{"seq_num": 1, "expression1": {"attribute_name": "poverty_score",
  "operator": "lt", "attribute_value": 20}, "condition": "and", "expression2": {…}}]`, the items joined
  by `and` in `seq_num` order.

Every refusal is a QueryError whose message says what is wrong and where (a character position in a
text expression, a path such as `query.$and[1]` in a JSON one).
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual
from django.utils.translation import gettext
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import AreaType
from ehsaas.registry.choices import MemberStatus
from ehsaas.registry.models import Member

MAX_LENGTH = 2000
MAX_DEPTH = 20

MSG_UNKNOWN_FIELD = _("unknown field “%(field)s” %(where)s; the fields are: %(fields)s")
MSG_EXPECTED = _("expected %(expected)s %(where)s, found “%(found)s”")
MSG_UNEXPECTED = _("unexpected “%(found)s” %(where)s")
MSG_UNCLOSED_TEXT = _("the text value opened %(where)s is never closed")
MSG_BAD_VALUE = _("%(field)s needs %(kind)s, not “%(value)s” (%(where)s)")
MSG_BAD_OPERATOR = _("%(field)s cannot be compared with “%(operator)s” (%(where)s); use one of: %(allowed)s")
MSG_TOO_LONG = _("the query is longer than %(limit)d characters")
MSG_TOO_DEEP = _("the query nests more than %(limit)d levels deep")
MSG_NOT_A_QUERY = _("%(where)s: expected %(expected)s")
MSG_EMPTY = _("the query is empty")

# The words a reader can look for in messages; translated where they are used.
AT_CHARACTER = _("at character %(position)d")
AT_PATH = _("at %(path)s")


class QueryError(ValueError):
    """A query that cannot be run; the message says what and where."""


@dataclass(frozen=True)
class Comparison:
    field: str
    operator: str  # one of =, !=, <, <=, >, >=, in
    value: object
    where: str


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: object


# --- fields ----------------------------------------------------------------------------------------

ORDERING = ("=", "!=", "<", "<=", ">", ">=", "in")
EQUALITY = ("=", "!=", "in")


def _active_member_count():
    return Coalesce(
        Subquery(
            Member.objects.filter(household=OuterRef("pk"), status=MemberStatus.ACTIVE)
            .order_by()
            .values("household")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _disabled_member():
    return Exists(
        Member.objects.filter(household=OuterRef("pk"), status=MemberStatus.ACTIVE).exclude(disability="")
    )


@dataclass(frozen=True)
class Field:
    kind: str  # number, text, place, bool, date, area
    path: str = ""  # the ORM path compared, for plain columns
    operators: tuple = ORDERING


FIELDS: dict[str, Field] = {
    "poverty_score": Field("number", "pmt_score__score"),
    "district": Field("place", "district", EQUALITY),
    "province": Field("place", "province", EQUALITY),
    "tehsil": Field("place", "tehsil", EQUALITY),
    "area": Field("area", "area", EQUALITY),
    "household_size": Field("number", "household_size"),
    "has_disabled_member": Field("bool", "has_disabled_member", ("=", "!=")),
    "household_id": Field("text", "household_ref", EQUALITY),
    "registration_date": Field("date", "survey_date"),
    "rooms": Field("number", "rooms"),
    "electricity": Field("bool", "electricity", ("=", "!=")),
    "land_acres": Field("number", "land_acres"),
}
# The standard's own names for some of the same things.
ALIASES = {"group_size": "household_size", "location": "district", "is_disabled": "has_disabled_member"}

_KIND_LABELS = {
    "number": _("a number"),
    "text": _("a text value in quotes"),
    "place": _("a code or name in quotes"),
    "bool": _("true or false"),
    "date": _("a date written YYYY-MM-DD"),
    "area": _("“urban” or “rural”"),
}


def field_named(name: str, where: str) -> tuple[str, Field]:
    canonical = ALIASES.get(name, name)
    if canonical not in FIELDS:
        raise QueryError(
            _g(MSG_UNKNOWN_FIELD) % {"field": name, "where": where, "fields": ", ".join(sorted(FIELDS))}
        )
    return canonical, FIELDS[canonical]


def comparison(name: str, operator: str, value, where: str) -> Comparison:
    """A checked comparison: the field exists, takes this operator, and the value has its kind."""
    canonical, field = field_named(name, where)
    if operator not in field.operators:
        raise QueryError(
            _g(MSG_BAD_OPERATOR)
            % {"field": canonical, "operator": operator, "where": where, "allowed": " ".join(field.operators)}
        )
    values = value if operator == "in" else [value]
    if operator == "in" and (not isinstance(value, list | tuple) or not value):
        raise QueryError(
            _g(MSG_BAD_VALUE)
            % {"field": canonical, "kind": gettext("a list of values"), "value": value, "where": where}
        )
    checked = [_checked_value(canonical, field, v, where) for v in values]
    return Comparison(canonical, operator, tuple(checked) if operator == "in" else checked[0], where)


def _checked_value(name: str, field: Field, value, where: str):
    def refuse():
        raise QueryError(
            _g(MSG_BAD_VALUE)
            % {"field": name, "kind": _g(_KIND_LABELS[field.kind]), "value": value, "where": where}
        )

    if field.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            refuse()
        return value
    if field.kind == "bool":
        if not isinstance(value, bool):
            refuse()
        return value
    if not isinstance(value, str) or not value.strip():
        refuse()
    if field.kind == "area":
        if value.lower() not in AreaType.values:
            refuse()
        return value.lower()
    if field.kind == "date":
        try:
            return date.fromisoformat(value)
        except ValueError:
            refuse()
    return value.strip()


# --- the text language ------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<text>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<operator><=|>=|!=|==|=|<|>)
      | (?P<punct>[(),])""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}


@dataclass(frozen=True)
class Token:
    kind: str  # number, text, word, keyword, operator, punct, end
    value: object
    position: int  # 1-based character


def _at(position: int) -> str:
    return _g(AT_CHARACTER) % {"position": position}


def tokenize(text: str) -> list[Token]:
    tokens, index = [], 0
    while index < len(text):
        match = _TOKEN.match(text, index)
        if match is None:
            if text[index] in "\"'":
                raise QueryError(_g(MSG_UNCLOSED_TEXT) % {"where": _at(index + 1)})
            raise QueryError(_g(MSG_UNEXPECTED) % {"found": text[index], "where": _at(index + 1)})
        kind, raw = match.lastgroup, match.group()
        if kind == "number":
            tokens.append(Token("number", float(raw) if "." in raw else int(raw), index + 1))
        elif kind == "text":
            tokens.append(Token("text", re.sub(r"\\(.)", r"\1", raw[1:-1]), index + 1))
        elif kind == "word" and raw.lower() in _KEYWORDS:
            tokens.append(Token("keyword", raw.lower(), index + 1))
        elif kind == "operator":
            tokens.append(Token("operator", "=" if raw == "==" else raw, index + 1))
        elif kind != "space":
            tokens.append(Token(kind, raw, index + 1))
        index = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    """or_expr := and_expr ("or" and_expr)* ; and_expr := not_expr ("and" not_expr)* ;
    not_expr := "not" not_expr | "(" or_expr ")" | FIELD OPERATOR VALUE | FIELD "in" "(" VALUE ("," VALUE)* ")"
    """

    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, kind: str, value: str | None, expected: str) -> Token:
        token = self.peek()
        if token.kind != kind or (value is not None and token.value != value):
            self.fail(expected, token)
        return self.take()

    def fail(self, expected: str, token: Token):
        found = token.value if token.kind != "end" else gettext("the end of the query")
        raise QueryError(
            _g(MSG_EXPECTED) % {"expected": expected, "where": _at(token.position), "found": found}
        )

    def parse(self):
        node = self.or_expr()
        if self.peek().kind != "end":
            self.fail(gettext("“and”, “or” or the end of the query"), self.peek())
        return node

    def or_expr(self):
        parts = [self.and_expr()]
        while self.peek() == Token("keyword", "or", self.peek().position):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self):
        parts = [self.not_expr()]
        while self.peek() == Token("keyword", "and", self.peek().position):
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(_g(MSG_TOO_DEEP) % {"limit": MAX_DEPTH})
        try:
            token = self.peek()
            if token.kind == "keyword" and token.value == "not":
                self.take()
                return Not(self.not_expr())
            if token.kind == "punct" and token.value == "(":
                self.take()
                node = self.or_expr()
                self.expect("punct", ")", "“)”")
                return node
            return self.comparison()
        finally:
            self.depth -= 1

    def comparison(self) -> Comparison:
        name = self.expect("word", None, gettext("a field name"))
        where = _at(name.position)
        field_named(name.value, where)
        operator = self.peek()
        if operator.kind == "keyword" and operator.value == "in":
            self.take()
            self.expect("punct", "(", "“(”")
            values = [self.value()]
            while self.peek().kind == "punct" and self.peek().value == ",":
                self.take()
                values.append(self.value())
            self.expect("punct", ")", "“)”")
            return comparison(name.value, "in", values, where)
        self.expect("operator", None, gettext("a comparison such as = < >= or in"))
        return comparison(name.value, operator.value, self.value(), where)

    def value(self):
        token = self.take()
        if token.kind in ("number", "text"):
            return token.value
        if token.kind == "keyword" and token.value in ("true", "false"):
            return token.value == "true"
        self.index -= 1
        self.fail(gettext("a value (a number, text in quotes, true or false)"), token)


def parse_text(text: str):
    if len(text) > MAX_LENGTH:
        raise QueryError(_g(MSG_TOO_LONG) % {"limit": MAX_LENGTH})
    if not text.strip():
        raise QueryError(_g(MSG_EMPTY))
    return _Parser(text).parse()


# --- the standard's JSON forms ----------------------------------------------------------------------

_MONGO_OPERATORS = {"$eq": "=", "$ne": "!=", "$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">=", "$in": "in"}
_PREDICATE_OPERATORS = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in", "ne": "!="}


def _path(path: str) -> str:
    return _g(AT_PATH) % {"path": path}


def _not_a(path: str, expected: str):
    raise QueryError(_g(MSG_NOT_A_QUERY) % {"where": path, "expected": expected})


def parse_document(document, path: str = "query", depth: int = 0):
    """A MongoDB-like document: {"$and": [...]}, {"$or": [...]}, {"$not": {...}}, {field: {"$lt": v}}
    or {field: v} for equality; several keys in one object are joined by and."""
    if depth > MAX_DEPTH:
        raise QueryError(_g(MSG_TOO_DEEP) % {"limit": MAX_DEPTH})
    if not isinstance(document, dict) or not document:
        _not_a(path, gettext("an object"))
    parts = []
    for key, value in document.items():
        here = f"{path}.{key}"
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                _not_a(here, gettext("a list of conditions"))
            children = tuple(parse_document(v, f"{here}[{i}]", depth + 1) for i, v in enumerate(value))
            parts.append(And(children) if key == "$and" else Or(children))
        elif key == "$not":
            parts.append(Not(parse_document(value, here, depth + 1)))
        elif isinstance(value, dict):
            if len(value) != 1 or next(iter(value)) not in _MONGO_OPERATORS:
                _not_a(here, gettext("one of %(operators)s") % {"operators": " ".join(_MONGO_OPERATORS)})
            operator, operand = next(iter(value.items()))
            parts.append(comparison(key, _MONGO_OPERATORS[operator], operand, _path(here)))
        else:
            parts.append(comparison(key, "=", value, _path(here)))
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _predicate_expression(expression, path: str) -> Comparison:
    if not isinstance(expression, dict) or not {"attribute_name", "operator", "attribute_value"} <= set(
        expression
    ):
        _not_a(path, gettext("an object with attribute_name, operator and attribute_value"))
    operator = expression["operator"]
    if operator not in _PREDICATE_OPERATORS:
        _not_a(
            f"{path}.operator",
            gettext("one of %(operators)s") % {"operators": " ".join(_PREDICATE_OPERATORS)},
        )
    return comparison(
        str(expression["attribute_name"]),
        _PREDICATE_OPERATORS[operator],
        expression["attribute_value"],
        _path(path),
    )


def parse_predicates(predicates, path: str = "query"):
    if not isinstance(predicates, list) or not predicates:
        _not_a(path, gettext("a list of predicates"))
    items = []
    for index, item in enumerate(predicates):
        here = f"{path}[{index}]"
        if not isinstance(item, dict) or "expression1" not in item:
            _not_a(here, gettext("an object with expression1"))
        node = _predicate_expression(item["expression1"], f"{here}.expression1")
        condition = item.get("condition")
        if condition == "not" and "expression2" not in item:
            node = Not(node)
        elif condition is not None or "expression2" in item:
            if condition not in ("and", "or", "not") or "expression2" not in item:
                _not_a(f"{here}.condition", gettext("and, or or not, with expression2"))
            second = _predicate_expression(item["expression2"], f"{here}.expression2")
            node = {"and": And((node, second)), "or": Or((node, second)), "not": And((node, Not(second)))}[
                condition
            ]
        seq = item.get("seq_num", index)
        items.append((seq if isinstance(seq, int | float) else index, index, node))
    nodes = tuple(node for _, _, node in sorted(items, key=lambda t: (t[0], t[1])))
    return nodes[0] if len(nodes) == 1 else And(nodes)


def parse_query(query_type: str, query):
    """The tree of an `expression` or `predicate` query in any of its accepted forms."""
    if isinstance(query, dict) and "value" in query and "type" in query:
        query = query["value"]  # the standard's {"type": "…:expression", "value": {…}} wrapper
    if isinstance(query, dict) and "expression" in query:
        query = query["expression"]
    if isinstance(query, str):
        return parse_text(query)
    if query_type == "predicate" and isinstance(query, list):
        return parse_predicates(query)
    if isinstance(query, dict) and "query" in query:
        return parse_document(query["query"])
    if isinstance(query, dict):
        return parse_document(query)
    _not_a("query", gettext("a text expression, an expression object or a list of predicates"))


# --- compiling to Q -------------------------------------------------------------------------------

_LOOKUPS = {"<": LessThan, "<=": LessThanOrEqual, ">": GreaterThan, ">=": GreaterThanOrEqual, "=": Exact}
_SUFFIX = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte", "=": "exact", "in": "in"}


def _place_q(path: str, value: str) -> Q:
    return (
        Q(**{f"{path}__code__iexact": value})
        | Q(**{f"{path}__name_en__iexact": value})
        | Q(**{f"{path}__name_ur": value})
    )


def _comparison_q(node: Comparison) -> Q:
    field = FIELDS[node.field]
    negate = node.operator == "!="
    operator = "=" if negate else node.operator
    if field.kind == "place":
        values = node.value if operator == "in" else (node.value,)
        q = Q()
        for value in values:
            q |= _place_q(field.path, value)
    elif node.field == "household_size":
        if operator == "in":
            q = Q(*[Exact(_active_member_count(), v) for v in node.value], _connector=Q.OR)
        else:
            q = Q(_LOOKUPS[operator](_active_member_count(), node.value))
    elif node.field == "has_disabled_member":
        q = Q(_disabled_member()) if node.value else ~Q(_disabled_member())
    else:
        q = Q(**{f"{field.path}__{_SUFFIX[operator]}": node.value})
    return ~q if negate else q


def to_q(node) -> Q:
    if isinstance(node, Comparison):
        return _comparison_q(node)
    if isinstance(node, Not):
        return ~to_q(node.part)
    combined = Q()
    for part in node.parts:
        combined = combined & to_q(part) if isinstance(node, And) else combined | to_q(part)
    return combined


def query_q(query_type: str, query) -> Q:
    """The Q of a search's `expression` or `predicate` query; raises QueryError."""
    return to_q(parse_query(query_type, query))

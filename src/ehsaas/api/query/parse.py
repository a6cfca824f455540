"""The parsers of the three forms of a query (see the package's docstring), each giving the tree of
`tree`: a recursive-descent parser for the text language, never evaluated, and readers of the
standard's two JSON forms."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.api.query.tree import And, Comparison, Not, Or, QueryError, comparison, field_named

MAX_LENGTH = 2000
MAX_DEPTH = 20

MSG_EXPECTED = _("expected %(expected)s %(where)s, found “%(found)s”")
MSG_UNEXPECTED = _("unexpected “%(found)s” %(where)s")
MSG_UNCLOSED_TEXT = _("the text value opened %(where)s is never closed")
MSG_TOO_LONG = _("the query is longer than %(limit)d characters")
MSG_TOO_DEEP = _("the query nests more than %(limit)d levels deep")
MSG_NOT_A_QUERY = _("%(where)s: expected %(expected)s")
MSG_EMPTY = _("the query is empty")

# The words a reader can look for in messages; translated where they are used.
AT_CHARACTER = _("at character %(position)d")
AT_PATH = _("at %(path)s")


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

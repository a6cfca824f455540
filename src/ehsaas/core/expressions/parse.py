"""The text language's tokenizer and recursive-descent parser: text in, a checked tree out, nothing
evaluated. Every refusal names the character where the reader stopped."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.expressions.tree import And, ExpressionError, Field, Node, Not, Or, comparison, field_named

MAX_LENGTH = 2000
MAX_DEPTH = 20

MSG_EXPECTED = _("expected %(expected)s %(where)s, found “%(found)s”")
MSG_UNEXPECTED = _("unexpected “%(found)s” %(where)s")
MSG_UNCLOSED_TEXT = _("the text value opened %(where)s is never closed")
MSG_TOO_LONG = _("the query is longer than %(limit)d characters")
MSG_TOO_DEEP = _("the query nests more than %(limit)d levels deep (%(where)s)")
MSG_EMPTY = _("the query is empty")

AT_CHARACTER = _("at character %(position)d")

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<text>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<operator><=|>=|!=|==|=|<|>)
      | (?P<punct>[(),])""",
    re.VERBOSE,
)
KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})


@dataclass(frozen=True)
class Token:
    kind: str  # number, text, word, keyword, operator, punct, end
    value: object
    position: int  # 1-based character

    def is_(self, kind: str, value: object) -> bool:
        return self.kind == kind and self.value == value


def at_character(position: int) -> str:
    return _g(AT_CHARACTER) % {"position": position}


def tokenize(text: str) -> list[Token]:
    tokens, index = [], 0
    while index < len(text):
        match = _TOKEN.match(text, index)
        if match is None:
            if text[index] in "\"'":
                raise ExpressionError(_g(MSG_UNCLOSED_TEXT) % {"where": at_character(index + 1)})
            raise ExpressionError(
                _g(MSG_UNEXPECTED) % {"found": text[index], "where": at_character(index + 1)}
            )
        kind, raw = match.lastgroup, match.group()
        if kind == "number":
            tokens.append(Token("number", float(raw) if "." in raw else int(raw), index + 1))
        elif kind == "text":
            tokens.append(Token("text", re.sub(r"\\(.)", r"\1", raw[1:-1]), index + 1))
        elif kind == "word" and raw.lower() in KEYWORDS:
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

    def __init__(self, text: str, fields: Mapping[str, Field]):
        self.tokens = tokenize(text)
        self.fields = fields
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
        raise ExpressionError(
            _g(MSG_EXPECTED) % {"expected": expected, "where": at_character(token.position), "found": found}
        )

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek().kind != "end":
            self.fail(gettext("“and”, “or” or the end of the query"), self.peek())
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.peek().is_("keyword", "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.peek().is_("keyword", "and"):
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                _g(MSG_TOO_DEEP) % {"limit": MAX_DEPTH, "where": at_character(self.peek().position)}
            )
        try:
            token = self.peek()
            if token.is_("keyword", "not"):
                self.take()
                return Not(self.not_expr())
            if token.is_("punct", "("):
                self.take()
                node = self.or_expr()
                self.expect("punct", ")", "“)”")
                return node
            return self.comparison()
        finally:
            self.depth -= 1

    def comparison(self) -> Node:
        name = self.expect("word", None, gettext("a field name"))
        where = at_character(name.position)
        # The field first, so that a misspelt name is named before whatever follows it.
        field_named(name.value, self.fields, where)
        operator = self.peek()
        if operator.is_("keyword", "in"):
            self.take()
            self.expect("punct", "(", "“(”")
            values = [self.value()]
            while self.peek().is_("punct", ","):
                self.take()
                values.append(self.value())
            self.expect("punct", ")", "“)”")
            return comparison(name.value, "in", values, fields=self.fields, where=where)
        self.expect("operator", None, gettext("a comparison such as = < >= or in"))
        return comparison(name.value, operator.value, self.value(), fields=self.fields, where=where)

    def value(self):
        token = self.peek()
        if token.kind in ("number", "text"):
            return self.take().value
        if token.is_("keyword", "true") or token.is_("keyword", "false"):
            return self.take().value == "true"
        self.fail(gettext("a value (a number, text in quotes, true or false)"), token)


def parse_expression(text: str, fields: Mapping[str, Field]) -> Node:
    """The checked tree of `text` over the catalogue `fields`; raises ExpressionError."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(_g(MSG_TOO_LONG) % {"limit": MAX_LENGTH})
    if not text.strip():
        raise ExpressionError(_g(MSG_EMPTY))
    return _Parser(text, fields).parse()

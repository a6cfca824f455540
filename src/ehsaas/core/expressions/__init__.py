"""A small expression language for rules stored as data: DCI searches, programme eligibility and
benefit rules. Text is read by a recursive-descent parser into a tree and checked against a catalogue
of fields; nothing is ever evaluated as Python.

    expression := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" or_expr ")" | comparison
    comparison := FIELD ("=" | "!=" | "<" | "<=" | ">" | ">=") VALUE | FIELD "in" "(" VALUE ("," VALUE)* ")"
    VALUE      := a number (20, -3, 2.5) | text in "double" or 'single' quotes | true | false

`not` binds tighter than `and`, and `and` tighter than `or`; keywords may be written in any case, `==`
is read as `=`, and a date is written as quoted text, "2024-07-01". For example:

    poverty_score < 20 and district = "Attock"
    (area = "rural" or household_size >= 8) and not has_disabled_member = false
    sex = "female" and province in ("PK-PB", "سندھ")

The caller gives the catalogue, a mapping of names to `Field`s (a kind, the operators allowed, the
choices of a `choice`, the column read by the polars compiler). Each comparison is checked against it
as it is read: the field exists, takes the operator, and the value has the field's kind. Every refusal
is an `ExpressionError` whose message says what is wrong and at which character; text is limited in
length (MAX_LENGTH) and nesting (MAX_DEPTH).

- `tree`: the nodes, `Field`, and the checks of a comparison;
- `parse`: the tokenizer and parser, `parse_expression(text, fields)`;
- `polars`: `to_polars(node, fields)`, the tree as one boolean polars expression over many rows;
- `write`: `to_text(node)`, the tree written back as canonical text.
"""

from ehsaas.core.expressions.parse import MAX_DEPTH, MAX_LENGTH, parse_expression
from ehsaas.core.expressions.polars import to_polars
from ehsaas.core.expressions.tree import (
    EQUALITY,
    ORDERING,
    SAMENESS,
    And,
    Comparison,
    ExpressionError,
    Field,
    Node,
    Not,
    Or,
    comparison,
)
from ehsaas.core.expressions.write import to_text

__all__ = [
    "EQUALITY",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "ORDERING",
    "SAMENESS",
    "And",
    "Comparison",
    "ExpressionError",
    "Field",
    "Node",
    "Not",
    "Or",
    "comparison",
    "parse_expression",
    "to_polars",
    "to_text",
]

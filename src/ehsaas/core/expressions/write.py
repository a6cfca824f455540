"""A tree written back as canonical text: what a page shows of a rule, whichever form it was given in.

The text reads back into the same tree: `parse_expression(to_text(node), fields) == node`. Parentheses
are written only where the reading would otherwise change, keywords in lower case, text in double
quotes, dates as quoted YYYY-MM-DD and numbers without exponents."""

from datetime import date
from decimal import Decimal

from ehsaas.core.expressions.tree import And, Comparison, Node, Not, Or

# How tightly each node binds; a part that binds no more tightly than its whole is put in parentheses.
_OR, _AND, _NOT, _COMPARISON = 1, 2, 3, 4


def _binding(node: Node) -> int:
    if isinstance(node, Or):
        return _OR
    if isinstance(node, And):
        return _AND
    if isinstance(node, Not):
        return _NOT
    return _COMPARISON


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr would write 1e-07, which the tokenizer does not read; Decimal writes 0.0000001.
        written = format(Decimal(repr(value)), "f")
        return written if "." in written else f"{written}.0"
    if isinstance(value, date):
        return f'"{value.isoformat()}"'
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _part(node: Node, whole: int) -> str:
    text = to_text(node)
    return f"({text})" if _binding(node) <= whole else text


def to_text(node: Node) -> str:
    """The canonical text of a tree."""
    if isinstance(node, Comparison):
        if node.operator == "in":
            return f"{node.field} in ({', '.join(_value(v) for v in node.value)})"
        return f"{node.field} {node.operator} {_value(node.value)}"
    if isinstance(node, Not):
        # `not not x` reads as it is written; only an and or an or under a not needs parentheses.
        return f"not {_part(node.part, _AND)}"
    if isinstance(node, And):
        return " and ".join(_part(part, _AND) for part in node.parts)
    if isinstance(node, Or):
        return " or ".join(_part(part, _OR) for part in node.parts)
    raise TypeError(f"not a node of an expression: {node!r}")

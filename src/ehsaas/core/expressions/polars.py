"""A tree compiled into one boolean polars expression, to judge a rule over a million rows at once.

Each field is read from the column its `Field.column` names (the field's own name when that is empty).
A missing value makes its comparison false, whatever the operator, `!=` included; `not` then turns that
false into true, as it would any other. The result is never null, so `frame.filter(expression)` keeps
exactly the rows the rule accepts and `frame.select(expression)` says yes or no for every row.

Values are compared as the frame holds them: a place is compared as text, exactly, so a frame read for
a catalogue of codes holds codes."""

import operator as op
from collections.abc import Mapping
from functools import reduce

import polars as pl

from ehsaas.core.expressions.tree import And, Comparison, Field, Node, Not, Or

_COMPARE = {"=": op.eq, "!=": op.ne, "<": op.lt, "<=": op.le, ">": op.gt, ">=": op.ge}


def _comparison(node: Comparison, fields: Mapping[str, Field]) -> pl.Expr:
    found = fields[node.field]
    column = pl.col(found.column or node.field)
    if node.operator != "in":
        compared = _COMPARE[node.operator](column, pl.lit(node.value))
    elif found.kind == "number":
        # Polars will not look for a float among ints or the other way round; equality will.
        compared = reduce(op.or_, (column == pl.lit(value) for value in node.value))
    else:
        compared = column.is_in(list(node.value))
    return compared.fill_null(False)


def to_polars(node: Node, fields: Mapping[str, Field]) -> pl.Expr:
    """The boolean expression of a tree built over the catalogue `fields`; never null."""
    if isinstance(node, Comparison):
        return _comparison(node, fields)
    if isinstance(node, Not):
        return ~to_polars(node.part, fields)
    if not isinstance(node, And | Or):
        raise TypeError(f"not a node of an expression: {node!r}")
    combine = op.and_ if isinstance(node, And) else op.or_
    return reduce(combine, (to_polars(part, fields) for part in node.parts))

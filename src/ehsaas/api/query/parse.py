"""The readers of the standard's two JSON forms of a query (see the package's docstring), giving the
same checked tree as the text form, which core's expression language reads."""

from django.utils.translation import gettext
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.api.query.fields import FIELDS
from ehsaas.core.expressions import MAX_DEPTH, And, Comparison, ExpressionError, Not, Or, parse_expression
from ehsaas.core.expressions.parse import MSG_TOO_DEEP
from ehsaas.core.expressions.tree import comparison as checked_comparison

MSG_NOT_A_QUERY = _("%(where)s: expected %(expected)s")

AT_PATH = _("at %(path)s")


def _comparison(name: str, operator: str, value, where: str) -> Comparison:
    """A comparison checked against the DCI catalogue."""
    return checked_comparison(name, operator, value, fields=FIELDS, where=where)


_MONGO_OPERATORS = {"$eq": "=", "$ne": "!=", "$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">=", "$in": "in"}
_PREDICATE_OPERATORS = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=", "in": "in", "ne": "!="}


def _path(path: str) -> str:
    return _g(AT_PATH) % {"path": path}


def _not_a(path: str, expected: str):
    raise ExpressionError(_g(MSG_NOT_A_QUERY) % {"where": path, "expected": expected})


def parse_document(document, path: str = "query", depth: int = 0):
    """A MongoDB-like document: {"$and": [...]}, {"$or": [...]}, {"$not": {...}}, {field: {"$lt": v}}
    or {field: v} for equality; several keys in one object are joined by and."""
    if depth > MAX_DEPTH:
        raise ExpressionError(_g(MSG_TOO_DEEP) % {"limit": MAX_DEPTH, "where": _path(path)})
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
            parts.append(_comparison(key, _MONGO_OPERATORS[operator], operand, _path(here)))
        else:
            parts.append(_comparison(key, "=", value, _path(here)))
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
    return _comparison(
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
        return parse_expression(query, FIELDS)
    if query_type == "predicate" and isinstance(query, list):
        return parse_predicates(query)
    if isinstance(query, dict) and "query" in query:
        return parse_document(query["query"])
    if isinstance(query, dict):
        return parse_document(query)
    _not_a("query", gettext("a text expression, an expression object or a list of predicates"))

"""A query's tree compiled into a Django Q over households: the filter of a search or a subscription."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual

from ehsaas.api.query.fields import FIELDS
from ehsaas.api.query.parse import parse_query
from ehsaas.core.expressions import And, Comparison, Not
from ehsaas.registry.choices import MemberStatus
from ehsaas.registry.models import Member


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

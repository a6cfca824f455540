"""The query language of DCI searches and subscription filters, compiled into Django Q objects.

Three forms reach the same small tree of comparisons joined by and / or / not:

* a text expression (query_type `expression` or `predicate` given as a string), read by core's
  expression language (`ehsaas.core.expressions`, whose docstring gives the grammar), never evaluated:

      poverty_score < 20 and district = "Attock"
      (area = "rural" or household_size >= 8) and not has_disabled_member = false
      province in ("PK-PB", "Sindh")

* the standard's `expression` object, a MongoDB-like document:
  `{"collection": "Group", "query": {"$and": [{"poverty_score": {"$lt": 20}}, {"district": {"$eq": "Attock"}}]}}`;
* the standard's `predicate` list: `[{"seq_num": 1, "expression1": {"attribute_name": "poverty_score",
  "operator": "lt", "attribute_value": 20}, "condition": "and", "expression2": {…}}]`, the items joined
  by `and` in `seq_num` order.

Every refusal is a QueryError (core's ExpressionError) whose message says what is wrong and where (a
character position in a text expression, a path such as `query.$and[1]` in a JSON one).

- `fields`: the fields a query may name, the language's catalogue for DCI, with the ORM path of each;
- `parse`: the readers of the two JSON forms, and of any form given as `query_type` and `query`;
- `orm`: the tree compiled into a Q over households.
"""

from ehsaas.api.query.orm import query_q
from ehsaas.core.expressions import ExpressionError

# The name the API's callers have always caught; the language's own error, under the API's word for it.
QueryError = ExpressionError

__all__ = ["QueryError", "query_q"]

"""The query language of DCI searches and subscription filters, compiled into Django Q objects.

Three forms reach the same small tree of comparisons joined by and / or / not:

* a text expression (query_type `expression` or `predicate` given as a string), read by a
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

- `tree`: the comparisons and how they join, the fields a query may name, and the checks of each;
- `parse`: the text language's tokenizer and parser, and the readers of the two JSON forms;
- `orm`: the tree compiled into a Q over households.
"""

from ehsaas.api.query.orm import query_q
from ehsaas.api.query.tree import QueryError

__all__ = ["QueryError", "query_q"]

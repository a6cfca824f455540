"""The expression language rules are written in: how text is read, what is refused and with which words,
how a tree is written back, and the polars compiler agreeing with a plain reading of the same rows."""

import operator
from datetime import date

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ehsaas.core.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Comparison,
    ExpressionError,
    Field,
    Not,
    Or,
    comparison,
    parse_expression,
    to_polars,
    to_text,
)

# A catalogue such as a programme's rules might use.
FIELDS = {
    "pmt_score": Field("number"),
    "household_size": Field("number", column="size", aliases=("group_size",)),
    "district": Field("place"),
    "sex": Field("choice", choices=("female", "male", "other")),
    "area": Field("area"),
    "has_disabled_member": Field("bool"),
    "registered_on": Field("date"),
    "name": Field("text"),
}
FIELD_LIST = "area, district, has_disabled_member, household_size, name, pmt_score, registered_on, sex"


def parsed(text: str):
    return parse_expression(text, FIELDS)


def c(field: str, op: str, value) -> Comparison:
    return Comparison(field, op, value)


# --- reading text -------------------------------------------------------------------------------------


def test_not_binds_tighter_than_and_and_and_tighter_than_or():
    assert parsed("not pmt_score < 10 and area = 'rural' or sex = 'male'") == Or(
        (And((Not(c("pmt_score", "<", 10)), c("area", "=", "rural"))), c("sex", "=", "male"))
    )


def test_parentheses_change_the_grouping():
    assert parsed("not (pmt_score < 10 and (area = 'rural' or sex = 'male'))") == Not(
        And((c("pmt_score", "<", 10), Or((c("area", "=", "rural"), c("sex", "=", "male")))))
    )


def test_a_chain_of_ands_or_ors_is_one_node_with_every_part():
    assert parsed("pmt_score < 1 or pmt_score > 9 or area = 'urban'") == Or(
        (c("pmt_score", "<", 1), c("pmt_score", ">", 9), c("area", "=", "urban"))
    )


def test_an_in_list_is_a_comparison_with_a_tuple_of_checked_values():
    assert parsed("sex in ('Female', \"other\")") == c("sex", "in", ("female", "other"))
    assert parsed("household_size in (6,7 , 8)") == c("household_size", "in", (6, 7, 8))


def test_text_may_be_in_either_quotes_and_escape_its_own_quote():
    assert parsed("""name = "Bibi \\"Gul\\"" or name = 'Qasim\\'s'""") == Or(
        (c("name", "=", 'Bibi "Gul"'), c("name", "=", "Qasim's"))
    )


def test_urdu_text_is_read_as_written():
    assert parsed('district in ("اٹک", "لاہور") and name = "خدیجہ بی بی"') == And(
        (c("district", "in", ("اٹک", "لاہور")), c("name", "=", "خدیجہ بی بی"))
    )


def test_numbers_are_whole_negative_or_decimal():
    node = parsed("pmt_score >= -2 and pmt_score < 32.75 and household_size != 0")
    assert node == And((c("pmt_score", ">=", -2), c("pmt_score", "<", 32.75), c("household_size", "!=", 0)))
    assert [type(part.value) for part in node.parts] == [int, float, int]


def test_true_and_false_are_bools_and_keywords_may_be_written_in_any_case():
    assert parsed("has_disabled_member == TRUE AND Not has_disabled_member != false") == And(
        (c("has_disabled_member", "=", True), Not(c("has_disabled_member", "!=", False)))
    )


def test_a_date_is_written_as_quoted_text_and_read_as_a_date():
    assert parsed("registered_on >= '2024-07-01'") == c("registered_on", ">=", date(2024, 7, 1))


def test_a_choice_or_an_area_is_read_without_regard_to_case_and_kept_as_the_catalogue_spells_it():
    assert parsed("sex = ' FEMALE ' and area != 'Urban'") == And(
        (c("sex", "=", "female"), c("area", "!=", "urban"))
    )


def test_an_alias_names_its_field():
    assert parsed("group_size > 7") == c("household_size", ">", 7)


def test_a_comparison_remembers_where_it_was_written_without_that_changing_its_meaning():
    node = parsed("area = 'rural' and   pmt_score < 5")
    assert [part.where for part in node.parts] == ["at character 1", "at character 22"]
    assert node == parsed("area = 'rural' and pmt_score < 5")


# --- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pmt_scor < 3", f"unknown field “pmt_scor” at character 1; the fields are: {FIELD_LIST}"),
        ("area = 'rural' and colour = 'red'", f"unknown field “colour” at character 20; the fields are: {FIELD_LIST}"),
        ("__import__('os') = 1", f"unknown field “__import__” at character 1; the fields are: {FIELD_LIST}"),
        ("os.system('ls')", "unexpected “.” at character 3"),
        ("district < 'Attock'", "district cannot be compared with “<” (at character 1); use one of: = != in"),
        ("has_disabled_member in (true)", "has_disabled_member cannot be compared with “in” (at character 1); use one of: = !="),
        ("pmt_score < 'low'", "pmt_score needs a number, not “low” (at character 1)"),
        ("has_disabled_member = 1", "has_disabled_member needs true or false, not “1” (at character 1)"),
        ("district = 12", "district needs a code or name in quotes, not “12” (at character 1)"),
        ("name = ''", "name needs a text value in quotes, not “” (at character 1)"),
        ("registered_on > 'last year'", "registered_on needs a date written YYYY-MM-DD, not “last year” (at character 1)"),
        ("area = 'town'", "area needs “urban” or “rural”, not “town” (at character 1)"),
        ("sex = 'femal'", "sex needs one of “female”, “male”, “other”, not “femal” (at character 1)"),
        ("sex in ('female', 'f')", "sex needs one of “female”, “male”, “other”, not “f” (at character 1)"),
        ("district = 'Attock", "the text value opened at character 12 is never closed"),
        ("pmt_score < 20 pmt_score > 1", "expected “and”, “or” or the end of the query at character 16, found “pmt_score”"),
        ("(pmt_score < 20", "expected “)” at character 16, found “the end of the query”"),
        ("pmt_score <", "expected a value (a number, text in quotes, true or false) at character 12, found “the end of the query”"),
        ("district in ()", "expected a value (a number, text in quotes, true or false) at character 14, found “)”"),
        ("pmt_score 20", "expected a comparison such as = < >= or in at character 11, found “20”"),
        ("and pmt_score < 2", "expected a field name at character 1, found “and”"),
        ("pmt_score < 20 & sex = 'male'", "unexpected “&” at character 16"),
        ("   ", "the query is empty"),
    ],
)  # fmt: skip
def test_a_wrong_expression_is_refused_saying_what_and_where(text, message):
    with pytest.raises(ExpressionError) as refusal:
        parsed(text)
    assert str(refusal.value) == message


def test_an_expression_longer_than_the_limit_is_refused_before_it_is_read():
    text = "pmt_score < 1 or " * (MAX_LENGTH // 17) + "pmt_score < 1"
    assert len(text) > MAX_LENGTH
    with pytest.raises(ExpressionError, match=f"^the query is longer than {MAX_LENGTH} characters$"):
        parsed(text)


def test_an_expression_nested_deeper_than_the_limit_is_refused_where_it_goes_too_deep():
    assert parsed("(" * (MAX_DEPTH - 1) + "pmt_score < 1" + ")" * (MAX_DEPTH - 1)) == c("pmt_score", "<", 1)
    with pytest.raises(ExpressionError) as refusal:
        parsed("(" * MAX_DEPTH + "pmt_score < 1" + ")" * MAX_DEPTH)
    assert (
        str(refusal.value)
        == f"the query nests more than {MAX_DEPTH} levels deep (at character {MAX_DEPTH + 1})"
    )
    with pytest.raises(ExpressionError, match="nests more than"):
        parsed("not " * (MAX_DEPTH + 1) + "pmt_score < 1")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True])
def test_a_number_that_is_not_a_finite_number_is_refused_from_any_form(value):
    with pytest.raises(ExpressionError) as refusal:
        comparison("pmt_score", "<", value, fields=FIELDS, where="at query")
    assert str(refusal.value) == f"pmt_score needs a number, not “{value}” (at query)"


def test_an_in_comparison_needs_a_non_empty_list():
    with pytest.raises(ExpressionError) as refusal:
        comparison("district", "in", [], fields=FIELDS, where="at query")
    assert str(refusal.value) == "district needs a list of values, not “[]” (at query)"


def test_a_catalogue_with_an_unknown_kind_or_a_choice_without_choices_is_a_programming_error():
    with pytest.raises(ValueError, match="kind is one of"):
        Field("colour")
    with pytest.raises(ValueError, match="lists its choices"):
        Field("choice")
    with pytest.raises(ValueError, match="lists its choices"):
        Field("text", choices=("a",))
    with pytest.raises(ValueError, match="operators are among"):
        Field("number", operators=("~",))


def test_a_field_takes_its_kinds_usual_operators_unless_told_otherwise():
    assert Field("number").operators == ("=", "!=", "<", "<=", ">", ">=", "in")
    assert Field("bool").operators == ("=", "!=")
    assert Field("place").operators == ("=", "!=", "in")
    assert Field("number", operators=("=",)).operators == ("=",)
    assert Field("area").choices == ("urban", "rural")


# --- writing a tree back as text -------------------------------------------------------------------------


def test_a_tree_is_written_back_with_parentheses_only_where_the_reading_needs_them():
    text = "NOT (pmt_score<32 OR (has_disabled_member=true)) and (sex in ('Female','other') and area='rural')"
    assert to_text(parsed(text)) == (
        'not (pmt_score < 32 or has_disabled_member = true) and (sex in ("female", "other") and area = "rural")'
    )
    assert to_text(parsed("not not area='urban' or (name = 'y' and not (name = 'z'))")) == (
        'not not area = "urban" or name = "y" and not name = "z"'
    )


def test_values_are_written_so_that_they_read_back_the_same():
    node = And(
        (
            c("name", "=", 'Bibi "Gul" \\ Qasim'),
            c("registered_on", "<", date(2024, 1, 31)),
            c("pmt_score", ">", 1e-07),
            c("pmt_score", "<", 1e20),
            c("household_size", "in", (1, 2.5)),
        )
    )
    assert to_text(node) == (
        'name = "Bibi \\"Gul\\" \\\\ Qasim" and registered_on < "2024-01-31" and pmt_score > 0.0000001'
        " and pmt_score < 100000000000000000000.0 and household_size in (1, 2.5)"
    )
    assert parsed(to_text(node)) == node


# --- trees at random --------------------------------------------------------------------------------------

SAMPLE_VALUES = {
    "pmt_score": [-1, 10, 20.5, 32, 37],
    "household_size": [1, 4, 6, 8],
    "district": ["Attock", "Lahore", "اٹک"],
    "sex": ["female", "male", "other"],
    "area": ["urban", "rural"],
    "has_disabled_member": [True, False],
    "registered_on": [date(2022, 1, 1), date(2023, 6, 15), date(2024, 7, 1)],
    "name": ["Shazia", 'Bibi "Gul"', "خدیجہ"],
}


@st.composite
def comparisons(draw):
    name = draw(st.sampled_from(sorted(FIELDS)))
    op = draw(st.sampled_from(FIELDS[name].operators))
    values = st.sampled_from(SAMPLE_VALUES[name])
    if op == "in":
        return Comparison(name, op, tuple(draw(st.lists(values, min_size=1, max_size=3))))
    return Comparison(name, op, draw(values))


TREES = st.recursive(
    comparisons(),
    lambda parts: st.one_of(
        parts.map(Not),
        st.lists(parts, min_size=2, max_size=3).map(lambda p: And(tuple(p))),
        st.lists(parts, min_size=2, max_size=3).map(lambda p: Or(tuple(p))),
    ),
    max_leaves=12,
)


def nesting(node) -> int:
    """How deep the parser goes to read the node's text: one level per `not` and per parenthesis."""
    if isinstance(node, Comparison):
        return 1
    if isinstance(node, Not):
        return 1 + nesting(node.part)
    return max(nesting(part) + (isinstance(part, And | Or)) for part in node.parts)


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_any_tree_written_as_text_reads_back_as_the_same_tree(node):
    assume(nesting(node) <= MAX_DEPTH)
    assert parsed(to_text(node)) == node


# --- the polars compiler -----------------------------------------------------------------------------------

ROWS = [
    {"pmt_score": 12.5, "size": 6, "district": "Attock", "sex": "female", "area": "rural",
     "has_disabled_member": False, "registered_on": date(2023, 6, 15), "name": "Shazia"},
    {"pmt_score": 35.0, "size": 4, "district": "اٹک", "sex": "female", "area": "urban",
     "has_disabled_member": True, "registered_on": date(2022, 1, 1), "name": "خدیجہ"},
    {"pmt_score": 32.0, "size": 8, "district": "Lahore", "sex": "male", "area": "rural",
     "has_disabled_member": True, "registered_on": date(2024, 7, 1), "name": 'Bibi "Gul"'},
    {"pmt_score": None, "size": None, "district": None, "sex": None, "area": None,
     "has_disabled_member": None, "registered_on": None, "name": None},
    {"pmt_score": 37.0, "size": 1, "district": "Attock", "sex": "other", "area": None,
     "has_disabled_member": None, "registered_on": date(2024, 7, 1), "name": "Qasim"},
    {"pmt_score": -1.0, "size": None, "district": "Lahore", "sex": "female", "area": "urban",
     "has_disabled_member": False, "registered_on": None, "name": "Shazia"},
]  # fmt: skip
SCHEMA = {
    "pmt_score": pl.Float64, "size": pl.Int64, "district": pl.String, "sex": pl.String, "area": pl.String,
    "has_disabled_member": pl.Boolean, "registered_on": pl.Date, "name": pl.String,
}  # fmt: skip
FRAME = pl.DataFrame(ROWS, schema=SCHEMA, orient="row")
_COMPARE = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}  # fmt: skip


def plain_reading(node, row: dict) -> bool:
    """The node judged on one row by plain Python: a missing value makes a comparison false."""
    if isinstance(node, Not):
        return not plain_reading(node.part, row)
    if isinstance(node, And):
        return all(plain_reading(part, row) for part in node.parts)
    if isinstance(node, Or):
        return any(plain_reading(part, row) for part in node.parts)
    value = row[FIELDS[node.field].column or node.field]
    if value is None:
        return False
    if node.operator == "in":
        return value in node.value
    return _COMPARE[node.operator](value, node.value)


def polars_reading(node) -> list[bool]:
    return FRAME.select(to_polars(node, FIELDS).alias("accepted"))["accepted"].to_list()


@pytest.mark.parametrize(
    "text",
    [
        "pmt_score <= 32",
        "pmt_score != 32",
        "not pmt_score < 20",
        "household_size in (1, 6.0, 7.5)",
        "pmt_score in (-1, 12.5)",
        'district = "Attock" or district = "اٹک"',
        'district in ("Attock", "Lahore")',
        'not district in ("Attock")',
        "has_disabled_member = true",
        "has_disabled_member != true",
        'registered_on >= "2023-01-01"',
        'registered_on in ("2022-01-01", "2024-07-01")',
        'name = "Bibi \\"Gul\\""',
        'area = "rural" and not (sex = "male" or household_size > 6)',
        'sex = "female" and (pmt_score <= 32 or (pmt_score <= 37 and has_disabled_member = true))',
    ],
)
def test_the_polars_compiler_agrees_with_a_plain_reading_of_every_row(text):
    node = parsed(text)
    assert polars_reading(node) == [plain_reading(node, row) for row in ROWS]


def test_a_missing_value_makes_every_comparison_false_and_not_makes_that_true():
    missing = [row["pmt_score"] is None for row in ROWS].index(True)
    for text in ("pmt_score < 100", "pmt_score >= -100", "pmt_score != 5", "pmt_score in (1, 2)"):
        assert polars_reading(parsed(text))[missing] is False
        assert polars_reading(parsed(f"not {text}"))[missing] is True


def test_the_kafaalat_rule_accepts_the_women_of_poor_households_and_the_disabled_up_to_the_higher_cutoff():
    rule = parsed('sex = "female" and (pmt_score <= 32 or (pmt_score <= 37 and has_disabled_member = true))')
    assert FRAME.filter(to_polars(rule, FIELDS))["name"].to_list() == ["Shazia", "خدیجہ", "Shazia"]


def test_a_field_is_read_from_the_column_its_catalogue_names():
    assert polars_reading(parsed("household_size >= 6")) == [True, False, True, False, False, False]


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_the_polars_compiler_agrees_with_a_plain_reading_for_any_tree(node):
    assert polars_reading(node) == [plain_reading(node, row) for row in ROWS]

"""A programme's rules: written in the expression language, checked before they are saved (every problem
named with its rule), and judged over frames of units: eligibility, the amount and category from the
benefit table (first base line that holds, top-ups added, the cap), and the reason someone is not
eligible."""

import polars as pl
import pytest
from django.core.exceptions import ValidationError

from ehsaas.programs.models import Programme
from ehsaas.programs.rules import compile_rules, programme_rules
from ehsaas.programs.shipped import shipped_programmes

pytestmark = pytest.mark.django_db
STIPENDS = [
    ("base", "Primary, girl", 'school_level = "primary" and sex = "female"', 2500),
    ("base", "Primary, boy", 'school_level = "primary"', 2000),
    ("base", "Secondary", 'school_level = "secondary"', 3000),
    ("top_up", "Disability", "disabled = true", 1000),
]


def compiled(eligibility="pmt_score <= 32", benefits=STIPENDS, unit="child", cap=None, codes=("kafaalat",)):
    return compile_rules(code="test", unit=unit, eligibility=eligibility, benefits=benefits, cap=cap,
                         programme_codes=codes)  # fmt: skip


def judge(rules, rows: list[dict]) -> list[tuple]:
    frame = pl.DataFrame(rows)
    amount, category = rules.amount_and_category()
    return frame.select(
        rules.eligible().alias("eligible"), amount.alias("amount"), category.alias("category")
    ).rows()


def child(**columns) -> dict:
    return {"pmt_score": 20.0, "school_level": "primary", "sex": "female", "disabled": False,
            "in_kafaalat": True} | columns  # fmt: skip


def test_every_shipped_programme_compiles():
    for spec in shipped_programmes():
        programme = Programme.objects.get(code=spec["code"])
        assert programme_rules(programme).eligibility is not None


def test_the_first_base_line_that_holds_gives_the_amount_and_the_category():
    rules = compiled()
    assert judge(rules, [child(), child(sex="male"), child(school_level="secondary")]) == [
        (True, 2500, "Primary, girl"), (True, 2000, "Primary, boy"), (True, 3000, "Secondary"),
    ]  # fmt: skip


def test_top_ups_are_added_and_the_cap_limits_the_sum():
    assert judge(compiled(), [child(disabled=True)]) == [(True, 3500, "Primary, girl")]
    assert judge(compiled(cap=3000), [child(disabled=True)]) == [(True, 3000, "Primary, girl")]


def test_no_base_line_holding_means_no_amount():
    assert judge(compiled(), [child(school_level=None)]) == [(True, 0, None)]


def test_a_missing_score_never_makes_a_household_eligible():
    assert judge(compiled(), [child(pmt_score=None)])[0][0] is False


def test_the_reason_is_the_first_part_of_the_rule_that_fails():
    rules = compiled(eligibility='in_kafaalat = true and pmt_score <= 32 and sex = "female"')
    frame = pl.DataFrame([child(pmt_score=50.0), child(in_kafaalat=False), child()])
    assert frame.select(rules.reason_not_eligible()).to_series().to_list() == [
        "pmt_score <= 32", "in_kafaalat = true", None,
    ]  # fmt: skip


def test_a_place_may_be_named_by_code_or_name_and_is_compared_by_code(district_a):
    rules = compiled(
        eligibility=f'district = "{district_a.name_en.upper()}"',
        unit="household",
        benefits=[("base", "All", "", 1)],
    )
    frame = pl.DataFrame([{"district": district_a.code}, {"district": "XX-XXX"}])
    assert frame.select(rules.eligible()).to_series().to_list() == [True, False]


def test_rules_read_only_the_enrolment_flags_they_name():
    assert compiled(eligibility="in_kafaalat = true").flags == {"in_kafaalat": "kafaalat"}
    assert compiled(eligibility="pmt_score < 10").flags == {}


@pytest.mark.parametrize(
    ("eligibility", "unit", "message"),
    [
        ("pmt_score <= ", "child", "Eligibility rule: "),
        ("income < 5", "child", "unknown field “income”"),
        ('sex = "femal"', "child", "sex needs one of"),
        ("age < 2", "household", "unknown field “age”"),  # a household has no age
        ('district = "Atlantis"', "household", "no district is called “Atlantis”"),
        ("in_test = true", "child", "unknown field “in_test”"),  # never its own enrolment
        ("", "child", "The eligibility rule is empty"),
    ],
)
def test_a_wrong_rule_is_refused_naming_the_rule_and_the_problem(eligibility, unit, message):
    with pytest.raises(ValidationError) as refused:
        compiled(eligibility=eligibility, unit=unit, benefits=[("base", "All", "", 100)])
    assert any(message in text for text in refused.value.messages), refused.value.messages


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as refused:
        compiled(eligibility="income < 5", benefits=[("top_up", "Extra", "colour = 1", 5)])
    messages = refused.value.messages
    assert len(messages) == 3  # the rule, the benefit line's condition, and no base amount
    assert any("Benefit line 1 (Extra)" in m for m in messages)
    assert any("at least one base amount" in m for m in messages)

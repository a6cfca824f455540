"""What each person is: schooling, education, occupation, disability, pregnancy and breastfeeding.

All of it follows age and sex, and the household's welfare score `s`: school attendance is higher in
towns and, in poor rural areas, much higher for boys than for girls; education never runs ahead of age;
occupations are those open to a person of that age and sex; disabilities grow with age.
"""

import numpy as np

from ehsaas.registry.population.members import M_MARRIED, MOTHER, SON_WIFE

EDUCATION = np.array(
    ["none", "primary", "middle", "matric", "intermediate", "graduate", "postgraduate"], dtype=object
)
E_MATRIC = 3
# Highest level a person of an age can have completed: primary at 10, middle 13, matric 15,
# intermediate 17, a degree at 20, a master's at 23.
_LEVEL_AGES = np.array([10, 13, 15, 17, 20, 23])
# Cut points on the latent schooling score between successive levels.
_LEVEL_CUTS = np.array([-0.2, 0.25, 0.6, 1.2, 1.65, 2.3])

OCCUPATION = np.array(
    ["government", "private", "self_employed", "daily_wage", "agriculture", "unemployed", "homemaker",
     "student", "retired", "other"],
    dtype=object,
)  # fmt: skip
O_STUDENT, O_OTHER = 7, 9
# Base shares of each occupation per group of people who are not in school:
# boys 10–17, girls 10–17, men 18–59, women 18–59, men 60+, women 60+.
_OCCUPATION_SHARES = np.array([
    [0, 0.12, 0.05, 0.30, 0.25, 0.18, 0, 0, 0, 0.10],
    [0, 0, 0, 0.02, 0.08, 0, 0.75, 0, 0, 0.15],
    [0.06, 0.17, 0.18, 0.25, 0.22, 0.08, 0, 0, 0, 0.04],
    [0.015, 0.025, 0.04, 0.02, 0.06, 0.01, 0.82, 0, 0, 0.01],
    [0.01, 0.02, 0.12, 0.06, 0.20, 0.20, 0, 0, 0.30, 0.09],
    [0, 0, 0, 0, 0.02, 0.05, 0.85, 0, 0.03, 0.05],
])  # fmt: skip
# How welfare, a town, and education from matric up shift each occupation (on the log-odds scale).
_ON_WELFARE = np.array([0.5, 0.3, 0.2, -0.6, 0.0, -0.3, 0.0, 0.0, 0.4, 0.0])
_ON_URBAN = np.array([0.3, 1.0, 0.3, 0.0, -2.5, 0.2, 0.0, 0.0, 0.3, 0.0])
_ON_EDUCATED = np.array([1.5, 0.7, 0.2, -0.8, -0.5, 0.0, -0.3, 0.0, 0.5, 0.0])

DISABILITIES = ("seeing", "hearing", "walking", "remembering", "self_care", "communicating")
# Weights of each difficulty among the young and among the old.
_DISABILITY_YOUNG = np.array([0.15, 0.2, 0.2, 0.15, 0.1, 0.2])
_DISABILITY_OLD = np.array([0.3, 0.2, 0.3, 0.1, 0.07, 0.03])
# Every set of difficulties as the contract writes it: bit i set ↔ DISABILITIES[i].
DISABILITY_TEXT = np.array(
    ["none"] + [";".join(d for i, d in enumerate(DISABILITIES) if mask >> i & 1) for mask in range(1, 64)],
    dtype=object,
)


def _normal_cdf_draw(rng: np.random.Generator, index: np.ndarray) -> np.ndarray:
    return index + rng.standard_normal(index.shape) > 0


def schooling(rng: np.random.Generator, m: dict, s: np.ndarray, urban: np.ndarray) -> None:
    """`in_school` and `education` (the highest level completed)."""
    age, female = m["age"], m["female"]
    girl_gap = np.where(urban, 0.1, 0.35 + 0.25 * np.maximum(-s, 0))  # widest in poor villages
    child = (age >= 5) & (age <= 16)
    school_index = 0.6 + 0.5 * s + 0.5 * urban - female * girl_gap - 0.35 * (age <= 6) - 0.45 * (age >= 14)
    in_school = child & _normal_cdf_draw(rng, school_index)

    latent = (
        0.75 * s
        + 0.45 * urban
        - female * (0.55 - 0.3 * urban)
        - 0.02 * np.maximum(age - 25, 0)
        + rng.standard_normal(len(age))
    )
    reachable = np.searchsorted(_LEVEL_AGES, age, side="right")  # levels completed by this age
    level = np.minimum(np.searchsorted(_LEVEL_CUTS, latent), reachable)
    on_track = np.maximum(reachable - (rng.random(len(age)) < 0.25), 0)
    level = np.where(in_school, on_track, level)

    # Past sixteen, some who finished matric go on to college or university.
    college = (age >= 17) & (age <= 24) & (level >= E_MATRIC)
    college_index = -0.6 + 0.6 * s + 0.3 * urban - 0.25 * female - 0.25 * (age - 17)
    m["in_school"] = in_school | college & _normal_cdf_draw(rng, college_index)
    m["education"] = level


def occupation(rng: np.random.Generator, m: dict, s: np.ndarray, urban: np.ndarray) -> None:
    """An occupation open to the person's age and sex: a Gumbel-max draw over shifted shares."""
    age, female, n = m["age"], m["female"], len(m["age"])
    group = np.where(age < 18, 0, np.where(age < 60, 2, 4)) + female
    with np.errstate(divide="ignore"):
        logits = np.log(_OCCUPATION_SHARES[group])
    logits += (
        s[:, None] * _ON_WELFARE
        + urban[:, None] * _ON_URBAN
        + (m["education"] >= E_MATRIC)[:, None] * _ON_EDUCATED
    )
    chosen = np.argmax(logits + rng.gumbel(size=(n, len(OCCUPATION))), axis=1)
    chosen = np.where(age < 10, O_OTHER, chosen)
    m["occupation"] = np.where(m["in_school"], O_STUDENT, chosen)


def disability(rng: np.random.Generator, m: dict) -> None:
    """About three people in a hundred have a difficulty, more with age; some have two or three."""
    age, n = m["age"], len(m["age"])
    has = rng.random(n) < 0.02 + 0.0016 * np.maximum(age - 35, 0) + 0.02 * (age > 70)
    how_many = 1 + (rng.random(n) < 0.2) + (rng.random(n) < 0.06)
    weights = np.where((age >= 50)[:, None], _DISABILITY_OLD, _DISABILITY_YOUNG)
    # The `how_many` heaviest of weights perturbed by Gumbel noise: a draw without replacement.
    order = np.argsort(-(np.log(weights) + rng.gumbel(size=(n, len(DISABILITIES)))), axis=1)
    bits = (1 << order) * (np.arange(len(DISABILITIES))[None, :] < how_many[:, None])
    m["disability"] = np.where(has, bits.sum(axis=1), 0)


def motherhood(rng: np.random.Generator, m: dict, mother_slot, youngest_child, youngest_grandchild) -> None:
    """Lactating: the mother of a child under two. Pregnant: some married women of 15–49."""
    age, female, slot, household = m["age"], m["female"], m["slot"], m["household"]
    fertile = female & (age >= 15) & (age <= 49)
    mother_of_baby = (slot == mother_slot[household]) & (youngest_child[household] < 2)
    wife_of_son_with_baby = (slot == SON_WIFE) & (youngest_grandchild[household] < 2)
    lactating = fertile & (mother_of_baby | wife_of_son_with_baby) & (rng.random(len(age)) < 0.85)
    chance = np.where(age < 30, 0.2, np.where(age < 40, 0.1, 0.02)) * np.where(lactating, 0.2, 1.0)
    married_here = (m["marital"] == M_MARRIED) & (slot != MOTHER)
    m["lactating"] = lactating
    m["pregnant"] = fertile & married_here & (rng.random(len(age)) < chance)

"""Who lives in each household: the head, a spouse, children, and sometimes the head's parents,
siblings, a married son's wife and their children, other relatives or a domestic worker.

Households are built as a matrix of *slots* (one row per household, one column per possible member),
all in numpy: each slot has a presence flag, an age, a sex, a relationship and a marital status, and
the members are the present slots read row by row. Ages are chained so that they hang together: a
mother is at least 17 years older than her children (births between her 17th and 46th year), the
head's parents at least 18 years older than the head, a son's wife close to his age.
"""

import numpy as np

# Slot layout; an identity number is derived from household number × 32 + slot, so keep it under 32.
HEAD, SPOUSE = 0, 1
CHILDREN = np.arange(2, 12)
FATHER, MOTHER = 12, 13
SIBLINGS = np.arange(14, 17)
SON_WIFE = 17
GRANDCHILDREN = np.arange(18, 22)
RELATIVES = np.arange(22, 24)
WORKER = 24
SLOTS = 25

RELATIONSHIPS = np.array(
    [
        "head",
        "spouse",
        "son",
        "daughter",
        "parent",
        "sibling",
        "grandchild",
        "other_relative",
        "non_relative",
    ],
    dtype=object,
)
R_HEAD, R_SPOUSE, R_SON, R_DAUGHTER, R_PARENT, R_SIBLING, R_GRANDCHILD, R_RELATIVE, R_NONE = range(9)
MARITAL = np.array(["never_married", "married", "widowed", "divorced", "separated"], dtype=object)
M_NEVER, M_MARRIED, M_WIDOWED, M_DIVORCED, M_SEPARATED = range(5)


def _births(rng: np.random.Generator, mother_age: np.ndarray, wanted: np.ndarray, slots: int, first: float):
    """Ages of up to `slots` children of mothers aged `mother_age` (oldest first) and whether each is
    born: the first birth at `first` + a gamma draw, then gaps of 1–6 years, none after 46."""
    n = len(mother_age)
    first_birth = first + rng.gamma(2.0, 2.2, n)
    gaps = 1.0 + rng.gamma(1.6, 1.0, (n, slots))
    gaps[:, 0] = 0.0
    mother_age_at_birth = first_birth[:, None] + np.cumsum(gaps, axis=1)
    age = np.floor(mother_age[:, None] - mother_age_at_birth)
    born = (np.arange(slots)[None, :] < wanted[:, None]) & (age >= 0) & (mother_age_at_birth <= 46)
    return age.astype(np.int64), born


def compose(rng: np.random.Generator, s: np.ndarray, urban: np.ndarray) -> dict[str, np.ndarray]:
    """Slot matrices for households with welfare scores `s`: present, age, female, relationship,
    marital status, and per household the slot of the children's mother (-1 when she is absent)."""
    n = len(s)
    present = np.zeros((n, SLOTS), dtype=bool)
    age = np.zeros((n, SLOTS), dtype=np.int64)
    female = np.zeros((n, SLOTS), dtype=bool)
    relation = np.zeros((n, SLOTS), dtype=np.int64)
    marital = np.zeros((n, SLOTS), dtype=np.int64)
    rows = np.arange(n)

    # The head: a man in nine households out of ten; women head mostly as widows, or while the husband
    # works away.
    head_female = rng.random(n) < 0.09
    head_age = np.clip(np.round(np.where(head_female, rng.normal(50, 12, n), rng.normal(43, 12, n))), 19, 90)
    head_age = head_age.astype(np.int64)
    u = rng.random(n)
    male_marital = np.where(
        u < np.where(head_age < 65, 0.92, 0.72),
        M_MARRIED,
        np.where(
            head_age < 32,
            M_NEVER,
            np.where(u > 0.98, M_SEPARATED, np.where(u > 0.955, M_DIVORCED, M_WIDOWED)),
        ),
    )
    female_marital = np.array([M_MARRIED, M_WIDOWED, M_DIVORCED, M_SEPARATED, M_NEVER])[
        np.searchsorted([0.3, 0.85, 0.93, 0.97], u)
    ]
    present[:, HEAD] = True
    age[:, HEAD], female[:, HEAD], relation[:, HEAD] = head_age, head_female, R_HEAD
    marital[:, HEAD] = np.where(head_female, female_marital, male_marital)
    married = marital[:, HEAD] == M_MARRIED

    # The spouse: a wife a few years younger, or the husband of a woman head when he is at home.
    gap = np.clip(np.round(rng.normal(5, 4, n)), -3, 18).astype(np.int64)
    present[:, SPOUSE] = married & (rng.random(n) < np.where(head_female, 0.25, 0.97))
    age[:, SPOUSE] = np.where(head_female, head_age + gap, np.maximum(head_age - gap, 16))
    female[:, SPOUSE], relation[:, SPOUSE], marital[:, SPOUSE] = ~head_female, R_SPOUSE, M_MARRIED

    # The children's mother: the wife, the woman head, or (for a widower) someone no longer here,
    # whose age is taken as five years under his.
    wife_here = present[:, SPOUSE] & ~head_female
    mother_slot = np.where(wife_here, SPOUSE, np.where(head_female, HEAD, -1))
    mother_age = np.where(wife_here, age[:, SPOUSE], np.where(head_female, head_age, head_age - 5))
    wanted = rng.poisson(np.clip(5.4 - 0.6 * s + 0.4 * ~urban, 1.0, 9.0))
    wanted = np.where(marital[:, HEAD] == M_NEVER, 0, wanted)
    child_age, born = _births(rng, mother_age, wanted, len(CHILDREN), 17.0)
    # The father, too, is at least 18 years older than his children (some wives are older than their
    # husbands).
    father_age = np.where(head_female, np.where(present[:, SPOUSE], age[:, SPOUSE], 999), head_age)
    born &= father_age[:, None] - child_age >= 18
    child_female = rng.random(born.shape) < 0.49
    # Daughters marry out around twenty; sons leave later, and some stay on with a wife of their own.
    leave = np.where(
        child_female, 1 / (1 + np.exp(-(child_age - 22) / 1.5)), 1 / (1 + np.exp(-(child_age - 31) / 3))
    )
    stays = born & (rng.random(born.shape) >= leave)
    present[:, CHILDREN], age[:, CHILDREN], female[:, CHILDREN] = stays, child_age, child_female
    relation[:, CHILDREN] = np.where(child_female, R_DAUGHTER, R_SON)
    returned = (child_female & (child_age >= 20)) & (rng.random(born.shape) < 0.12)
    marital[:, CHILDREN] = np.where(returned, M_DIVORCED + (rng.random(born.shape) < 0.4), M_NEVER)

    # A married son: the oldest son of twenty or more, with his wife and their children.
    grown_son = stays & ~child_female & (child_age >= 20)
    has_son = grown_son.any(axis=1)
    son_slot = CHILDREN[0] + np.argmax(grown_son, axis=1)
    son_age = age[rows, son_slot]
    son_married = has_son & (rng.random(n) < np.where(son_age >= 24, 0.8, 0.4))
    marital[rows[son_married], son_slot[son_married]] = M_MARRIED
    present[:, SON_WIFE] = son_married
    age[:, SON_WIFE] = np.maximum(son_age - rng.integers(0, 7, n), 17)
    female[:, SON_WIFE], relation[:, SON_WIFE], marital[:, SON_WIFE] = True, R_RELATIVE, M_MARRIED
    grand_wanted = np.where(son_married, rng.poisson(2.6, n), 0)
    grand_age, grand_born = _births(rng, age[:, SON_WIFE], grand_wanted, len(GRANDCHILDREN), 18.0)
    present[:, GRANDCHILDREN], age[:, GRANDCHILDREN] = grand_born, grand_age
    female[:, GRANDCHILDREN] = rng.random(grand_born.shape) < 0.49
    relation[:, GRANDCHILDREN], marital[:, GRANDCHILDREN] = R_GRANDCHILD, M_NEVER

    # The head's parents, more often with a young head; a lone parent is widowed.
    share = np.where(head_female, 0.5, 1.0)
    father_age = head_age + rng.integers(24, 36, n)
    mother_of_head_age = np.maximum(father_age - rng.integers(2, 9, n), head_age + 18)
    present[:, FATHER] = (rng.random(n) < share * np.clip(0.4 - 0.016 * (head_age - 22), 0, 0.4)) & (
        father_age <= 95
    )
    present[:, MOTHER] = (rng.random(n) < share * np.clip(0.6 - 0.016 * (head_age - 22), 0, 0.6)) & (
        mother_of_head_age <= 97
    )
    age[:, FATHER], age[:, MOTHER] = father_age, mother_of_head_age
    female[:, MOTHER] = True
    relation[:, [FATHER, MOTHER]] = R_PARENT
    both = present[:, FATHER] & present[:, MOTHER]
    marital[:, [FATHER, MOTHER]] = np.where(both, M_MARRIED, M_WIDOWED)[:, None]

    # Unmarried brothers and sisters of a young head.
    young = np.clip((42 - head_age) / 20, 0, 1)
    sibling_present = (
        np.cumprod(rng.random((n, len(SIBLINGS))) < young[:, None] * [0.55, 0.5, 0.45], axis=1) > 0
    )
    oldest_possible = np.where(present[:, MOTHER], mother_of_head_age - 18, head_age + 12)
    sibling_age = np.clip(
        head_age[:, None] - rng.integers(-4, 16, (n, len(SIBLINGS))), 5, oldest_possible[:, None]
    )
    present[:, SIBLINGS], age[:, SIBLINGS] = sibling_present & (sibling_age >= 5), sibling_age
    female[:, SIBLINGS] = rng.random(sibling_present.shape) < 0.5
    relation[:, SIBLINGS] = R_SIBLING
    marital[:, SIBLINGS] = np.where(
        (sibling_age >= 22) & (rng.random(sibling_present.shape) < 0.2), M_MARRIED, M_NEVER
    )

    # Other relatives (a nephew, a widowed aunt) and, in well-off households, a domestic worker.
    relative_present = np.cumprod(rng.random((n, len(RELATIVES))) < [0.12, 0.35], axis=1) > 0
    relative_age = rng.integers(2, 76, (n, len(RELATIVES)))
    present[:, RELATIVES], age[:, RELATIVES] = relative_present, relative_age
    female[:, RELATIVES] = rng.random(relative_present.shape) < 0.55
    relation[:, RELATIVES] = R_RELATIVE
    marital[:, RELATIVES] = _adult_marital(rng, relative_age)
    present[:, WORKER] = rng.random(n) < np.where(s > 1.4, 0.06, 0.004)
    age[:, WORKER] = rng.integers(14, 56, n)
    female[:, WORKER] = rng.random(n) < 0.5
    relation[:, WORKER] = R_NONE
    marital[:, WORKER] = _adult_marital(rng, age[:, WORKER])

    return {
        "present": present,
        "age": np.minimum(age, 99),
        "female": female,
        "relation": relation,
        "marital": marital,
        "mother_slot": mother_slot,
    }


def _adult_marital(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    u = rng.random(age.shape)
    later = np.where(
        u < 0.7, M_MARRIED, np.where(u < 0.75, M_NEVER, np.where(u < 0.95, M_WIDOWED, M_DIVORCED))
    )
    return np.where(age < 20, M_NEVER, np.where(age < 60, np.where(u < 0.75, M_MARRIED, M_NEVER), later))


def youngest(age: np.ndarray, present: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Per household, the age of the youngest present member among `columns` (999 when none)."""
    return np.where(present[:, columns], age[:, columns], 999).min(axis=1)


def flatten(slots: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The present slots as member arrays, household by household, slot order: the head first."""
    present = slots["present"]
    n = present.shape[0]
    members = {
        "household": np.repeat(np.arange(n), present.sum(axis=1)),
        "slot": np.nonzero(present)[1],
        "member_no": np.cumsum(present, axis=1)[present],
    }
    for name in ("age", "female", "relation", "marital"):
        members[name] = slots[name][present]
    return members

"""Identity and phone numbers for synthetic people.

A CNIC or B-form number is 13 digits: the province of issue, eleven digits, and a last digit that is
odd for men and even for women. Every number in a generated population must be unique, even across
tens of millions of people, without remembering the numbers already issued. So the eleven middle
digits are a *bijection* of a counter that is itself unique per person (household number × 32 +
the person's slot in the household): a keyed Feistel network over 0 … 10¹¹−1, which scrambles the
counter so that numbers look random, while two different counters can never give the same digits.
The key comes from the seed, so that another seed gives other numbers.
"""

import numpy as np

MIDDLE_SPAN = 10**11  # eleven middle digits
_LEFT, _RIGHT = 10**5, 10**6  # the Feistel halves: 10⁵ × 10⁶ = 10¹¹
_ROUNDS = 4  # an even number of rounds brings the halves back to (10⁵, 10⁶)

SLOTS_PER_HOUSEHOLD = 32  # counter = household number × 32 + slot; households have at most 32 slots

# Mobile network prefixes after "03": Jazz 300–309 and 320–325, Zong 310–318, Ufone 330–337,
# Telenor 340–349.
_NETWORK_CODES = np.array([*range(0, 10), *range(20, 26), *range(10, 19), *range(30, 38), *range(40, 50)])


def _mix(values: np.ndarray, key: np.uint64) -> np.ndarray:
    """splitmix64's finaliser: a fast, well-scrambling hash of 64-bit integers (wrapping arithmetic)."""
    z = values.astype(np.uint64) + key
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def round_keys(seed: int) -> np.ndarray:
    return np.random.SeedSequence([seed, 0x1D]).generate_state(_ROUNDS, dtype=np.uint64)


def scramble(counter: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """A bijection of 0 … 10¹¹−1 onto itself (a Feistel network with alternating radix)."""
    left, right = counter // _RIGHT, counter % _RIGHT  # left < 10⁵, right < 10⁶
    moduli = (_LEFT, _RIGHT)
    with np.errstate(over="ignore"):
        for number, key in enumerate(keys):
            # (L mod a, R mod b) → (R, (L + F(R)) mod a): each round is invertible, and the halves
            # swap sizes, so after an even number of rounds they are back to (10⁵, 10⁶).
            modulus = moduli[number % 2]
            left, right = right, (left + (_mix(right, key) % np.uint64(modulus)).astype(np.int64)) % modulus
    return left * _RIGHT + right


def unscramble(middle: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The inverse of `scramble`: its existence is what makes the numbers unique."""
    left, right = middle // _RIGHT, middle % _RIGHT
    moduli = (_LEFT, _RIGHT)
    with np.errstate(over="ignore"):
        for number in reversed(range(len(keys))):
            modulus = moduli[number % 2]
            mixed = (_mix(left, keys[number]) % np.uint64(modulus)).astype(np.int64)
            left, right = (right - mixed) % modulus, left
    return left * _RIGHT + right


def id_numbers(
    counter: np.ndarray, *, keys: np.ndarray, province_digit: np.ndarray, female: np.ndarray
) -> np.ndarray:
    """13-digit numbers (as int64) for people with unique `counter`s: the province digit first, the
    scrambled counter, and a last digit even for women and odd for men."""
    middle = scramble(counter, keys)
    with np.errstate(over="ignore"):
        fifth = (_mix(counter, keys[0] ^ np.uint64(0x5EED)) % np.uint64(5)).astype(np.int64)
    last = 2 * fifth + np.where(female, 0, 1)
    return province_digit.astype(np.int64) * 10**12 + middle * 10 + last


def phone_numbers(rng: np.random.Generator, size: int) -> np.ndarray:
    """Mobile numbers as the integer after the leading 0 (3XXXXXXXXX); written with a "0" in front."""
    network = _NETWORK_CODES[rng.integers(0, len(_NETWORK_CODES), size)]
    return 3_000_000_000 + network * 10_000_000 + rng.integers(0, 10_000_000, size)

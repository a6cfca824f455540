"""Name keys that let a search for "Muhammad" find "Mohammed", "Muhammed" and "محمد".

The same person is written in Urdu script and in several Latin spellings. Urdu script usually omits
short vowels, and Latin spellings disagree mostly on vowels and doubled letters, so both are reduced to
a *consonant skeleton*: Urdu letters are transliterated to Latin sound classes, letters that stand for
the same sound are merged, and vowels, a medial "h" and doubled letters are dropped. "Muhammad",
"Mohammed" and "محمد" all become "md". Keys are kept per name word; search compares them word by word
and ranks candidates by a fuzzy score, so a key only has to bring the right people into the shortlist.
"""

import re
import unicodedata

import polars as pl

# Urdu/Arabic letters → the Latin sound class they are usually romanised with. Long vowels (ا و ی ے)
# and the silent/half letters are dropped with the Latin vowels.
_URDU_TO_LATIN = {
    "ا": "", "آ": "", "أ": "", "إ": "", "ء": "", "ئ": "", "ؤ": "",
    "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "c", "ح": "h", "خ": "x",
    "د": "d", "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "z", "س": "s", "ش": "s",
    "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "", "غ": "g", "ف": "f", "ق": "k", "ک": "k",
    "ك": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ں": "n", "و": "", "ہ": "h", "ه": "h",
    "ھ": "", "ۃ": "", "ة": "", "ی": "", "ي": "", "ى": "", "ے": "", "ۓ": "",
}  # fmt: skip

# Latin spellings of one sound → one class, in this order ("x" first so that the "x" made for "kh"
# is not split again; "ch" is marked before the other "c"s become "k").
_LATIN_CLASSES = [
    ("x", "ks"), ("kh", "x"), ("gh", "g"), ("sh", "s"), ("ch", "C"), ("th", "t"), ("dh", "d"),
    ("ph", "f"), ("zh", "z"), ("q", "k"), ("ck", "k"), ("c", "k"), ("C", "c"), ("v", "w"),
]  # fmt: skip
_NOT_LETTER = re.compile(r"[^a-z]")
_VOWELS_AND_H = re.compile(r"[aeiouywh]")
_REPEAT = re.compile(r"(.)\1+")
_WORD_SPLIT = re.compile(r"[\s\-_.,'’]+")


def _skeleton(sounds: str) -> str:
    # Vowels, and "h" inside a word (aspiration, or the Urdu ہ that marks a vowel), are where spellings
    # of one name disagree most. An "h" that starts the word once its leading vowels are gone is kept:
    # Hamid, and Ahmed as Urdu writes it (احمد: alef, then ح).
    sounds = sounds.lstrip("aeiouyw")
    head, rest = sounds[:1], sounds[1:]
    return _REPEAT.sub(r"\1", head + _VOWELS_AND_H.sub("", rest))


def _is_arabic_script(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def word_key(word: str, *, urdu: bool | None = None) -> str:
    """The consonant skeleton of one name word, the same for its Urdu and Latin spellings."""
    if urdu if urdu is not None else _is_arabic_script(word):
        return _skeleton("".join(_URDU_TO_LATIN.get(ch, "") for ch in word))
    latin = _NOT_LETTER.sub("", unicodedata.normalize("NFKD", word.lower()))
    for spelling, sound in _LATIN_CLASSES:
        latin = latin.replace(spelling, sound)
    return _skeleton(latin)


def name_key(full_name: str) -> str:
    """Space-separated word keys in the order written, e.g. "Fatima Bibi" → "ftm b".

    The script is decided for the whole name (a name written in Urdu script is read as Urdu), which is
    also what `name_key_expr` does.
    """
    urdu = _is_arabic_script(full_name)
    keys = [word_key(w, urdu=urdu) for w in _WORD_SPLIT.split(full_name.strip()) if w]
    return " ".join(k for k in keys if k)


def name_key_expr(column: pl.Expr) -> pl.Expr:
    """`name_key` as a polars expression, for millions of names at once (imports). It must give exactly
    the same keys as `name_key`; a property test holds the two together."""
    spaced = column.fill_null("").str.replace_all(r"[\s\-_.,'’]+", " ")
    urdu = spaced.str.replace_all(r"[^\x{0600}-\x{06FF} ]", "")
    urdu = urdu.str.replace_many(list(_URDU_TO_LATIN), list(_URDU_TO_LATIN.values()))
    urdu = urdu.str.replace_all(r"[^a-z ]", "")
    latin = spaced.str.to_lowercase().str.normalize("NFKD").str.replace_all(r"[^a-z ]", "")
    for spelling, sound in _LATIN_CLASSES:
        latin = latin.str.replace_all(spelling, sound, literal=True)
    sounds = pl.when(spaced.str.contains(r"[\x{0600}-\x{06FF}]")).then(urdu).otherwise(latin)
    # As in _skeleton: leading vowels go, a word-initial "h" is protected as "H", other vowels and "h"s go.
    skeleton = (" " + sounds).str.replace_all(r" [aeiouyw]+", " ").str.replace_all(" h", " H", literal=True)
    skeleton = skeleton.str.replace_all(r"[aeiouywh]", "")
    for letter in "bcdfgjklmnpqrstxzH":
        skeleton = skeleton.str.replace_all(f"{letter}{letter}+", letter)
    return skeleton.str.replace_all("H", "h", literal=True).str.replace_all(r" +", " ").str.strip_chars(" ")

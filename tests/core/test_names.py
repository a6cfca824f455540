import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from ehsaas.core.names import name_key, name_key_expr

URDU_LETTERS = "ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھءیےآئ"
NAME_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzAEHKSÖë -.'") + list(URDU_LETTERS))
)


def test_latin_spellings_of_muhammad_share_a_key():
    assert name_key("Muhammad") == name_key("Mohammed") == name_key("Muhammed") == name_key("Mohammad")


def test_an_urdu_name_and_its_romanisation_share_a_key():
    assert name_key("محمد علی") == name_key("Muhammad Ali")
    assert name_key("قاسم") == name_key("Qasim")
    assert name_key("خدیجہ") == name_key("Khadija")
    assert name_key("رحمان") == name_key("Rehman") == name_key("Rahman")


def test_ahmed_is_not_taken_for_muhammad_and_matches_its_urdu_spelling():
    assert name_key("Ahmed") == name_key("Ahmad") == name_key("احمد") == "hmd"
    assert name_key("Ahmed") != name_key("Muhammad")


def test_different_names_have_different_keys():
    assert name_key("Fatima") != name_key("Zainab")
    assert name_key("Hamid") != name_key("Amid")


def test_word_separators_and_case_do_not_matter():
    assert name_key("  FATIMA   bibi ") == name_key("Fatima-Bibi") == "ftm b"


@settings(max_examples=300, deadline=None)
@given(st.lists(NAME_TEXT, min_size=1, max_size=20))
def test_the_vectorised_key_equals_the_python_key_for_any_text(names):
    frame = pl.DataFrame({"name": names}).with_columns(key=name_key_expr(pl.col("name")))
    assert frame["key"].to_list() == [name_key(name) for name in names]

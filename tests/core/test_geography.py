"""The geography of Pakistan ships as data (core/data/*.csv) and the migrations load it."""

import re
import shutil
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from ehsaas.core import geography
from ehsaas.core.geography import GeographyDataError, geography_load, geography_rows
from ehsaas.core.models import District, Division, Province, Tehsil

ISO_PROVINCES = {
    "PK-PB": "Punjab",
    "PK-SD": "Sindh",
    "PK-KP": "Khyber Pakhtunkhwa",
    "PK-BA": "Balochistan",
    "PK-IS": "Islamabad Capital Territory",
    "PK-GB": "Gilgit-Baltistan",
    "PK-JK": "Azad Jammu and Kashmir",
}
# Letters of the Arabic script as Urdu writes it, with the spaces and hyphens between words.
URDU = re.compile(r"^[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF \-]+$")
ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u0671-\u06D3]")
# Pakistan's extreme points lie within these (Sir Creek to the Khunjerab and Shimshal passes,
# Gwadar's Iranian border to the eastern edge of Baltistan).
LATITUDES = (Decimal("23.6"), Decimal("37.1"))
LONGITUDES = (Decimal("60.8"), Decimal("77.9"))


def model_state():
    return {
        model.__name__: sorted(model.objects.values_list(*fields))
        for model, fields in (
            (Province, ("code", "name_en", "name_ur")),
            (Division, ("code", "province_id", "name_en", "name_ur")),
            (District, ("code", "province_id", "division_id", "name_en", "name_ur", "latitude", "longitude")),
            (Tehsil, ("code", "district_id", "name_en", "name_ur")),
        )
    }


def replace_in(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the data files that the loader reads instead of the shipped ones."""
    copy = tmp_path / "data"
    shutil.copytree(geography.DATA_DIR, copy, ignore=shutil.ignore_patterns("*.md"))
    monkeypatch.setattr(geography, "DATA_DIR", copy)
    return copy


def test_the_seven_iso_provinces_are_loaded_by_the_migration(db):
    assert dict(Province.objects.values_list("code", "name_en")) == ISO_PROVINCES


def test_the_migration_loads_every_row_of_every_file(db):
    assert Province.objects.count() == len(geography_rows("provinces"))
    assert Division.objects.count() == len(geography_rows("divisions"))
    assert District.objects.count() == len(geography_rows("districts"))
    assert Tehsil.objects.count() == len(geography_rows("tehsils"))


def test_there_are_at_least_150_districts(db):
    assert District.objects.count() >= 150


def test_every_district_belongs_to_a_division_of_the_same_province(db):
    assert not District.objects.filter(division__isnull=True).exists()
    assert not District.objects.exclude(division__province=F("province")).exists()


def test_every_division_has_districts(db):
    assert not Division.objects.filter(districts__isnull=True).exists()


def test_province_codes_are_the_iso_codes():
    assert {row["code"] for row in geography_rows("provinces")} == set(ISO_PROVINCES)


@pytest.mark.parametrize("name", ["provinces", "divisions", "districts", "tehsils"])
def test_codes_are_unique_and_at_most_16_characters(name):
    codes = [row["code"] for row in geography_rows(name)]
    assert [code for code, times in Counter(codes).items() if times > 1] == []
    assert all(0 < len(code) <= 16 for code in codes)


def test_district_codes_are_the_province_suffix_a_dash_and_three_letters():
    for row in geography_rows("districts"):
        suffix = row["province_code"].removeprefix("PK-")
        assert re.fullmatch(rf"{suffix}-[A-Z]{{3}}", row["code"]), row


def test_division_codes_name_their_province():
    for row in geography_rows("divisions"):
        suffix = row["province_code"].removeprefix("PK-")
        assert re.fullmatch(rf"{suffix}-DIV-[A-Z]{{3}}", row["code"]), row


def test_tehsil_codes_are_the_district_code_a_dash_and_two_digits():
    for row in geography_rows("tehsils"):
        assert re.fullmatch(rf"{row['district_code']}-\d\d", row["code"]), row


@pytest.mark.parametrize("name", ["provinces", "divisions", "districts", "tehsils"])
def test_every_place_has_an_urdu_name_written_in_arabic_script(name):
    for row in geography_rows(name):
        assert URDU.fullmatch(row["name_ur"]) and ARABIC_LETTER.search(row["name_ur"]), row


@pytest.mark.parametrize("name", ["provinces", "divisions", "districts", "tehsils"])
def test_every_place_has_an_english_name_in_latin_letters(name):
    for row in geography_rows(name):
        assert re.fullmatch(r"[A-Z][A-Za-z .'-]+", row["name_en"]), row


def test_every_district_headquarters_lies_inside_pakistan():
    for row in geography_rows("districts"):
        latitude, longitude = Decimal(row["latitude"]), Decimal(row["longitude"])
        assert LATITUDES[0] <= latitude <= LATITUDES[1], row
        assert LONGITUDES[0] <= longitude <= LONGITUDES[1], row
        assert latitude.as_tuple().exponent >= -5 and longitude.as_tuple().exponent >= -5, row


def test_district_names_are_unique_within_a_province():
    names = Counter((row["province_code"], row["name_en"]) for row in geography_rows("districts"))
    assert [name for name, times in names.items() if times > 1] == []


def test_tehsil_names_are_unique_within_a_district():
    names = Counter((row["district_code"], row["name_en"]) for row in geography_rows("tehsils"))
    assert [name for name, times in names.items() if times > 1] == []


def test_every_punjab_district_has_its_tehsils(db):
    assert not District.objects.filter(province__code="PK-PB", tehsils__isnull=True).exists()


def test_loading_again_changes_nothing(db):
    before = model_state()

    counts = geography_load()

    assert (counts["created"], counts["updated"]) == (0, 0)
    assert model_state() == before


def test_the_load_reports_the_rows_of_each_file(db):
    counts = geography_load()

    assert counts["provinces"] == 7
    assert counts["districts"] == District.objects.count()
    assert counts["tehsils"] == Tehsil.objects.count()


def test_a_changed_name_in_the_file_is_applied_on_the_next_load(db, data_copy):
    replace_in(data_copy / "districts.csv", ",Lahore,لاہور,", ",Lahore,لاہور شہر,")
    untouched = District.objects.get(code="PB-FSD").name_ur

    counts = geography_load()

    assert (counts["created"], counts["updated"]) == (0, 1)
    assert District.objects.get(code="PB-LHR").name_ur == "لاہور شہر"
    assert District.objects.get(code="PB-FSD").name_ur == untouched


def test_a_new_row_in_the_file_is_created_and_others_keep_their_ids(db, data_copy):
    lahore_id = District.objects.get(code="PB-LHR").pk
    with (data_copy / "tehsils.csv").open("a", encoding="utf-8") as handle:
        handle.write("PB-LHR-11,PB-LHR,Test Town,ٹیسٹ ٹاؤن\n")

    counts = geography_load()

    assert (counts["created"], counts["updated"]) == (1, 0)
    assert Tehsil.objects.get(code="PB-LHR-11").district_id == lahore_id


def test_a_district_in_an_unknown_division_is_rejected_with_its_line(db, data_copy):
    replace_in(data_copy / "districts.csv", "PB-ATK,PK-PB,PB-DIV-RWP", "PB-ATK,PK-PB,PB-DIV-XXX")

    with pytest.raises(GeographyDataError, match=r"^districts\.csv line 2: no division has the code"):
        geography_load()


def test_a_file_without_a_required_column_is_rejected(db, data_copy):
    (data_copy / "provinces.csv").write_text("code,name_en\nPK-PB,Punjab\n", encoding="utf-8")

    with pytest.raises(GeographyDataError, match=r"provinces\.csv: missing column\(s\) name_ur"):
        geography_load()


def test_a_coordinate_with_too_many_decimals_is_rejected(db, data_copy):
    replace_in(data_copy / "districts.csv", "33.76600,72.35980", "33.766001,72.35980")

    with pytest.raises(GeographyDataError, match=r"districts\.csv line 2: latitude 33\.766001 must lie"):
        geography_load()


def test_a_failed_load_writes_nothing(db, data_copy):
    # The districts load (and would change Lahore) before the tehsils file is found to be wrong.
    replace_in(data_copy / "districts.csv", ",Lahore,لاہور,", ",Lahore,لاہور شہر,")
    with (data_copy / "tehsils.csv").open("a", encoding="utf-8") as handle:
        handle.write("PB-XXX-01,PB-XXX,Nowhere,کہیں نہیں\n")
    before = model_state()

    with pytest.raises(GeographyDataError, match="no district has the code 'PB-XXX'"):
        geography_load()

    assert model_state() == before


def test_the_load_geography_command_prints_the_counts(db):
    out = StringIO()

    call_command("load-geography", stdout=out)

    assert f"districts {District.objects.count()}" in out.getvalue()
    assert "0 created, 0 updated" in out.getvalue()

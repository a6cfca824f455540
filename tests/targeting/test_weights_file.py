"""A model's weights file, CSV or JSON: every problem is refused with a message naming the line or
field, and nothing is taken from a file that has one."""

import json

import pytest

from ehsaas.targeting import weights_file as w
from ehsaas.targeting.weights_file import WeightsRefused, parse_weights


def refused(text: str, name: str = "weights.csv") -> WeightsRefused:
    with pytest.raises(WeightsRefused) as error:
        parse_weights(text.encode(), name=name)
    return error.value


def test_a_csv_file_gives_weights_and_reference_means():
    parsed = parse_weights(b"indicator,weight,reference_mean\nhousehold_size,-0.03,6.1\nasset_car,0.12,\n")
    assert parsed.weights == {"household_size": -0.03, "asset_car": 0.12}
    assert parsed.reference_means == {"household_size": 6.1}


def test_an_unknown_indicator_is_refused_naming_its_line():
    error = refused("indicator,weight\nhousehold_size,-0.03\nnumber_of_camels,0.2\n")
    assert error.message == w.MSG_UNKNOWN
    assert error.messages == ["Line 3: “number_of_camels” is not an indicator of the catalogue."]


def test_a_missing_indicator_name_is_refused_naming_its_line():
    error = refused("indicator,weight\n,0.2\n")
    assert error.message == w.MSG_NO_NAME
    assert error.params == {"line": 2}


def test_a_weight_that_is_not_a_number_is_refused_naming_its_line_and_indicator():
    error = refused("indicator,weight\nhousehold_size,-0.03\nasset_car,lots\n")
    assert error.message == w.MSG_NOT_NUMBER
    assert error.messages == ["Line 3: the weight of “asset_car” is not a number: “lots”."]


def test_an_indicator_given_twice_is_refused():
    assert refused("indicator,weight\nasset_car,1\nasset_car,2\n").message == w.MSG_TWICE


def test_a_file_without_the_columns_is_refused():
    assert refused("code,value\nasset_car,1\n").message == w.MSG_COLUMNS


@pytest.mark.parametrize("text", ["", "indicator,weight\n"])
def test_a_file_without_weights_is_refused(text):
    assert refused(text).message in (w.MSG_EMPTY, w.MSG_NO_WEIGHTS)


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(WeightsRefused) as error:
        parse_weights("indicator,weight\nasset_car,١\n".encode("utf-16"))
    assert error.value.message == w.MSG_NOT_UTF8


def test_a_json_model_gives_its_numbers_too():
    document = {"intercept": 8.4, "scale_low": 8.1, "scale_high": 10.3, "weights": {"asset_car": 0.1},
                "reference_means": {"asset_car": 0.05}, "fit": {"r2_held_out": 0.5}}  # fmt: skip
    parsed = parse_weights(json.dumps(document).encode(), name="model.json")
    assert (parsed.intercept, parsed.scale_low, parsed.scale_high) == (8.4, 8.1, 10.3)
    assert parsed.weights == {"asset_car": 0.1}
    assert parsed.fit == {"r2_held_out": 0.5}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"weights": {"number_of_camels": 1}}, w.MSG_JSON_UNKNOWN),
        ({"weights": {"asset_car": "lots"}}, w.MSG_JSON_NOT_NUMBER),
        ({"weights": {"": 1}}, w.MSG_JSON_NO_NAME),
        ({"weights": {"asset_car": 1}, "intercept": "nine"}, w.MSG_JSON_NOT_NUMBER),
        ({"weights": [1, 2]}, w.MSG_JSON_SHAPE),
    ],
)
def test_a_bad_json_model_is_refused_naming_its_field(document, message):
    assert refused(json.dumps(document), name="model.json").message == message


def test_a_broken_json_file_is_refused():
    assert refused("{not json", name="model.json").message == w.MSG_BAD_JSON

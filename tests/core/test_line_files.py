"""The steps every imported CSV file shares: decoded with or without a byte-order mark, its header read
by the names the code uses, its lines numbered where they start, and refused whole with every bad line."""

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ehsaas.core import line_files as lf

COLUMNS = {"cnic": ("cnic", "id_number"), "description": ("complaint", "description")}


class Refused(lf.FileRefused):
    """An app's own refusal."""


def test_a_file_is_decoded_with_or_without_a_byte_order_mark():
    assert lf.decoded("\ufeffcnic\n".encode(), label="a.csv", refused=Refused) == "cnic\n"
    assert lf.decoded(b"cnic\n", label="a.csv", refused=Refused) == "cnic\n"


def test_a_file_that_is_not_utf8_is_refused_with_the_apps_own_refusal():
    with pytest.raises(Refused) as refused:
        lf.decoded("Ça".encode("latin-1"), label="old.csv", refused=Refused)
    assert refused.value.message == str(lf.MSG_NOT_UTF8) % {"file": "old.csv"}
    assert refused.value.problems == []


def test_a_header_is_read_by_the_names_the_code_uses():
    assert lf.header_of("\ufeff ID_Number ,Complaint,District", COLUMNS) == [
        "cnic",
        "description",
        "district",
    ]


def test_lines_are_numbered_where_they_start_and_blank_lines_are_left_out():
    text = 'cnic,complaint\n1,"two\nlines"\n\n , \n2,x\n'
    header, lines = lf.csv_lines(text, label="a.csv", refused=Refused)
    assert header == ["cnic", "complaint"]
    assert lines == [(2, ["1", "two\nlines"]), (6, ["2", "x"])]


def test_a_missing_column_is_named_as_people_see_it():
    with pytest.raises(Refused) as refused:
        lf.refuse_missing_columns(["cnic"], ["description"], label="a.csv", columns=COLUMNS, refused=Refused)
    assert refused.value.message == str(lf.MSG_MISSING_COLUMNS) % {
        "file": "a.csv", "missing": "complaint", "columns": "cnic",
    }  # fmt: skip


def test_an_upload_larger_than_the_limit_is_refused_unread():
    upload = SimpleUploadedFile("big.csv", b"x" * 11)
    with pytest.raises(Refused, match=r"big\.csv"):
        lf.upload_bytes(upload, limit=10, refused=Refused, message=lf.MSG_EMPTY)
    assert (
        lf.upload_bytes(SimpleUploadedFile("ok.csv", b"x" * 10), limit=10, refused=Refused, message="")
        == b"x" * 10
    )


def test_bad_lines_are_refused_once_per_line_and_column_in_file_order_counting_lines():
    def found(line, column, message):
        return pl.DataFrame({"_line": [line], "column": [column], "value": [""], "message": [message]})

    frames = [
        found(4, "cnic", "first"),
        found(2, "cnic", "a"),
        found(4, "cnic", "second"),
        found(4, "x", "b"),
    ]
    with pytest.raises(Refused) as refused:
        lf.refuse_bad_frames("a.csv", frames, refused=Refused)
    assert refused.value.message == "a.csv has 2 bad lines, listed below. Nothing was imported."
    assert refused.value.problems == [
        lf.LineProblem(2, "cnic", "", "a"), lf.LineProblem(4, "cnic", "", "first"), lf.LineProblem(4, "x", "", "b"),
    ]  # fmt: skip
    lf.refuse_bad_lines("a.csv", [], refused=Refused)  # nothing wrong: nothing raised

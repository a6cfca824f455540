"""Frames read from SQL: on PostgreSQL, reads ahead of the caller on connections of their own (outside a
transaction), in order; inside one, on the caller's connection, seeing its uncommitted rows."""

from functools import partial

import polars as pl
import pytest
from django.db import DatabaseError, connection, transaction

from ehsaas.core.frames import frames_ahead, sql_frame
from ehsaas.core.models import Province

NUMBER = {"n": pl.Int64}


def number(n: int) -> pl.DataFrame:
    return sql_frame("SELECT %s AS n", [n], schema=NUMBER)


def backend() -> int:
    return sql_frame("SELECT pg_backend_pid() AS n", schema=NUMBER)["n"][0]


@pytest.mark.django_db
def test_reads_ahead_come_back_in_the_order_asked():
    frames = frames_ahead(partial(number, n) for n in range(7))

    assert [frame["n"][0] for frame in frames] == list(range(7))


@pytest.mark.django_db
def test_inside_a_transaction_the_reads_see_its_uncommitted_rows(reference_data):
    with transaction.atomic():
        Province.objects.create(code="PK-ZZ", name_en="Nowhere", name_ur="کہیں نہیں")
        count = partial(
            sql_frame, "SELECT COUNT(*) AS n FROM core_province WHERE code = 'PK-ZZ'", schema=NUMBER
        )

        assert [frame["n"][0] for frame in frames_ahead([count, count, count])] == [1, 1, 1]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_reads_on_connections_of_its_own():
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL reads ahead; SQLite reads on the caller's connection")
    own = backend()

    pids = list(frames_ahead([backend] * 4))

    assert own not in pids


@pytest.mark.django_db(transaction=True)
def test_a_read_that_fails_raises_in_the_caller():
    def failing() -> pl.DataFrame:
        return sql_frame("SELECT n FROM no_such_table", schema=NUMBER)

    with pytest.raises(DatabaseError, match="no_such_table"):
        list(frames_ahead([partial(number, 1), failing, partial(number, 2)]))

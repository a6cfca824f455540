"""On PostgreSQL an import that adds more households than the registry holds writes them without the
registry's secondary indexes and foreign keys, and builds those again, in one transaction (bulk-load
mode). These tests commit for real, as an import does."""

import pytest
from django.db import connection

from ehsaas.registry.imports import bulk_load, merge, registry_import, rules, service
from ehsaas.registry.imports.bulk_load import RebuildFailed, bulk_load_wanted
from ehsaas.registry.models import Household, Identifier, Member
from tests.registry.survey import family, household_row, write_survey

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="bulk-load mode is PostgreSQL's"),
]


@pytest.fixture
def small_bulk_loads(monkeypatch):
    """The rule as in production, without its floor: a few households are enough to bulk-load."""
    monkeypatch.setattr(bulk_load, "SMALLEST_BULK_LOAD", 1)


@pytest.fixture
def modes(monkeypatch) -> list[str]:
    """Which way each import wrote: "bulk" or "chunks"."""
    chosen: list[str] = []
    write_in_bulk, write_chunks = service.write_in_bulk, service.write_chunks

    def in_bulk(**kwargs):
        chosen.append("bulk")
        return write_in_bulk(**kwargs)

    def by_chunks(**kwargs):
        chosen.append("chunks")
        return write_chunks(**kwargs)

    monkeypatch.setattr(service, "write_in_bulk", in_bulk)
    monkeypatch.setattr(service, "write_chunks", by_chunks)
    return chosen


def catalogue() -> dict[str, list[tuple]]:
    """Every index and constraint of the tables a bulk load sets aside, as the catalogue describes them."""
    tables = list(bulk_load.TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid), condeferrable,
                      condeferred, convalidated, conindid::regclass::text
               FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2""",
            [tables],
        )
        constraints = cursor.fetchall()
    return {"indexes": indexes, "constraints": constraints}


def registry_rows() -> tuple[int, int, int]:
    return Household.objects.count(), Member.objects.count(), Identifier.objects.count()


def survey(folder, district, refs: range, **household_values):
    households = [household_row(district, f"HH{i}", **household_values) for i in refs]
    members = [m for i in refs for m in family(f"HH{i}", 10 * i)]
    return write_survey(folder, households, members)


def test_a_bulk_load_leaves_exactly_the_indexes_and_constraints_the_registry_had(
    tmp_path, district_a, small_bulk_loads, modes
):
    before = catalogue()
    paths = survey(tmp_path, district_a, range(1, 5))

    result = registry_import(households=paths[0], members=paths[1], chunk_size=2)

    assert modes == ["bulk"]
    assert result.summary() == {"accepted": 4, "rejected": 0, "unchanged": 0, "members": 12}
    assert catalogue() == before
    assert registry_rows() == (4, 12, 12)
    assert Member.objects.get(household__household_ref="HH3", member_no=2).identifiers.get().number == (
        "3520200000312"
    )


def test_a_bulk_load_analyses_the_registry_tables_once_it_has_committed(
    tmp_path, district_a, small_bulk_loads, modes, monkeypatch
):
    analysed_in_transaction: list[bool] = []
    refresh = merge.refresh_statistics

    def refresh_statistics(chunks_written: int) -> None:
        analysed_in_transaction.append(connection.in_atomic_block)
        refresh(chunks_written)

    monkeypatch.setattr(merge, "refresh_statistics", refresh_statistics)
    paths = survey(tmp_path, district_a, range(1, 5))

    registry_import(households=paths[0], members=paths[1])

    assert modes == ["bulk"]
    assert analysed_in_transaction == [False]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = 'registry_member' AND attname = 'household_id'"
        )
        assert cursor.fetchone() == (1,)


def test_a_bulk_load_failing_while_writing_leaves_the_registry_and_its_indexes_as_they_were(
    tmp_path, district_a, small_bulk_loads, modes, monkeypatch
):
    paths = survey(tmp_path, district_a, range(1, 2))
    registry_import(households=paths[0], members=paths[1])
    before, rows = catalogue(), registry_rows()
    write_new_households = merge.write_new_households

    def fails_on_hh3(bounds, *args):
        if bounds[0] == "HH3":
            raise RuntimeError("disk full")
        return write_new_households(bounds, *args)

    monkeypatch.setattr(merge, "write_new_households", fails_on_hh3)
    paths = survey(tmp_path, district_a, range(1, 5))
    with pytest.raises(RuntimeError, match="disk full"):
        registry_import(households=paths[0], members=paths[1], chunk_size=1)

    assert modes == ["bulk", "bulk"]
    assert catalogue() == before
    assert registry_rows() == rows
    assert list(Household.objects.values_list("household_ref", flat=True)) == ["HH1"]


def test_a_duplicate_the_rules_let_through_fails_the_rebuild_and_the_import_is_undone(
    tmp_path, district_a, small_bulk_loads, monkeypatch
):
    monkeypatch.setattr(rules, "_check_id_numbers", lambda **kwargs: None)
    before = catalogue()
    households = [household_row(district_a, "HH1"), household_row(district_a, "HH2")]
    paths = write_survey(tmp_path, households, family("HH1", 10) + family("HH2", 10))

    with pytest.raises(RebuildFailed, match="registry_identifier_one_living_holder") as failure:
        registry_import(households=paths[0], members=paths[1])

    assert "the registry left as it was" in str(failure.value)
    assert "3520200000101" in str(failure.value)  # the key found twice
    assert catalogue() == before
    assert registry_rows() == (0, 0, 0)


def test_a_resurveyed_household_is_updated_beside_the_new_ones_of_a_bulk_load(
    tmp_path, district_a, small_bulk_loads, modes
):
    paths = survey(tmp_path, district_a, range(1, 2))
    registry_import(households=paths[0], members=paths[1])
    before = catalogue()
    paths = survey(tmp_path, district_a, range(1, 4), rooms="5")

    result = registry_import(households=paths[0], members=paths[1], chunk_size=2)

    assert modes == ["bulk", "bulk"]
    assert (result.new, result.updated) == (2, 1)
    assert set(Household.objects.values_list("rooms", flat=True)) == {5}
    assert registry_rows() == (3, 9, 9)
    assert catalogue() == before


def test_bulk_loading_is_chosen_only_when_the_import_adds_more_households_than_the_registry_holds(
    tmp_path, district_a, monkeypatch, modes
):
    monkeypatch.setattr(bulk_load, "SMALLEST_BULK_LOAD", 2)
    assert not bulk_load_wanted(new_households=1)  # too few to matter, even into an empty registry
    assert bulk_load_wanted(new_households=2)
    paths = survey(tmp_path, district_a, range(1, 4))
    registry_import(households=paths[0], members=paths[1])  # 3 new into an empty registry

    assert not bulk_load_wanted(new_households=3)
    assert bulk_load_wanted(new_households=4)
    paths = survey(tmp_path, district_a, range(4, 7))
    registry_import(households=paths[0], members=paths[1])  # 3 new beside 3 already there

    assert modes == ["bulk", "chunks"]
    assert registry_rows() == (6, 18, 18)

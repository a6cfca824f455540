"""On PostgreSQL, outside an open transaction, an import stages its rows in a schema of its own and
writes chunks from several connections at once. These tests commit for real, as an import does."""

import pytest
from django.db import connection

from ehsaas.registry.imports import merge, registry_import
from ehsaas.registry.models import Household, Identifier, Member
from tests.registry.survey import family, household_row, write_survey

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="parallel writing is PostgreSQL's"),
]


def staging_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ehsaas\\_import\\_%'")
        return [row[0] for row in cursor.fetchall()]


def test_chunks_written_by_several_connections_make_the_same_registry(tmp_path, district_a, settings):
    settings.REGISTRY_IMPORT_WORKERS = 2
    households = [household_row(district_a, f"HH{i}") for i in range(1, 9)]
    members = [m for i in range(1, 9) for m in family(f"HH{i}", 10 * i)]
    paths = write_survey(tmp_path, households, members)

    result = registry_import(households=paths[0], members=paths[1], chunk_size=1)

    assert result.summary() == {"accepted": 8, "rejected": 0, "unchanged": 0, "members": 24}
    assert Household.objects.count() == 8 and Member.objects.count() == 24
    assert Identifier.objects.filter(active=True).count() == 24
    assert staging_schemas() == []


def test_a_failing_writer_stops_the_import_and_the_error_reaches_the_caller(
    tmp_path, district_a, settings, monkeypatch
):
    settings.REGISTRY_IMPORT_WORKERS = 2
    households = [household_row(district_a, f"HH{i}") for i in range(1, 7)]
    members = [m for i in range(1, 7) for m in family(f"HH{i}", 10 * i)]
    paths = write_survey(tmp_path, households, members)
    write_chunk = merge.write_chunk

    def fails_on_hh3(**kwargs):
        if kwargs["first"] == "HH3":
            raise RuntimeError("disk full")
        return write_chunk(**kwargs)

    monkeypatch.setattr(merge, "write_chunk", fails_on_hh3)
    with pytest.raises(RuntimeError, match="disk full"):
        registry_import(households=paths[0], members=paths[1], chunk_size=1)

    assert not Household.objects.filter(household_ref="HH3").exists()
    assert staging_schemas() == []
    monkeypatch.setattr(merge, "write_chunk", write_chunk)
    assert registry_import(households=paths[0], members=paths[1], chunk_size=1).rejected == 0
    assert Household.objects.count() == 6


def test_a_staging_area_left_by_a_killed_import_is_dropped_by_the_next_one(tmp_path, district_a):
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA ehsaas_import_12345")
        cursor.execute("CREATE UNLOGGED TABLE ehsaas_import_12345.stage_member (line bigint)")
    paths = write_survey(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))

    registry_import(households=paths[0], members=paths[1])

    assert staging_schemas() == []

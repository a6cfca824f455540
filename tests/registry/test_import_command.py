"""`ehsaas import-registry`: exit 0 when all were accepted, 3 when some were rejected (report written),
2 when a file is unusable (nothing written); `--json` prints one summary object."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ehsaas.core.models import Job
from ehsaas.registry.models import Household
from tests.registry.survey import family, household_row, write_survey

pytestmark = pytest.mark.django_db


def test_it_prints_a_json_summary_and_exits_normally_when_all_are_accepted(tmp_path, district_a, capsys):
    households, members = write_survey(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))

    call_command("import-registry", households=households, members=members, json=True)

    assert json.loads(capsys.readouterr().out) == {"accepted": 1, "rejected": 0, "unchanged": 0, "members": 3}
    job = Job.objects.get()
    assert (job.kind, job.status, job.result["new"]) == ("registry.import", "succeeded", 1)


def test_it_exits_with_3_and_writes_the_report_when_some_are_rejected(tmp_path, district_a, capsys):
    rows = [household_row(district_a, "HH1"), household_row(district_a, "HH2", walls="glass")]
    households, members = write_survey(tmp_path, rows, family("HH1", 1) + family("HH2", 10))

    with pytest.raises(SystemExit) as exit_:
        call_command("import-registry", households=households, members=members, report=tmp_path / "r.csv")

    assert exit_.value.code == 3
    assert "walls" in (tmp_path / "r.csv").read_text(encoding="utf-8")
    assert "rejected 1" in capsys.readouterr().out


def test_it_exits_with_2_and_writes_nothing_when_a_file_is_unusable(tmp_path, district_a):
    households, members = write_survey(tmp_path, [household_row(district_a, "HH1")], family("HH1", 1))
    members.write_text("household_ref,member_no\nHH1,1\n", encoding="utf-8")

    with pytest.raises(CommandError, match="required columns are missing") as error:
        call_command("import-registry", households=households, members=members)

    assert error.value.returncode == 2
    assert not Household.objects.exists()
    assert Job.objects.get().status == "failed"

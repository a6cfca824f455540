"""What the programme tests share: the shipped programmes (loaded again after transactional tests emptied
the database), two programme officers (one approves, the other confirms), and households to judge."""

import pytest
from django.utils import timezone

from ehsaas.core.choices import Role
from ehsaas.core.models import Province
from ehsaas.programs.models import ApplicationQuota, BenefitRule, ConditionRule, Programme
from ehsaas.programs.shipped import shipped_programmes_load
from ehsaas.registry import choices as c
from ehsaas.targeting.choices import RunReason
from ehsaas.targeting.illustrative import illustrative_model_load
from ehsaas.targeting.models import HouseholdScore, PmtModel, PmtWeight, ScoringRun
from tests.conftest import make_user
from tests.registry.records import make_household, make_member


@pytest.fixture(autouse=True)
def shipped(reference_data):
    shipped_programmes_load(Programme, BenefitRule, ConditionRule)


@pytest.fixture
def officer(personas):
    return personas["programme_officer"]


@pytest.fixture
def second_officer(reference_data):
    return make_user("programme2", Role.PROGRAMME_OFFICER)


def scored(household, score: float):
    """Give `household` a current score without running a model (the programmes read scores only)."""
    illustrative_model_load(PmtModel, PmtWeight)
    model = PmtModel.objects.order_by("id").first()
    run = ScoringRun.objects.first() or ScoringRun.objects.create(model=model, reason=RunReason.COMMAND)
    HouseholdScore.objects.update_or_create(
        household=household,
        defaults={"score": score, "model": model, "run": run, "scored_at": timezone.now()},
    )
    return household


def family(district, *, score: float | None, wife=True, children=(), disabled=False, ref=None):
    """A household: a male head, his wife (unless not), and children given as (sex, birth date, in school);
    scored `score` (None: not scored)."""
    household = make_household(district, ref=ref)
    make_member(household, "Head", relationship=c.Relationship.HEAD, sex=c.Sex.MALE,
                disability="walking" if disabled else "")  # fmt: skip
    if wife:
        make_member(household, "Wife", relationship=c.Relationship.SPOUSE, sex=c.Sex.FEMALE)
    for sex, born, in_school in children:
        make_member(household, "Child", relationship=c.Relationship.SON if sex == c.Sex.MALE else c.Relationship.DAUGHTER,
                    sex=sex, date_of_birth=born, in_school=in_school)  # fmt: skip
    if score is not None:
        scored(household, score)
    return household


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded documents go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def scholarships(media) -> Programme:
    """The shipped scholarships with two quotas: two places at the University of the Punjab, one at the
    University of Karachi."""
    from tests.programs.applicants import KARACHI_UNIVERSITY, PUNJAB_UNIVERSITY

    programme = Programme.objects.get(code="undergraduate-scholarships")
    ApplicationQuota.objects.create(programme=programme, university=PUNJAB_UNIVERSITY,
                                    province=Province.objects.get(code="PK-PB"), places=2)  # fmt: skip
    ApplicationQuota.objects.create(programme=programme, university=KARACHI_UNIVERSITY,
                                    province=Province.objects.get(code="PK-SD"), places=1)  # fmt: skip
    return programme

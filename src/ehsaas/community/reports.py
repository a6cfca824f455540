"""The figures of community feedback, computed by the database over the records a reader may see.

The community report, by district, for a period (by default the current quarter):
- sessions held (feedback sessions and town halls) and their attendance by sex;
- actions agreed at those sessions and how many were done on time. An action's outcome is known once it
  is done, or once its due date has passed without it being done; "done on time" is the share of the
  actions whose outcome is known that were done by their due date. Dropped actions (with their reason)
  and those not yet due are counted apart, outside that share;
- advisory boards' recommendations made in the period, and how many of them are implemented. Boards are
  not tied to a programme: the programme filter does not apply to them.

Survey results: per district or per programme, the responses and, per question, the answers, the mean
score (1 to 5 questions) and the share satisfied (4 or 5, or yes).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, F, Q, QuerySet, Sum

from ehsaas.community.choices import ActionStatus, RecommendationStatus, SessionKind
from ehsaas.community.models import AgreedAction, Recommendation, SurveyAnswer, SurveyRound
from ehsaas.community.models.surveys import Question
from ehsaas.community.selectors import boards_for_user, sessions_for_user, survey_responses_for_user
from ehsaas.core.models import District
from ehsaas.programs.models import Programme


def share(part: int, whole: int) -> float | None:
    """part / whole as a percentage, or None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class DistrictFigures:
    """One district's line of the community report (or the totals' line, with no district)."""

    district: District | None
    feedback_sessions: int = 0
    town_halls: int = 0
    women: int = 0
    men: int = 0
    transgender: int = 0
    actions: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    not_yet_due: int = 0
    dropped: int = 0
    recommendations: int = 0
    implemented: int = 0

    @property
    def sessions(self) -> int:
        return self.feedback_sessions + self.town_halls

    @property
    def attendance(self) -> int:
        return self.women + self.men + self.transgender

    @property
    def outcome_known(self) -> int:
        return self.done_on_time + self.done_late + self.overdue

    @property
    def on_time_share(self) -> float | None:
        return share(self.done_on_time, self.outcome_known)

    @property
    def implemented_share(self) -> float | None:
        return share(self.implemented, self.recommendations)

    def add(self, other: "DistrictFigures") -> None:
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTED = ("feedback_sessions", "town_halls", "women", "men", "transgender", "actions", "done_on_time",
           "done_late", "overdue", "not_yet_due", "dropped", "recommendations", "implemented")  # fmt: skip


@dataclass
class CommunityReport:
    start: date
    end: date
    rows: list[DistrictFigures]
    total: DistrictFigures


def community_sessions(
    *, user, start: date, end: date, district: District | None = None, programme: Programme | None = None,
    kind: str | None = None,
) -> QuerySet:  # fmt: skip
    """The sessions a reader may see, held in the period, narrowed to a district, programme and kind."""
    sessions = sessions_for_user(user=user).filter(held_on__gte=start, held_on__lte=end)
    if district is not None:
        sessions = sessions.filter(district=district)
    if programme is not None:
        sessions = sessions.filter(programme=programme)
    if kind:
        sessions = sessions.filter(kind=kind)
    return sessions


def community_report(
    *, user, start: date, end: date, today: date, district: District | None = None,
    programme: Programme | None = None,
) -> CommunityReport:  # fmt: skip
    """The report's figures by district: three grouped queries (sessions, actions, recommendations)."""
    sessions = community_sessions(user=user, start=start, end=end, district=district, programme=programme)
    by_district: dict[int, DistrictFigures] = {}

    def line(district_id: int) -> DistrictFigures:
        return by_district.setdefault(district_id, DistrictFigures(district=None))

    for row in sessions.order_by().values("district_id").annotate(
        feedback_sessions=Count("id", filter=Q(kind=SessionKind.FEEDBACK)),
        town_halls=Count("id", filter=Q(kind=SessionKind.TOWN_HALL)),
        women_=Sum("women"), men_=Sum("men"), transgender_=Sum("transgender"),
    ):  # fmt: skip
        figures = line(row["district_id"])
        figures.feedback_sessions, figures.town_halls = row["feedback_sessions"], row["town_halls"]
        figures.women, figures.men, figures.transgender = row["women_"], row["men_"], row["transgender_"]
    done = Q(status=ActionStatus.DONE)
    pending = Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
    actions = AgreedAction.objects.filter(session__in=sessions.values("id"))
    for row in (
        actions.order_by()
        .values("session__district_id")
        .annotate(
            actions=Count("id"),
            done_on_time=Count("id", filter=done & Q(done_on__lte=F("due_on"))),
            done_late=Count("id", filter=done & Q(done_on__gt=F("due_on"))),
            overdue=Count("id", filter=pending & Q(due_on__lt=today)),
            not_yet_due=Count("id", filter=pending & Q(due_on__gte=today)),
            dropped=Count("id", filter=Q(status=ActionStatus.DROPPED)),
        )
    ):
        figures = line(row.pop("session__district_id"))
        for name, value in row.items():
            setattr(figures, name, value)
    # Boards' figures for those who may read boards (every role that reads sessions does, as granted).
    recommendations = Recommendation.objects.none()
    if user.has_perm("community.view_advisoryboard"):
        recommendations = Recommendation.objects.filter(
            board__in=boards_for_user(user=user).values("id"), made_on__gte=start, made_on__lte=end
        )
    if district is not None:
        recommendations = recommendations.filter(board__district=district)
    for row in (
        recommendations.order_by()
        .values("board__district_id")
        .annotate(
            made=Count("id"), implemented_=Count("id", filter=Q(status=RecommendationStatus.IMPLEMENTED))
        )
    ):
        figures = line(row["board__district_id"])
        figures.recommendations, figures.implemented = row["made"], row["implemented_"]
    districts = District.objects.in_bulk(list(by_district))
    for district_id, figures in by_district.items():
        figures.district = districts[district_id]
    rows = sorted(by_district.values(), key=lambda figures: figures.district.name)
    total = DistrictFigures(district=None)
    for figures in rows:
        total.add(figures)
    return CommunityReport(start=start, end=end, rows=rows, total=total)


# Survey results.


@dataclass
class QuestionFigures:
    answers: int = 0
    mean: float | None = None
    satisfied: int = 0

    @property
    def satisfied_share(self) -> float | None:
        return share(self.satisfied, self.answers)


@dataclass
class ResultLine:
    """A district's or a programme's line of the results (the totals' line has no label of its own)."""

    label: str
    responses: int = 0
    questions: dict[str, QuestionFigures] = field(default_factory=dict)
    cells: list[QuestionFigures | None] = field(default_factory=list)  # in the order of the questions


@dataclass
class SurveyResults:
    by: str
    questions: list[Question]
    rows: list[ResultLine]
    total: ResultLine

    @property
    def columns(self) -> int:
        return 2 + 2 * len(self.questions)


GROUPS = {"district": "response__district_id", "programme": "response__survey_round__programme_id"}


def survey_rounds_in(
    rounds: QuerySet[SurveyRound], *, programme: Programme | None = None, survey_round: SurveyRound | None = None,
    start: date | None = None, end: date | None = None,
) -> QuerySet[SurveyRound]:  # fmt: skip
    """The rounds of a programme, one round, or the rounds whose period meets [start, end]."""
    if programme is not None:
        rounds = rounds.filter(programme=programme)
    if survey_round is not None:
        rounds = rounds.filter(pk=survey_round.pk)
    if start is not None:
        rounds = rounds.filter(ends_on__gte=start)
    if end is not None:
        rounds = rounds.filter(starts_on__lte=end)
    return rounds


def survey_results(
    *, user, rounds: QuerySet[SurveyRound], by: str = "district", district: District | None = None
) -> SurveyResults:
    """The results of the rounds' responses the reader may see, a line per district or programme. A
    question is known by its code: rounds that ask the same code are counted together, under the
    wording of the latest of them."""
    rounds = list(rounds.order_by("starts_on", "id"))
    questions: dict[str, Question] = {}
    for survey_round in rounds:
        for question in survey_round.question_list:
            questions[question.code] = question  # in the place it was first asked, in its latest wording
    ordered = list(questions.values())
    responses = survey_responses_for_user(user=user).filter(survey_round__in=[r.pk for r in rounds])
    if district is not None:
        responses = responses.filter(district=district)
    group = GROUPS[by]
    lines: dict[int, ResultLine] = {}
    counts = responses.order_by().values(group.removeprefix("response__")).annotate(n=Count("id"))
    for row in counts:
        lines[row[group.removeprefix("response__")]] = ResultLine(label="", responses=row["n"])
    answers = SurveyAnswer.objects.filter(response__in=responses.values("id")).order_by()
    total = ResultLine(label="", responses=sum(line.responses for line in lines.values()))
    for row in answers.values(group, "question").annotate(
        n=Count("id"), mean=Avg("score"), yes=Count("id", filter=Q(satisfied=True))
    ):
        lines[row[group]].questions[row["question"]] = QuestionFigures(row["n"], row["mean"], row["yes"])
    for row in answers.values("question").annotate(
        n=Count("id"), mean=Avg("score"), yes=Count("id", filter=Q(satisfied=True))
    ):
        total.questions[row["question"]] = QuestionFigures(row["n"], row["mean"], row["yes"])
    model = District if by == "district" else Programme
    names = model.objects.in_bulk(list(lines))
    for key, line in lines.items():
        line.label = names[key].name
    for line in [*lines.values(), total]:
        line.cells = [line.questions.get(question.code) for question in ordered]
    return SurveyResults(by=by, questions=ordered, rows=sorted(lines.values(), key=lambda line: line.label),
                         total=total)  # fmt: skip

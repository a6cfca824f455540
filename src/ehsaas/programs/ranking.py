"""Ranking a programme's open applications, set-based: each applicant's need from the PMT score of the
household the CNIC is found in (need = 100 − score: the lower the score, the greater the need; an
applicant not in the registry or not yet scored has a need of 0, so that merit alone ranks them), and the
merit they declared; the score `need_weight × need + merit_weight × merit` orders the applications of
each university and province (ties: the higher merit, then the earlier application), and the top of
each quota is proposed for acceptance, the rest for the waiting list. Places already taken by accepted
applications are not offered again. Nothing is decided here: a person confirms the proposals."""

from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.frames import frame_insert, sql_frame
from ehsaas.core.models import Province
from ehsaas.programs.application_fields import Ranking
from ehsaas.programs.choices import OPEN_APPLICATION, ApplicationStatus, Proposal
from ehsaas.programs.models import Programme

REASON_ACCEPT = _("Ranked %(rank)s for the %(places)s places at %(university)s, %(province)s.")
REASON_WAITLIST = _(
    "Ranked %(rank)s for the %(places)s places at %(university)s, %(province)s: waitlisted until a place frees."
)
_OPEN = ", ".join(f"'{status}'" for status in OPEN_APPLICATION)
_RANKS_TABLE = "application_ranks"


@dataclass
class RankingFigures:
    ranked: int = 0
    accept: int = 0
    waitlist: int = 0
    quotas: int = 0


def applicants_match(programme: Programme, *, application_ids: list[int] | None = None) -> None:
    """Open applications (of `application_ids` only, when given) matched again by CNIC when their
    applicant was not found in the registry (they may have registered since) or is no longer an active
    member of it (the link is then dropped, or moved to the CNIC's holder now), so that their need is
    known and an accepted applicant becomes a beneficiary of the household they are in now."""
    holder = (
        "SELECT {column} FROM registry_identifier i JOIN registry_member m ON m.id = i.member_id "
        "WHERE i.number = programs_application.cnic AND i.active AND m.status = 'active'"
    )
    chosen = ""
    if application_ids is not None:
        chosen = "AND id IN ({})".format(", ".join(str(int(pk)) for pk in application_ids) or "NULL")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE programs_application SET member_id = ({holder.format(column="m.id")}),
                   household_id = ({holder.format(column="m.household_id")})
            WHERE programme_id = %s AND status IN ({_OPEN}) {chosen}
              AND (member_id IS NULL OR NOT EXISTS (SELECT 1 FROM registry_member x
                                                   WHERE x.id = programs_application.member_id
                                                     AND x.status = 'active'))""",
            [programme.pk],
        )


def _answer(name: str, kind=pl.String) -> pl.Expr:
    return pl.col("answers").str.json_path_match(f"$.{name}").cast(kind, strict=False)


def ranks_compute(programme: Programme, settings: Ranking) -> pl.DataFrame:
    """(id, need, rank_score, rank, places, proposal, university, province, merit) of each open
    application."""
    applications = sql_frame(
        f"""SELECT a.id, a.answers, s.score FROM programs_application a
        LEFT JOIN targeting_householdscore s ON s.household_id = a.household_id
        WHERE a.programme_id = %s AND a.status IN ({_OPEN})""",
        [programme.pk],
        schema={"id": pl.Int64, "answers": pl.String, "score": pl.Float64},
    )
    accepted = sql_frame(
        "SELECT answers FROM programs_application WHERE programme_id = %s AND status = %s",
        [programme.pk, ApplicationStatus.ACCEPTED.value],
        schema={"answers": pl.String},
    )
    quotas = sql_frame(
        """SELECT q.university, p.code AS province, q.places FROM programs_applicationquota q
        JOIN core_province p ON p.id = q.province_id WHERE q.programme_id = %s""",
        [programme.pk],
        schema={"university": pl.String, "province": pl.String, "places": pl.Int64},
    )
    group = ["university", "province"]
    where = [
        _answer(settings.university_field).alias("university"),
        _answer(settings.province_field).alias("province"),
    ]
    taken = accepted.select(*where).group_by(group).agg(pl.len().cast(pl.Int64).alias("taken"))
    need = (100 - pl.col("score")).clip(0, 100).fill_null(0)
    merit = _answer(settings.merit_field, pl.Float64).fill_null(0)
    score = float(settings.need_weight) * pl.col("need") + float(settings.merit_weight) * pl.col("merit")
    ranked = (
        applications.with_columns(*where, need.alias("need"), merit.alias("merit"))
        .with_columns(score.round(3).alias("rank_score"))
        .sort(["rank_score", "merit", "id"], descending=[True, True, False])
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over(group).alias("rank"))
        .join(quotas, on=group, how="left", nulls_equal=True)
        .join(taken, on=group, how="left", nulls_equal=True)
    )
    places = (pl.col("places").fill_null(0) - pl.col("taken").fill_null(0)).clip(lower_bound=0)
    proposal = pl.when(pl.col("rank") <= pl.col("places")).then(pl.lit(Proposal.ACCEPT.value))
    return ranked.with_columns(places.alias("places")).with_columns(
        proposal.otherwise(pl.lit(Proposal.WAITLIST.value)).alias("proposal")
    )


def ranks_write(ranked: pl.DataFrame, *, now, user_id: int | None, reason: str) -> None:
    """The ranks written in a few statements; applications still submitted move to under review, each
    with a history row."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_RANKS_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_RANKS_TABLE} (id bigint, need numeric(5, 2), rank_score numeric(7, 3), "
            "rank integer, places integer, proposal varchar(8))"
        )
    frame_insert(_RANKS_TABLE, ranked.select("id", "need", "rank_score", "rank", "places", "proposal"))
    params = {"now": connection.ops.adapt_datetimefield_value(now), "user": user_id, "reason": reason,
              "submitted": ApplicationStatus.SUBMITTED.value, "review": ApplicationStatus.UNDER_REVIEW.value}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO programs_applicationstatuschange
                    (application_id, from_status, to_status, reason, changed_at, changed_by_id)
                SELECT a.id, a.status, %(review)s, %(reason)s, %(now)s, %(user)s
                FROM programs_application a JOIN {_RANKS_TABLE} r ON r.id = a.id
                WHERE a.status = %(submitted)s""",
            params,
        )
        cursor.execute(
            f"""UPDATE programs_application AS a SET need = r.need, rank_score = r.rank_score, rank = r.rank,
                    places = r.places, proposal = r.proposal, ranked_at = %(now)s,
                    status = CASE WHEN a.status = %(submitted)s THEN %(review)s ELSE a.status END
                FROM {_RANKS_TABLE} r WHERE r.id = a.id""",
            params,
        )
        cursor.execute(f"DROP TABLE {_RANKS_TABLE}")


def _formatted(template: str, columns: dict[str, str]) -> pl.Expr:
    """A translated message's %(name)s placeholders filled from columns, in whatever order the
    translation puts them."""
    found = sorted((template.find(f"%({name})s"), name) for name in columns if f"%({name})s" in template)
    for _position, name in found:
        template = template.replace(f"%({name})s", "{}")
    return pl.format(template, *(pl.col(columns[name]) for _position, name in found))


def proposals(programme: Programme, settings: Ranking) -> pl.DataFrame:
    """(application_id, to_status, reason, household_id, member_id): the proposals of open applications
    that would change their status, with the reason in the active language, and the active member of
    the registry the applicant is and their household now (null when there is none)."""
    frame = sql_frame(
        f"""SELECT a.id, a.answers, a.status, a.rank, a.places, a.proposal, m.household_id, m.id AS member_id
        FROM programs_application a LEFT JOIN registry_member m ON m.id = a.member_id AND m.status = 'active'
        WHERE a.programme_id = %s AND a.status IN ({_OPEN}) AND a.proposal <> ''""",
        [programme.pk],
        schema={"id": pl.Int64, "answers": pl.String, "status": pl.String, "rank": pl.Int64, "places": pl.Int64,
                "proposal": pl.String, "household_id": pl.Int64, "member_id": pl.Int64},
    )  # fmt: skip
    names = pl.DataFrame(
        [(province.code, province.name) for province in Province.objects.all()],
        schema={"province": pl.String, "province_name": pl.String},
        orient="row",
    )
    target = (
        pl.when(pl.col("proposal") == Proposal.ACCEPT)
        .then(pl.lit(ApplicationStatus.ACCEPTED.value))
        .otherwise(pl.lit(ApplicationStatus.WAITLISTED.value))
    )
    decided = (
        frame.with_columns(
            _answer(settings.university_field).fill_null("").alias("university"),
            _answer(settings.province_field).alias("province"),
            target.alias("to_status"),
        )
        .filter(pl.col("to_status") != pl.col("status"))
        .join(names, on="province", how="left")
        .with_columns(pl.col("province_name").fill_null(pl.col("province")).fill_null(""))
    )
    columns = {"rank": "rank", "places": "places", "university": "university", "province": "province_name"}
    reason = (
        pl.when(pl.col("to_status") == ApplicationStatus.ACCEPTED)
        .then(_formatted(_g(REASON_ACCEPT), columns))
        .otherwise(_formatted(_g(REASON_WAITLIST), columns))
    )
    return decided.select(
        pl.col("id").alias("application_id"), "to_status", reason.alias("reason"), "household_id", "member_id"
    )

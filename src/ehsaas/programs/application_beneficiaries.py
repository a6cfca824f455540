"""Accepted applicants become beneficiaries of the programme they applied to, set-based, whether one
application is decided or a whole ranking is confirmed.

The rules:

- Accepting an application makes the applicant an active beneficiary: a new one, or one who had left
  the programme (exited, graduated, or still potential) made active again. One already in it (active,
  or suspended: a suspension is lifted by meeting the conditions, not by applying again) is left as it
  is, so that accepting twice never makes two beneficiaries (the beneficiary's unique constraints hold
  a person, or a household served as a whole, once a programme).
- Only someone in the registry can be accepted. A beneficiary is a member of a registered household:
  payments, conditions and the need the ranking read all come from there. The CNIC is matched again
  first (the applicant may have registered since applying). An applicant still not found is not
  accepted: deciding one is refused with a message saying the applicant must register first;
  confirming a ranking leaves them under review, counted in the confirmation's message, until they
  register and are ranked again, or a person rejects them.
- The amount and category are the programme's benefit table judged on the applicant's unit, as
  enrolment judges it: the applicant's own frame for a programme that serves people (whatever kind of
  person it serves: the applicant is the one a person accepted), the household's for one that serves
  households. The eligibility rule is not judged again: the ranking and a person decided.
- Each status change has a history row whose reason names the application, "accepted application
  APP-000123", written by whoever accepted it.
"""

from dataclasses import dataclass

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.frames import frame_insert
from ehsaas.programs.choices import BeneficiaryStatus, Unit
from ehsaas.programs.enrolment import flag_ids
from ehsaas.programs.models import TRACKING_PREFIX, Programme
from ehsaas.programs.rules import programme_rules
from ehsaas.programs.units import unit_frames

REASON_ACCEPTED = _("accepted application %(number)s")
_TABLE = "application_beneficiaries"
_KEY = ["household_id", "member_id"]
# Those in the programme already, paid or not: accepting them again changes nothing.
_CURRENT = ", ".join(f"'{status}'" for status in (BeneficiaryStatus.ACTIVE, BeneficiaryStatus.SUSPENDED))


@dataclass
class BeneficiaryFigures:
    new: int = 0  # beneficiaries created
    back: int = 0  # beneficiaries who had left, active again
    already: int = 0  # in the programme already, left as they were


def _serves_households(programme: Programme) -> bool:
    return programme.unit == Unit.HOUSEHOLD


def benefits_judge(programme: Programme, accepted: pl.DataFrame) -> pl.DataFrame:
    """`accepted` (application_id, household_id, member_id; member_id 0 for a household served as a
    whole) with the amount and category the programme's benefit table gives each unit (0 and "" for a
    unit no base line covers, as enrolment gives)."""
    rules = programme_rules(programme)
    amount, category = rules.amount_and_category()
    # Any active member may be the applicant, whatever kind of person the programme's frames pick.
    unit = Unit.HOUSEHOLD if _serves_households(programme) else Unit.PERSON
    parts = []
    for frame in unit_frames(
        unit, households=accepted["household_id"].unique().to_list(), programme_flags=flag_ids(rules)
    ):
        if unit == Unit.HOUSEHOLD:
            frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias("member_id"))
        parts.append(
            frame.join(accepted.select(_KEY), on=_KEY, how="semi").select(
                *_KEY, amount.alias("amount"), category.alias("category")
            )
        )
    schema = {"household_id": pl.Int64, "member_id": pl.Int64, "amount": pl.Int64, "category": pl.String}
    judged = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    return accepted.join(judged, on=_KEY, how="left").with_columns(
        pl.col("amount").fill_null(0), pl.col("category").fill_null("")
    )


def _reasons(accepted: pl.DataFrame) -> pl.Expr:
    """ "accepted application APP-000123" in the active language, for each row."""
    number = pl.lit(TRACKING_PREFIX) + pl.col("application_id").cast(pl.String).str.zfill(6)
    return pl.format(_g(REASON_ACCEPTED).replace("%(number)s", "{}"), number)


def applicants_enrol(
    programme: Programme, accepted: pl.DataFrame, *, now, user_id: int | None
) -> BeneficiaryFigures:
    """Make the accepted applicants of `programme` beneficiaries, in the caller's transaction.

    `accepted` holds (application_id, household_id, member_id) of applicants matched to an active
    member of the registry, `household_id` the member's household now; a person accepted twice in it
    counts once (by the first application)."""
    if accepted.height == 0:
        return BeneficiaryFigures()
    if _serves_households(programme):
        accepted = accepted.with_columns(pl.lit(0, dtype=pl.Int64).alias("member_id"))
    key = ["household_id"] if _serves_households(programme) else ["member_id"]
    accepted = accepted.sort("application_id").unique(subset=key, keep="first", maintain_order=True)
    judged = benefits_judge(programme, accepted.select("application_id", *_KEY))
    rows = judged.select(
        "application_id", "household_id",
        pl.when(pl.col("member_id") == 0).then(None).otherwise(pl.col("member_id")).alias("member_id"),
        "amount", pl.col("category").str.slice(0, 120), _reasons(judged).alias("reason"),
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_TABLE} (application_id bigint, household_id bigint, member_id bigint, "
            "amount integer, category varchar(120), reason text)"
        )
    frame_insert(_TABLE, rows)
    if connection.vendor == "postgresql":  # a temporary table has no statistics until it is analysed
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_TABLE}")
    params = {"programme": programme.pk, "now": connection.ops.adapt_datetimefield_value(now), "user": user_id,
              "active": BeneficiaryStatus.ACTIVE.value}  # fmt: skip
    # The beneficiary `b` an accepted applicant `t` is: the person (wherever their household is now), or
    # the household served as a whole.
    if _serves_households(programme):
        about = "b.programme_id = %(programme)s AND b.member_id IS NULL AND b.household_id = t.household_id"
    else:
        about = "b.programme_id = %(programme)s AND b.member_id = t.member_id"
    history = (
        "INSERT INTO programs_beneficiarystatuschange "
        "(beneficiary_id, from_status, to_status, reason, changed_at, changed_by_id) "
    )
    with connection.cursor() as cursor:
        # Those who had left come back; the history row first, while they still hold the status they leave.
        cursor.execute(
            history
            + f"""SELECT b.id, b.status, %(active)s, t.reason, %(now)s, %(user)s
            FROM {_TABLE} t JOIN programs_beneficiary b ON {about} WHERE b.status NOT IN ({_CURRENT})""",
            params,
        )
        cursor.execute(
            f"""UPDATE programs_beneficiary AS b SET status = %(active)s, status_since = %(now)s,
                    status_reason = t.reason, amount = t.amount, category = t.category,
                    household_id = t.household_id
                FROM {_TABLE} t WHERE {about} AND b.status NOT IN ({_CURRENT})""",
            params,
        )
        back = cursor.rowcount
        cursor.execute(
            f"""INSERT INTO programs_beneficiary (programme_id, household_id, member_id, status, status_reason,
                    status_since, amount, category, enrolled_at)
                SELECT %(programme)s, t.household_id, t.member_id, %(active)s, t.reason, %(now)s, t.amount,
                       t.category, %(now)s
                FROM {_TABLE} t WHERE NOT EXISTS (SELECT 1 FROM programs_beneficiary b WHERE {about})""",
            params,
        )
        new = cursor.rowcount
        cursor.execute(
            history
            + f"""SELECT b.id, '', %(active)s, t.reason, %(now)s, %(user)s
            FROM {_TABLE} t JOIN programs_beneficiary b ON {about} WHERE b.enrolled_at = %(now)s""",
            params,
        )
        cursor.execute(f"DROP TABLE {_TABLE}")
    return BeneficiaryFigures(new=new, back=back, already=rows.height - new - back)

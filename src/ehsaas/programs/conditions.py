"""A quarter's conditions judged for a programme, set-based.

Every current beneficiary (active or suspended) is read at once, with the frame of its unit (as
enrolment reads them, as of the quarter's last day, so that a child's age is the one it had then);
each condition's `applies_when` rule picks those it applies to, and the quarter's figures are joined in:
the attendance a school reported (none reported: not met), or the visits a centre recorded in the
quarter, counted. A condition missed is counted in a row from the previous quarter's judgement, so that
`suspend_after` quarters missed in a row suspend the beneficiary.

Then, in a few statements: an active beneficiary with a condition missed `suspend_after` quarters in a
row is suspended, the reason naming the conditions and the quarter; a beneficiary an evaluation
suspended (never one suspended by hand) whose conditions are all met again resumes. Each change is a
status history row and an SMS queued in the outbox (see `notices`). Evaluating the same quarter again
writes only what changed since (a school's corrected file, say): with nothing new, nothing changes.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.expressions import And, Comparison, Node, Not, Or, to_polars
from ehsaas.core.frames import frame_insert, sql_frame
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.programs.choices import (
    VISITS_COUNTED,
    BeneficiaryStatus,
    ComplianceAction,
    ConditionKind,
    Unit,
)
from ehsaas.programs.fields import enrolment_field, rule_fields
from ehsaas.programs.models import ConditionEvaluation, ConditionRule, Programme
from ehsaas.programs.notices import condition_messages_queue, sms_reasons
from ehsaas.programs.quarters import Quarter
from ehsaas.programs.rules import parse_rule
from ehsaas.programs.units import units_of_households

HOUSEHOLDS_A_READ = 50_000
MSG_MISSED = _("%(condition)s under %(minimum)s in %(quarter)s")
MSG_MISSED_IN_A_ROW = _("%(condition)s under %(minimum)s in %(quarter)s, %(count)s quarters in a row")
MSG_RESUMED = _("conditions met again in %(quarter)s")
_DECISIONS_TABLE = "condition_decisions"
_KEY = ["household_id", "member_id"]
_ROWS = {"beneficiary_id": pl.Int64, "kind": pl.String, "quarter": pl.String, "value": pl.Float64,
         "minimum": pl.Int64, "met": pl.Boolean, "missed_in_a_row": pl.Int64}  # fmt: skip


@dataclass
class EvaluationFigures:
    judged: int = 0
    met: int = 0
    suspended: int = 0
    resumed: int = 0
    changed: bool = False


def _fields_read(node: Node) -> set[str]:
    if isinstance(node, Comparison):
        return {node.field}
    if isinstance(node, Not):
        return _fields_read(node.part)
    if isinstance(node, And | Or):
        return set().union(*(_fields_read(part) for part in node.parts))
    return set()


def _applies(programme: Programme, conditions: list[ConditionRule]) -> tuple[dict, dict[str, int]]:
    """{kind: polars expression of whom the condition applies to} and the enrolment flags the rules
    read ({in_<code>: programme id})."""
    others = dict(Programme.objects.exclude(pk=programme.pk).values_list("code", "pk"))
    fields = rule_fields(programme.unit, others)
    applies, flags = {}, {}
    for condition in conditions:
        if not condition.applies_when.strip():
            applies[condition.kind] = pl.lit(True)
            continue
        tree = parse_rule(condition.applies_when, fields, label=str(condition.get_kind_display()))
        applies[condition.kind] = to_polars(tree, fields)
        read = _fields_read(tree)
        flags |= {enrolment_field(code): pk for code, pk in others.items() if enrolment_field(code) in read}
    return applies, flags


def _beneficiaries(programme: Programme) -> pl.DataFrame:
    """The programme's current beneficiaries, and whether an evaluation made the current suspension
    (`held`)."""
    return sql_frame(
        """SELECT b.id AS beneficiary_id, b.household_id, COALESCE(b.member_id, 0) AS member_id, b.status,
               EXISTS (SELECT 1 FROM programs_conditionoutcome o WHERE o.beneficiary_id = b.id
                       AND o.action = 'suspended' AND o.at = b.status_since) AS held,
               b.member_id IS NULL OR m.status = 'active' AS present
        FROM programs_beneficiary b
        LEFT JOIN registry_member m ON m.id = b.member_id
        WHERE b.programme_id = %s AND b.status IN ('active', 'suspended')""",
        [programme.pk],
        schema={"beneficiary_id": pl.Int64, "household_id": pl.Int64, "member_id": pl.Int64,
                "status": pl.String, "held": pl.Boolean, "present": pl.Boolean},
    )  # fmt: skip


def _who_is_judged(
    programme: Programme,
    beneficiaries: pl.DataFrame,
    conditions: list[ConditionRule],
    day: date,
    progress: Progress,
) -> pl.DataFrame:
    """(beneficiary_id, household_id, member_id, kind): each beneficiary and each condition that applies
    to it, judged on the unit frames of its household (a read of many households at a time, `progress`
    advanced by the beneficiaries of each). When no condition has a rule, every beneficiary still a
    member of the registry is judged on every condition, and no frame is read."""
    schema = {"beneficiary_id": pl.Int64, "household_id": pl.Int64, "member_id": pl.Int64, "kind": pl.String}
    if not any(condition.applies_when.strip() for condition in conditions):
        progress.advance(beneficiaries.height)
        present = beneficiaries.filter("present").select("beneficiary_id", *_KEY)
        kinds = pl.DataFrame(
            {"kind": [condition.kind for condition in conditions]}, schema={"kind": pl.String}
        )
        return present.join(kinds, how="cross").select(list(schema))
    applies, flags = _applies(programme, conditions)
    households = beneficiaries["household_id"].unique().sort().to_list()
    parts = []
    for start in range(0, len(households), HOUSEHOLDS_A_READ):
        frame = units_of_households(
            programme.unit, households[start : start + HOUSEHOLDS_A_READ], programme_flags=flags, today=day
        )
        if programme.unit == Unit.HOUSEHOLD:
            frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias("member_id"))
        units = beneficiaries.select("beneficiary_id", *_KEY).join(frame, on=_KEY, how="inner")
        # The read's households are a run of the sorted ids: its beneficiaries are those between the ends.
        chosen = households[start : start + HOUSEHOLDS_A_READ]
        progress.advance(
            beneficiaries.filter(pl.col("household_id").is_between(chosen[0], chosen[-1])).height
        )
        for condition in conditions:
            parts.append(
                units.filter(applies[condition.kind]).select(
                    "beneficiary_id", *_KEY, pl.lit(condition.kind).alias("kind")
                )
            )
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _figures(programme: Programme, quarter: Quarter) -> pl.DataFrame:
    """(household_id, member_id, kind, value): the quarter's attendance and visit counts of the
    programme's current beneficiaries (of every member of their households, for a programme that serves
    households)."""
    visit_kinds = " ".join(f"WHEN '{visit}' THEN '{kind}'" for kind, visit in VISITS_COUNTED.items())
    if programme.unit == Unit.HOUSEHOLD:
        people = (
            "registry_member p JOIN programs_beneficiary b ON b.household_id = p.household_id"
            " AND b.member_id IS NULL AND p.status = 'active'"
        )
        person = "p.id"
    else:
        people, person = "programs_beneficiary b", "b.member_id"
    current = "b.programme_id = %(programme)s AND b.status IN ('active', 'suspended')"
    return sql_frame(
        f"""SELECT b.household_id, a.member_id, 'school_attendance' AS kind, a.attendance AS value
        FROM {people} JOIN programs_schoolattendance a ON a.member_id = {person}
        WHERE {current} AND a.quarter = %(quarter)s
        UNION ALL
        SELECT b.household_id, v.member_id, CASE v.kind {visit_kinds} END AS kind, COUNT(*) AS value
        FROM {people} JOIN programs_healthvisit v ON v.member_id = {person}
        WHERE {current} AND v.visited_on BETWEEN %(first)s AND %(last)s
        GROUP BY b.household_id, v.member_id, v.kind""",
        {"quarter": str(quarter), "programme": programme.pk, "first": quarter.first_day.isoformat(),
         "last": quarter.last_day.isoformat()},
        schema={"household_id": pl.Int64, "member_id": pl.Int64, "kind": pl.String, "value": pl.Float64},
    )  # fmt: skip


def _with_values(judged: pl.DataFrame, figures: pl.DataFrame, unit: str) -> pl.DataFrame:
    """Each (beneficiary, condition) with the quarter's figure: the person's own; for a household
    served as a whole, its lowest attendance reported and its visits counted together."""
    if unit == Unit.HOUSEHOLD:
        attendance = figures.filter(pl.col("kind") == ConditionKind.SCHOOL_ATTENDANCE)
        visits = figures.filter(pl.col("kind") != ConditionKind.SCHOOL_ATTENDANCE)
        per_household = pl.concat([
            attendance.group_by("household_id", "kind").agg(pl.col("value").min()),
            visits.group_by("household_id", "kind").agg(pl.col("value").sum()),
        ])  # fmt: skip
        joined = judged.join(per_household, on=["household_id", "kind"], how="left")
    else:
        joined = judged.join(figures.drop("household_id"), on=["member_id", "kind"], how="left")
    counted = pl.col("kind") != ConditionKind.SCHOOL_ATTENDANCE
    return joined.with_columns(pl.when(counted).then(pl.col("value").fill_null(0)).otherwise("value"))


def _previous_missed(programme: Programme, quarter: Quarter) -> pl.DataFrame:
    return sql_frame(
        """SELECT c.beneficiary_id, c.kind, c.missed_in_a_row AS previous FROM programs_compliance c
        JOIN programs_beneficiary b ON b.id = c.beneficiary_id
        WHERE b.programme_id = %s AND c.quarter = %s""",
        [programme.pk, str(quarter.previous())],
        schema={"beneficiary_id": pl.Int64, "kind": pl.String, "previous": pl.Int64},
    )


def _existing(programme: Programme, quarter: Quarter) -> pl.DataFrame:
    return sql_frame(
        """SELECT c.id, c.beneficiary_id, c.kind, c.quarter, c.value, c.minimum, c.met, c.missed_in_a_row
        FROM programs_compliance c JOIN programs_beneficiary b ON b.id = c.beneficiary_id
        WHERE b.programme_id = %s AND c.quarter = %s AND b.status IN ('active', 'suspended')""",
        [programme.pk, str(quarter)],
        schema={"id": pl.Int64} | _ROWS,
    )


def compliance_judge(
    programme: Programme, quarter: Quarter, beneficiaries: pl.DataFrame, progress: Progress | None = None
) -> pl.DataFrame:
    """The quarter's compliance rows of the programme (schema _ROWS), with each condition's
    `suspend_after`."""
    conditions = list(programme.condition_rules.all())
    rules = pl.DataFrame(
        {"kind": [c.kind for c in conditions], "minimum": [c.minimum for c in conditions],
         "suspend_after": [c.suspend_after for c in conditions]},
        schema={"kind": pl.String, "minimum": pl.Int64, "suspend_after": pl.Int64},
    )  # fmt: skip
    judged = _who_is_judged(programme, beneficiaries, conditions, quarter.last_day, progress or NoProgress())
    rows = _with_values(judged, _figures(programme, quarter), programme.unit).join(rules, on="kind")
    met = (pl.col("value") >= pl.col("minimum")).fill_null(False)
    rows = rows.with_columns(met.alias("met")).join(
        _previous_missed(programme, quarter), on=["beneficiary_id", "kind"], how="left"
    )
    missed = pl.when("met").then(0).otherwise(pl.col("previous").fill_null(0) + 1)
    return rows.select(
        "beneficiary_id", "kind", pl.lit(str(quarter)).alias("quarter"), "value", "minimum", "met",
        missed.cast(pl.Int64).alias("missed_in_a_row"), "suspend_after",
    )  # fmt: skip


def _compliance_write(rows: pl.DataFrame, existing: pl.DataFrame) -> bool:
    """Replace the rows that differ from the judgement; return whether any did."""
    columns = list(_ROWS)
    stale = existing.join(rows.select(columns), on=columns, how="anti", nulls_equal=True)
    fresh = rows.select(columns).join(existing.select(columns), on=columns, how="anti", nulls_equal=True)
    ids = stale["id"].to_list()
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 10_000):
            marks = ", ".join(str(int(i)) for i in ids[start : start + 10_000])
            cursor.execute(f"DELETE FROM programs_compliance WHERE id IN ({marks})")
    frame_insert("programs_compliance", fresh)
    return bool(stale.height or fresh.height)


def _texts(quarter: Quarter, conditions: list[ConditionRule]) -> dict[str, tuple[str, str]]:
    """{kind: (the reason a condition missed once, missed n times in a row with {} for n)} in the
    active language."""
    texts = {}
    for condition in conditions:
        names = {"condition": condition.get_kind_display(), "minimum": condition.minimum, "quarter": quarter}
        texts[condition.kind] = (_g(MSG_MISSED) % names, _g(MSG_MISSED_IN_A_ROW) % (names | {"count": "{}"}))
    return texts


def _reasons(missed: pl.DataFrame, texts: dict[str, tuple[str, str]]) -> pl.DataFrame:
    """(beneficiary_id, reason): the conditions each beneficiary missed, joined."""
    phrase = pl.lit(None, dtype=pl.String)
    for kind, (once, many) in texts.items():
        phrase = (
            pl.when((pl.col("kind") == kind) & (pl.col("missed_in_a_row") > 1))
            .then(pl.format(many, "missed_in_a_row"))
            .when(pl.col("kind") == kind)
            .then(pl.lit(once))
            .otherwise(phrase)
        )
    return (
        missed.sort("kind")
        .with_columns(phrase.alias("phrase"))
        .group_by("beneficiary_id", maintain_order=True)
        .agg(pl.col("phrase").str.join("; ").alias("reason"))
    )


def decisions(
    programme: Programme, quarter: Quarter, rows: pl.DataFrame, beneficiaries: pl.DataFrame
) -> pl.DataFrame:
    """Who is suspended and who resumes: (beneficiary_id, action, to_status, reason, sms_reason_en,
    sms_reason_ur); the reason in the active language, and the conditions missed in a few words of each
    language for the SMS (empty for those who resume)."""
    conditions = list(programme.condition_rules.all())
    over = rows.filter(pl.col("missed_in_a_row") >= pl.col("suspend_after"))
    judged = rows.select("beneficiary_id").unique()
    suspend = beneficiaries.filter(pl.col("status") == BeneficiaryStatus.ACTIVE).join(
        over.select("beneficiary_id").unique(), on="beneficiary_id", how="semi"
    )
    resume = (
        beneficiaries.filter((pl.col("status") == BeneficiaryStatus.SUSPENDED) & pl.col("held"))
        .join(judged, on="beneficiary_id", how="semi")
        .join(over, on="beneficiary_id", how="anti")
    )
    missed = over.join(suspend.select("beneficiary_id"), on="beneficiary_id", how="semi")
    reasons = _reasons(missed, _texts(quarter, conditions))
    resumed = _g(MSG_RESUMED) % {"quarter": quarter}
    suspended = suspend.join(reasons, on="beneficiary_id").join(
        sms_reasons(missed, conditions), on="beneficiary_id"
    )
    columns = ["beneficiary_id", "action", "to_status", "reason", "sms_reason_en", "sms_reason_ur"]
    return pl.concat([
        suspended.select(
            "beneficiary_id", pl.lit(ComplianceAction.SUSPENDED.value).alias("action"),
            pl.lit(BeneficiaryStatus.SUSPENDED.value).alias("to_status"), "reason", "sms_reason_en",
            "sms_reason_ur",
        ),
        resume.select(
            "beneficiary_id", pl.lit(ComplianceAction.RESUMED.value).alias("action"),
            pl.lit(BeneficiaryStatus.ACTIVE.value).alias("to_status"), pl.lit(resumed).alias("reason"),
            pl.lit("").alias("sms_reason_en"), pl.lit("").alias("sms_reason_ur"),
        ),
    ]).select(columns)  # fmt: skip


def decisions_apply(evaluation: ConditionEvaluation, decided: pl.DataFrame, *, acting_user) -> None:
    """The decisions made, in the caller's transaction: an outcome, a status history row, the status,
    and an SMS queued for each (see `notices.condition_messages_queue`)."""
    if decided.height == 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_DECISIONS_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_DECISIONS_TABLE} (beneficiary_id bigint, action varchar(10), "
            "to_status varchar(10), reason text, sms_reason_en text, sms_reason_ur text)"
        )
    frame_insert(_DECISIONS_TABLE, decided)
    if connection.vendor == "postgresql":  # a temporary table has no statistics until it is analysed
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {_DECISIONS_TABLE}")
    params = {"evaluation": evaluation.pk, "now": connection.ops.adapt_datetimefield_value(timezone.now()),
              "user": getattr(acting_user, "pk", None)}  # fmt: skip
    decisions_of = f"FROM {_DECISIONS_TABLE} d JOIN programs_beneficiary b ON b.id = d.beneficiary_id"
    statements = [
        f"""INSERT INTO programs_conditionoutcome (evaluation_id, beneficiary_id, action, reason, at)
            SELECT %(evaluation)s, d.beneficiary_id, d.action, d.reason, %(now)s FROM {_DECISIONS_TABLE} d""",
        # The history row first, while the beneficiary still holds the status it leaves.
        f"""INSERT INTO programs_beneficiarystatuschange
                (beneficiary_id, from_status, to_status, reason, changed_at, changed_by_id)
            SELECT b.id, b.status, d.to_status, d.reason, %(now)s, %(user)s {decisions_of}""",
        f"""UPDATE programs_beneficiary AS b SET status = d.to_status, status_reason = d.reason,
                status_since = %(now)s
            FROM {_DECISIONS_TABLE} d WHERE d.beneficiary_id = b.id""",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
    condition_messages_queue(evaluation, at=params["now"], decided=_DECISIONS_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {_DECISIONS_TABLE}")


def conditions_compute(
    programme: Programme,
    quarter: Quarter,
    evaluation: ConditionEvaluation,
    *,
    acting_user,
    progress: Progress | None = None,
) -> EvaluationFigures:
    """Judge the quarter, write what changed and make the decisions; the caller holds the transaction
    and has locked the programme. `progress` counts the beneficiaries judged."""
    progress = progress or NoProgress()
    beneficiaries = _beneficiaries(programme)
    progress.start(beneficiaries.height, _g("Judging the beneficiaries' conditions"), unit="beneficiaries")
    rows = compliance_judge(programme, quarter, beneficiaries, progress)
    changed = _compliance_write(rows.select(list(_ROWS)), _existing(programme, quarter))
    decided = decisions(programme, quarter, rows, beneficiaries)
    decisions_apply(evaluation, decided, acting_user=acting_user)
    progress.close()
    per_beneficiary = rows.group_by("beneficiary_id").agg(pl.col("met").all())
    return EvaluationFigures(
        judged=per_beneficiary.height,
        met=per_beneficiary.filter("met").height,
        suspended=decided.filter(pl.col("action") == ComplianceAction.SUSPENDED).height,
        resumed=decided.filter(pl.col("action") == ComplianceAction.RESUMED).height,
        changed=changed or decided.height > 0,
    )

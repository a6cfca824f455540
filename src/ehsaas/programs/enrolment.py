"""Enrolment, set-based: a programme's rules judged over every unit of the registry at once (polars over
frames read a range of households at a time), compared with its current beneficiaries, and written as
the run's list of changes: who newly qualifies (with the amount and category), who no longer does and
why, and whose amount changes. Confirming a run applies the list in a few SQL statements and tells the
joiners by SMS; nothing is written to beneficiaries before that, and nothing twice.

Within a quota or a budget, current beneficiaries keep their place and newcomers are taken poorest
first (lowest score); those left out are counted, not listed.
"""

from collections.abc import Sequence
from datetime import date

import polars as pl
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.core.expressions import Comparison, Node, Not
from ehsaas.core.frames import frame_insert, sql_frame
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.programs.choices import BeneficiaryStatus, ChangeKind, RunStatus, Unit
from ehsaas.programs.models import EnrolmentRun, Programme
from ehsaas.programs.notices import enrolment_messages_queue
from ehsaas.programs.rules import CompiledRules, programme_rules
from ehsaas.programs.units import unit_frames
from ehsaas.registry.models import Household

CURRENT = (BeneficiaryStatus.ACTIVE, BeneficiaryStatus.SUSPENDED)  # in the programme, paid or not
REASON_RULE = _("no longer meets: %(part)s")
REASON_GONE = _("no longer an active member of a household in the registry")
REASON_AMOUNT = _("amount changes from Rs %(before)s to Rs %(after)s")
_KEY = ["household_id", "member_id"]


def _current_beneficiaries(programme: Programme) -> pl.DataFrame:
    statuses = ", ".join(f"'{s}'" for s in CURRENT)
    return sql_frame(
        f"SELECT household_id, COALESCE(member_id, 0) AS member_id, amount FROM programs_beneficiary "
        f"WHERE programme_id = %s AND status IN ({statuses})",
        [programme.pk],
        schema={"household_id": pl.Int64, "member_id": pl.Int64, "amount": pl.Int64},
    )


def judge_units(frame: pl.DataFrame, rules: CompiledRules, programme: Programme) -> pl.DataFrame:
    """Each unit of `frame` with eligible, amount, category, why (when not eligible) and pmt_score;
    member_id is 0 for a household unit. With one per household, only the first eligible member by
    member number stays eligible."""
    amount, category = rules.amount_and_category()
    if programme.unit == Unit.HOUSEHOLD:
        frame = frame.with_columns(pl.lit(0, dtype=pl.Int64).alias("member_id"), pl.lit(0).alias("member_no"))
    judged = frame.select(
        "household_id", "member_id", "member_no", "pmt_score",
        rules.eligible().alias("eligible"), amount.alias("amount"), category.fill_null("").alias("category"),
        rules.reason_not_eligible().alias("why"),
    )  # fmt: skip
    if programme.one_per_household:
        first = (
            judged.filter("eligible").group_by("household_id").agg(pl.col("member_no").min().alias("first"))
        )
        judged = judged.join(first, on="household_id", how="left").with_columns(
            (pl.col("eligible") & (pl.col("member_no") == pl.col("first"))).alias("eligible")
        )
    return judged.select(*_KEY, "pmt_score", "eligible", "amount", "category", "why")


def fields_read(rules: CompiledRules) -> set[str]:
    """The names the eligibility rule and the benefit lines read: the only columns enrolment needs."""

    def read(node: Node | None) -> set[str]:
        if node is None:
            return set()
        if isinstance(node, Comparison):
            return {node.field}
        if isinstance(node, Not):
            return read(node.part)
        return set().union(*(read(part) for part in node.parts))

    return read(rules.eligibility).union(*(read(line.condition) for line in rules.benefits))


def flag_ids(rules: CompiledRules) -> dict[str, int]:
    """{in_<code> column: programme id} for the enrolment flags the rules read."""
    ids = dict(Programme.objects.filter(code__in=rules.flags.values()).values_list("code", "pk"))
    return {column: ids[code] for column, code in rules.flags.items()}


def _within_limits(joining: pl.DataFrame, programme: Programme, staying: pl.DataFrame) -> pl.DataFrame:
    """The newcomers a quota or budget leaves room for, poorest first."""
    room = joining.sort(["pmt_score", "household_id", "member_id"], nulls_last=True)
    if programme.quota is not None:
        room = room.head(max(programme.quota - staying.height, 0))
    if programme.budget is not None:
        left = programme.budget - int(staying["amount"].sum() or 0)
        room = room.filter(pl.col("amount").cum_sum() <= left)
    return room


def enrolment_run_create(programme: Programme, *, started_by=None, job=None) -> EnrolmentRun:
    """A new run of `programme`; runs of it not yet confirmed are superseded by it (only the latest list
    may be confirmed)."""
    EnrolmentRun.objects.filter(
        programme=programme, status__in=(RunStatus.COMPUTING, RunStatus.READY, RunStatus.APPROVED)
    ).update(status=RunStatus.SUPERSEDED)
    return EnrolmentRun.objects.create(programme=programme, started_by=started_by, job=job)


def enrolment_compute(
    run: EnrolmentRun,
    *,
    progress: Progress | None = None,
    today: date | None = None,
    households: Sequence[int] | None = None,
) -> None:
    """Judge every unit, write the run's changes and counts, and mark it ready for approval.

    With `households`, only the units of those households are judged and only their beneficiaries can
    join, leave or change; the programme's other beneficiaries stay as they are, and count as staying in
    the quota, the budget and the run's figures (`staying`, `amount_per_payment`: the programme after
    the run)."""
    progress = progress or NoProgress()
    programme = run.programme
    rules = programme_rules(programme)
    programme_flags = flag_ids(rules)
    scope = None if households is None else sorted({int(i) for i in households})
    if scope is None:
        progress.start(Household.objects.count(), _g("Judging every household"), unit="households")
    else:
        progress.start(len(scope), _g("Judging the households chosen"), unit="households")
    current = _current_beneficiaries(programme)
    outside = current.clear()
    if scope is not None:
        chosen = pl.col("household_id").is_in(scope)
        current, outside = current.filter(chosen), current.filter(~chosen)
    # Kept: the eligible units, and the reasons of current beneficiaries who are not (memory stays small
    # whatever the registry's size).
    parts, units = [], 0
    frames = unit_frames(
        programme.unit,
        fields=fields_read(rules),
        programme_flags=programme_flags,
        today=today,
        households=scope,
    )
    for frame in frames:
        judged = judge_units(frame, rules, programme)
        units += judged.height
        parts.append(judged.filter("eligible"))
        parts.append(judged.filter(~pl.col("eligible")).join(current.select(_KEY), on=_KEY, how="semi"))
        progress.advance(frame["household_id"].n_unique())
    judged = pl.concat(parts) if parts else pl.DataFrame(schema=_EMPTY)
    eligible = judged.filter("eligible")
    staying = current.join(eligible.select(*_KEY, pl.col("amount").alias("new_amount")), on=_KEY, how="inner")
    joining_all = eligible.join(current.select(_KEY), on=_KEY, how="anti")
    joining = _within_limits(
        joining_all, programme, pl.concat([staying.select("amount"), outside.select("amount")])
    )
    leaving = current.join(eligible.select(_KEY), on=_KEY, how="anti").join(
        judged.select(*_KEY, "why"), on=_KEY, how="left"
    )
    changes = pl.concat(
        [
            joining.select(
                *_KEY,
                pl.lit(ChangeKind.JOIN.value).alias("change"),
                pl.lit("").alias("reason"),
                "amount",
                "category",
            ),
            leaving.select(
                *_KEY,
                pl.lit(ChangeKind.LEAVE.value).alias("change"),
                pl.when(pl.col("why").is_null())
                .then(pl.lit(str(REASON_GONE)))
                .otherwise(pl.format(_g(REASON_RULE).replace("%(part)s", "{}"), "why"))
                .alias("reason"),
                pl.lit(0, dtype=pl.Int64).alias("amount"),
                pl.lit("").alias("category"),
            ),
            staying.filter(pl.col("amount") != pl.col("new_amount")).select(
                *_KEY,
                pl.lit(ChangeKind.AMOUNT.value).alias("change"),
                pl.format(
                    _g(REASON_AMOUNT).replace("%(before)s", "{}").replace("%(after)s", "{}"),
                    "amount",
                    "new_amount",
                ).alias("reason"),
                pl.col("new_amount").alias("amount"),
                pl.lit("").alias("category"),
            ),
        ]
    )
    # In the order of the registry's ids: the check of each row's foreign keys locks the household and
    # member it names, and in this order it finds each page of those tables once, not again and again.
    write = changes.sort(_KEY).select(
        pl.lit(run.pk).alias("run_id"), "household_id",
        pl.when(pl.col("member_id") == 0).then(None).otherwise(pl.col("member_id")).alias("member_id"),
        "change", "reason", "amount", "category",
    )  # fmt: skip
    frame_insert("programs_enrolmentchange", write)
    kept = sum(
        int(column.sum() or 0) for column in (staying["new_amount"], joining["amount"], outside["amount"])
    )
    run.units, run.eligible = units, eligible.height
    run.joining, run.leaving, run.staying = joining.height, leaving.height, staying.height + outside.height
    run.over_limit, run.amount_per_payment = joining_all.height - joining.height, kept
    # A newer run may have superseded this one while it was computed: it stays superseded.
    superseded = EnrolmentRun.objects.filter(pk=run.pk, status=RunStatus.SUPERSEDED).exists()
    run.status = RunStatus.SUPERSEDED if superseded else RunStatus.READY
    run.computed_at = timezone.now()
    run.save(update_fields=["units", "eligible", "joining", "leaving", "staying", "over_limit",
                            "amount_per_payment", "status", "computed_at"])  # fmt: skip
    progress.close()


_EMPTY = {"household_id": pl.Int64, "member_id": pl.Int64, "pmt_score": pl.Float64, "eligible": pl.Boolean,
          "amount": pl.Int64, "category": pl.String, "why": pl.String}  # fmt: skip


def enrolment_apply(run: EnrolmentRun, *, acting_user) -> None:
    """The confirmed run's changes made, set-based, in the caller's transaction: joiners become active
    beneficiaries (again, for those who had left), leavers exit with the reason, amounts change; each
    status change is recorded with who confirmed it, and each joiner is told by SMS (see
    `notices.enrolment_messages_queue`)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = {"run": run.pk, "programme": run.programme_id, "now": now, "user": acting_user.pk,
              "active": BeneficiaryStatus.ACTIVE.value, "exited": BeneficiaryStatus.EXITED.value,
              "joined": _g("enrolled by run #%(run)s") % {"run": run.pk}}  # fmt: skip
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    # The beneficiary `b` a change `c` of this run is about.
    about = (
        f"c.run_id = %(run)s AND b.programme_id = %(programme)s AND b.household_id = c.household_id "
        f"AND b.member_id {same} c.member_id"
    )
    current = "b.status IN ({})".format(", ".join(f"'{s}'" for s in CURRENT))
    history = (
        "INSERT INTO programs_beneficiarystatuschange "
        "(beneficiary_id, from_status, to_status, reason, changed_at, changed_by_id) "
    )
    statements = [
        # Each status history row first, while the beneficiary still holds the status it leaves.
        history
        + f"""SELECT b.id, b.status, %(exited)s, c.reason, %(now)s, %(user)s
            FROM programs_enrolmentchange c JOIN programs_beneficiary b ON {about}
            WHERE c.change = 'leave' AND {current}""",
        history
        + f"""SELECT b.id, b.status, %(active)s, %(joined)s, %(now)s, %(user)s
            FROM programs_enrolmentchange c JOIN programs_beneficiary b ON {about}
            WHERE c.change = 'join' AND NOT {current}""",
        f"""UPDATE programs_beneficiary AS b SET status = %(exited)s, status_since = %(now)s, status_reason = c.reason
            FROM programs_enrolmentchange c WHERE {about} AND c.change = 'leave' AND {current}""",
        f"""UPDATE programs_beneficiary AS b SET amount = c.amount
            FROM programs_enrolmentchange c WHERE {about} AND c.change = 'amount' AND {current}""",
        # Those who had left and qualify again come back; the others are new.
        f"""UPDATE programs_beneficiary AS b SET status = %(active)s, status_since = %(now)s,
                status_reason = %(joined)s, amount = c.amount, category = c.category
            FROM programs_enrolmentchange c WHERE {about} AND c.change = 'join' AND NOT {current}""",
        f"""INSERT INTO programs_beneficiary (programme_id, household_id, member_id, status, status_reason,
                status_since, amount, category, enrolled_at)
            SELECT %(programme)s, c.household_id, c.member_id, %(active)s, %(joined)s, %(now)s, c.amount,
                   c.category, %(now)s
            FROM programs_enrolmentchange c
            WHERE c.run_id = %(run)s AND c.change = 'join'
              AND NOT EXISTS (SELECT 1 FROM programs_beneficiary b WHERE {about})""",
        history
        + """SELECT b.id, '', %(active)s, %(joined)s, %(now)s, %(user)s
            FROM programs_beneficiary b
            WHERE b.programme_id = %(programme)s AND b.enrolled_at = %(now)s""",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
    enrolment_messages_queue(run, at=now)

"""Rules that span rows, checked in set-based SQL over the staging tables: a household row given twice,
members without a household, households without members or without exactly one head, a member number
given twice, an ID number given twice in the files or already held by another household.

Each rule inserts its problems into stage_problem; `classify` then marks every household that has a
problem, in either file, as rejected, and tells new, updated and unchanged households apart.
"""

from functools import partial

from django.db import connection

from ehsaas.registry.imports import contract as k
from ehsaas.registry.imports.sql import cnic_sql, execute, message_sql
from ehsaas.registry.imports.staging import StageArea, side_by_side

_INSERT = "INSERT INTO stage_problem (file, line, column_name, household_ref, message) "


def _problems(
    select: str, message: tuple[str, list[str]], params_before: list, params_after: list = ()
) -> None:
    """`select` has `{message}` where the message expression goes."""
    expression, message_params = message
    execute(_INSERT + select.format(message=expression), [*params_before, *message_params, *params_after])


def check_cross_row_rules(*, area: StageArea, households_label: str, members_label: str) -> None:
    """The rules about households and their members (which read the per-household summary) and the rules
    about ID numbers read different staging rows, so they run side by side."""
    side_by_side(
        area,
        partial(_check_id_numbers, members_label=members_label),
        partial(_check_households, households_label=households_label, members_label=members_label),
    )


def _check_households(*, households_label: str, members_label: str) -> None:
    _problems(
        """SELECT %s, s.line, 'household_ref', s.household_ref, {message}
           FROM stage_household s
           JOIN (SELECT household_ref, MIN(line) AS first_line FROM stage_household
                 WHERE household_ref IS NOT NULL GROUP BY household_ref HAVING COUNT(*) > 1) d
             ON d.household_ref = s.household_ref
           WHERE s.line > d.first_line""",
        message_sql(k.MSG_DUPLICATE_HOUSEHOLD, ref="s.household_ref", line="d.first_line"),
        [households_label],
    )
    _summarise_members()
    _problems(
        """SELECT %s, m.line, 'household_ref', m.household_ref, {message}
           FROM stage_member m
           JOIN (SELECT x.household_ref FROM stage_summary x
                 WHERE NOT EXISTS (SELECT 1 FROM stage_household s WHERE s.household_ref = x.household_ref)) o
             ON o.household_ref = m.household_ref""",
        message_sql(k.MSG_NO_HOUSEHOLD, ref="m.household_ref"),
        [members_label],
    )
    _problems(
        """SELECT %s, s.line, 'household_ref', s.household_ref, {message}
           FROM stage_household s
           WHERE s.household_ref IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM stage_summary x WHERE x.household_ref = s.household_ref)""",
        message_sql(k.MSG_NO_MEMBERS, ref="s.household_ref"),
        [households_label],
    )
    for condition, template in (("= 0", k.MSG_NO_HEAD), ("> 1", k.MSG_MANY_HEADS)):
        _problems(
            f"""SELECT %s, x.first_line, 'relationship', x.household_ref, {{message}}
               FROM stage_summary x WHERE x.heads {condition}""",
            message_sql(template, ref="x.household_ref", count="x.heads"),
            [members_label],
        )
    _problems(
        """SELECT %s, m.line, 'member_no', m.household_ref, {message}
           FROM stage_member m
           JOIN (SELECT n.household_ref, n.member_no, MIN(n.line) AS first_line
                 FROM stage_summary x JOIN stage_member n ON n.household_ref = x.household_ref
                 WHERE x.repeated_numbers > 0 AND n.member_no IS NOT NULL
                 GROUP BY n.household_ref, n.member_no HAVING COUNT(*) > 1) d
             ON d.household_ref = m.household_ref AND d.member_no = m.member_no
           WHERE m.line > d.first_line""",
        message_sql(k.MSG_DUPLICATE_MEMBER_NO, no="m.member_no", ref="m.household_ref", line="d.first_line"),
        [members_label],
    )


def _check_id_numbers(*, members_label: str) -> None:
    # The first holder is joined on its number as well as its line: the planner then hashes the (few)
    # repeated numbers rather than every staged member, and skips the joins when there are none.
    _problems(
        """SELECT %s, m.line, 'id_number', m.household_ref, {message}
           FROM stage_member m
           JOIN (SELECT id_number, MIN(line) AS first_line FROM stage_member
                 WHERE id_number IS NOT NULL GROUP BY id_number HAVING COUNT(*) > 1) d
             ON d.id_number = m.id_number
           JOIN stage_member f ON f.id_number = d.id_number AND f.line = d.first_line
           WHERE m.line > d.first_line""",
        message_sql(
            k.MSG_ID_TWICE_IN_FILE, number=cnic_sql("m.id_number"), line="d.first_line", ref="f.household_ref"
        ),
        [members_label],
    )
    _problems(
        """SELECT %s, m.line, 'id_number', m.household_ref, {message}
           FROM stage_member m
           JOIN registry_identifier i ON i.number = m.id_number AND i.active
           JOIN registry_member held ON held.id = i.member_id
           JOIN registry_household h ON h.id = held.household_id
           WHERE m.id_number IS NOT NULL AND h.household_ref <> m.household_ref""",
        message_sql(
            k.MSG_ID_HELD, number=cnic_sql("m.id_number"), ref="h.household_ref", no="held.member_no"
        ),
        [members_label],
    )


def _summarise_members() -> None:
    """One pass over the members file's rows for everything the rules and fingerprints need per household.
    `repeated_numbers` (member numbers given more than once) lets the member-number rule look only at the
    households that have one, instead of grouping all the rows by household and number a second time."""
    execute(
        """INSERT INTO stage_summary (household_ref, first_line, heads, members, hash_sum, repeated_numbers)
           SELECT household_ref, MIN(line), SUM(CASE WHEN relationship = 'head' THEN 1 ELSE 0 END), COUNT(*),
                  SUM(row_hash), COUNT(member_no) - COUNT(DISTINCT member_no)
           FROM stage_member WHERE household_ref IS NOT NULL GROUP BY household_ref"""
    )
    execute("CREATE INDEX stage_summary_ref ON stage_summary (household_ref)")
    if connection.vendor == "postgresql":
        execute("ANALYZE stage_summary")


def classify() -> dict[str, int]:
    """Mark each staged household rejected, unchanged, updated or new; return the counts."""
    execute(
        """UPDATE stage_household SET outcome = 'rejected'
           WHERE household_ref IS NULL
              OR household_ref IN (SELECT household_ref FROM stage_problem WHERE household_ref IS NOT NULL)"""
    )
    # One pass over the staged households: each row's fingerprint (its own hash, its members' hashes and
    # count), the household it updates if any, and so its outcome.
    fingerprint = "CAST(stage_household.row_hash AS TEXT) || ':' || CAST(f.hash_sum AS TEXT) || ':' || CAST(f.members AS TEXT)"
    execute(
        f"""UPDATE stage_household SET
               fingerprint = {fingerprint},
               household_id = f.household_id,
               old_fingerprint = f.old_fingerprint,
               outcome = CASE WHEN f.household_id IS NULL THEN 'new'
                              WHEN f.old_fingerprint = {fingerprint} THEN 'unchanged'
                              ELSE 'updated' END
           FROM (SELECT t.household_ref, t.hash_sum, t.members, h.id AS household_id, h.source_hash AS old_fingerprint
                 FROM stage_summary t LEFT JOIN registry_household h ON h.household_ref = t.household_ref) f
           WHERE f.household_ref = stage_household.household_ref AND stage_household.outcome IS NULL"""
    )
    if connection.vendor == "postgresql":
        execute("ANALYZE stage_household")  # the writing steps select by outcome; let the planner know it
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT outcome, COUNT(DISTINCT COALESCE(household_ref, CAST(line AS TEXT)))
               FROM stage_household GROUP BY outcome"""
        )
        counts = dict(cursor.fetchall())
    return {name: counts.get(name, 0) for name in ("new", "updated", "unchanged", "rejected")}

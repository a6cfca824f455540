"""What the eligibility check reads from the chain, and nothing more: who holds a CNIC, whether their
household waits for a decision or a score, and the programmes it is in.

One statement, written out rather than built by the ORM: the check is the platform's busiest public
read (8171 took 46 million messages in ten days in 2020), and composing the same query through the ORM
cost more than running it. Every lookup in it is by an index: the identifiers' one-living-holder index,
members by primary key, change requests and beneficiaries by household, scores by primary key. On
PostgreSQL it is a prepared statement of its connection (`_rows`), planned once rather than per check.
"""

import weakref
from dataclasses import dataclass

from django.db import connection

from ehsaas.core.models import AWAITING_DECISION
from ehsaas.programs.choices import ProgrammeStatus
from ehsaas.programs.models import Beneficiary, Programme
from ehsaas.registry.choices import MemberStatus
from ehsaas.registry.models import ChangeRequest, Identifier, Member
from ehsaas.targeting.models import HouseholdScore

# One row per place of the household in a programme, or one row with NULL programme columns when it
# has none (or only places in programmes that are not running). No row: nobody living holds the CNIC.
_CHECK_SQL = f"""
SELECT m.household_id,
       EXISTS (SELECT 1 FROM {ChangeRequest._meta.db_table} c
               WHERE c.household_id = m.household_id AND c.status = %(awaiting)s),
       EXISTS (SELECT 1 FROM {HouseholdScore._meta.db_table} s WHERE s.household_id = m.household_id),
       p.code, p.name_en, p.name_ur, b.status
FROM {Identifier._meta.db_table} i
JOIN {Member._meta.db_table} m ON m.id = i.member_id AND m.status = %(living)s
LEFT JOIN ({Beneficiary._meta.db_table} b
           JOIN {Programme._meta.db_table} p ON p.id = b.programme_id AND p.status IN (%(active)s, %(paused)s))
       ON b.household_id = m.household_id
WHERE i.number = %(number)s AND i.active
ORDER BY p.name_en, p.id, b.status
"""


@dataclass(frozen=True)
class Holder:
    """What the check needs to know of the household of the living member who holds a CNIC."""

    household_id: int
    change_awaits_decision: bool
    scored: bool


@dataclass(frozen=True)
class Enrolment:
    """A place of the household (or of one of its members) in a running programme, with that
    beneficiary's status."""

    code: str
    name_en: str
    name_ur: str
    status: str


# The statement's constants: statuses, never anything a person typed.
_CONSTANTS = {
    "awaiting": AWAITING_DECISION,
    "living": MemberStatus.ACTIVE.value,
    # Running programmes: a paused one keeps its beneficiaries; a draft has none yet and a closed one is
    # over.
    "active": ProgrammeStatus.ACTIVE.value,
    "paused": ProgrammeStatus.PAUSED.value,
}
_STATEMENT = "ehsaas_eligibility_check"
# The psycopg connections (one per server process with persistent connections) that hold the statement.
_PREPARED_ON: "weakref.WeakSet" = weakref.WeakSet()


def _rows(digits: str) -> list[tuple]:
    """The statement's rows for a CNIC. Django binds parameters on the client, so PostgreSQL would plan
    every check afresh, and planning it costs several times what running it does; so on PostgreSQL the
    statement is PREPAREd once on each connection (PostgreSQL keeps it for the connection's life; with
    persistent connections, DB_CONN_MAX_AGE, that is once per server process) and EXECUTEd by each
    check. Prepared statements outlive transactions; a pooler in transaction mode would need the
    statement on every server connection, so this expects Django's own persistent connections."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(_CHECK_SQL, {**_CONSTANTS, "number": digits})
            return cursor.fetchall()
        if connection.connection not in _PREPARED_ON:
            cursor.execute(
                f"PREPARE {_STATEMENT} (text) AS {_CHECK_SQL.replace('%(number)s', '$1')}", _CONSTANTS
            )
            _PREPARED_ON.add(connection.connection)
        cursor.execute(f"EXECUTE {_STATEMENT} (%s)", [digits])
        return cursor.fetchall()


def household_facts_for_cnic(digits: str) -> tuple[Holder | None, list[Enrolment]]:
    """The household of the living member holding these 13 digits and its places in running programmes
    (the household's and its members': the check answers for the household); (None, []) when nobody
    living in the registry holds them."""
    rows = _rows(digits)
    if not rows:
        return None, []
    household_id, change_awaits_decision, scored = rows[0][:3]
    enrolments = [Enrolment(*row[3:]) for row in rows if row[3] is not None]
    return Holder(household_id, bool(change_awaits_decision), bool(scored)), enrolments

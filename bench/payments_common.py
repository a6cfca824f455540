"""What the payments benchmarks share: a PostgreSQL database of Kafaalat's beneficiaries, made once and
kept (`ehsaas_bench_payments`): migrated, then BENCH_BENEFICIARIES (1,000,000) households, each with a
woman who is an active Kafaalat beneficiary (Rs 13,500), paid into a bank account (40 %, at the four
banks), a mobile wallet (30 %, JazzCash or Easypaisa; one wallet in a thousand shared by two women) or in
cash at the points (30 %). Everything is seeded by set-based SQL over generate_series, in a minute or so
for a million; later runs only migrate it.

`beneficiaries_database()` returns its URL; `staff_user(url, username, role)` adds a user in a role
(the commands take --user NAME); `command_env(url)` is the environment the `ehsaas` commands run in.
"""

import os

import psycopg
from psycopg import sql

from bench.common import EHSAAS, SERVER_URL, database_url, run

BENEFICIARIES = int(os.environ.get("BENCH_BENEFICIARIES", "1000000"))
DATABASE = "ehsaas_bench_payments" if BENEFICIARIES == 1_000_000 else f"ehsaas_bench_payments_{BENEFICIARIES}"
PROGRAMME = "kafaalat"
AMOUNT = 13500

# Seeded rows carry ids 1..N in each table (the tables are emptied first), so a household, its woman,
# her enrolment and her account share one number.
HOUSEHOLDS = """
    INSERT INTO registry_household (id, household_ref, area, address, survey_date, enumerator, phone, rooms,
        tenure, walls, toilet, water, cooking_fuel, electricity, refrigerator, freezer, air_conditioner,
        air_cooler, washing_machine, television, computer, cooking_range, heater, motorcycle, car, tractor,
        cattle, buffalo, goats, sheep, land_acres, source_hash, created_at, updated_at, district_id,
        province_id)
    SELECT i, 'BP' || lpad(i::text, 9, '0'), CASE WHEN i %% 3 = 0 THEN 'urban' ELSE 'rural' END, '',
        DATE '2026-01-15', '', '03' || lpad((100000000 + i)::text, 9, '0'), 1 + i %% 3, 'owned', 'kacha', 'pit',
        'hand_pump', 'wood', i %% 2 = 0, false, false, false, false, false, i %% 4 = 0, false, false, false,
        false, false, false, i %% 3, 0, i %% 5, 0, 0, '', now(), now(), d.id, d.province_id
    FROM generate_series(1, %(n)s) AS i
    JOIN (SELECT id, province_id, row_number() OVER (ORDER BY id) - 1 AS k FROM core_district) AS d
        ON d.k = i %% (SELECT count(*) FROM core_district)
"""
WOMEN = """
    INSERT INTO registry_member (id, household_id, member_no, full_name, name_key, sex, date_of_birth,
        relationship, marital_status, education, in_school, occupation, disability, pregnant, lactating,
        phone, status)
    SELECT i, i, 1, 'Bench Woman ' || i, 'bench woman ' || i, 'female',
        DATE '1980-01-01' + (i %% 7000), 'head', 'married', 'none', false, 'homemaker', '', false, false,
        '', 'active'
    FROM generate_series(1, %(n)s) AS i
"""
ENROLMENTS = """
    INSERT INTO programs_beneficiary (id, programme_id, household_id, member_id, status, status_reason,
        status_since, amount, category, enrolled_at)
    SELECT i, p.id, i, i, 'active', '', now(), %(amount)s, 'Kafaalat', now()
    FROM generate_series(1, %(n)s) AS i, (SELECT id FROM programs_programme WHERE code = %(programme)s) AS p
"""
# Slots of ten: 0-3 a bank (nbp, hbl, alfalah, bop), 4-6 a wallet (jazzcash, easypaisa), 7-9 cash. A
# JazzCash wallet numbered ...996 is the one numbered ...994 (also JazzCash): a shared wallet.
ACCOUNTS = """
    INSERT INTO payments_paymentaccount (id, beneficiary_id, channel, provider_id, account_number,
        account_title, changed_at)
    SELECT i, i, c.channel, pr.id,
        CASE c.channel
            WHEN 'bank' THEN 'PK36' || upper(left(c.provider, 4)) || lpad(i::text, 16, '0')
            WHEN 'wallet' THEN '03' || lpad((CASE WHEN i %% 1000 = 996 THEN i - 2 ELSE i END)::text, 9, '0')
            ELSE '' END,
        'Bench Woman ' || i, TIMESTAMPTZ '2026-01-01 00:00+05'
    FROM generate_series(1, %(n)s) AS i
    JOIN (VALUES (0, 'bank', 'nbp'), (1, 'bank', 'hbl'), (2, 'bank', 'alfalah'), (3, 'bank', 'bop'),
                 (4, 'wallet', 'jazzcash'), (5, 'wallet', 'easypaisa'), (6, 'wallet', 'jazzcash'),
                 (7, 'cash', NULL), (8, 'cash', NULL), (9, 'cash', NULL)) AS c (slot, channel, provider)
        ON c.slot = i %% 10
    LEFT JOIN payments_provider pr ON pr.code = c.provider
"""
SEEDED_TABLES = ("registry_household", "registry_member", "programs_beneficiary", "payments_paymentaccount")


def command_env(url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "DEBUG": "false", "EHSAAS_INSECURE_DEV_KEY": "true", "LOG_LEVEL": "WARNING"}


def _seeded(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute(
            "SELECT count(*) FROM programs_beneficiary b JOIN programs_programme p ON p.id = b.programme_id "
            "WHERE p.code = %s AND b.status = 'active'",
            [PROGRAMME],
        ).fetchone()[0]


def _seed(url: str) -> None:
    print(f"seeding {BENEFICIARIES:,} Kafaalat beneficiaries into {DATABASE} (once) ...", flush=True)
    params = {"n": BENEFICIARIES, "amount": AMOUNT, "programme": PROGRAMME}
    with psycopg.connect(url, autocommit=True) as connection:
        # Whatever an earlier, interrupted seeding or benchmark left goes first (payments included).
        connection.execute("TRUNCATE registry_household RESTART IDENTITY CASCADE")
        connection.execute("UPDATE programs_programme SET status = 'active' WHERE code = %s", [PROGRAMME])
        with connection.transaction():
            for statement in (HOUSEHOLDS, WOMEN, ENROLMENTS, ACCOUNTS):
                connection.execute(statement, params)
            for table in SEEDED_TABLES:
                connection.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))"
                    ).format(sql.Literal(table), sql.Identifier(table))
                )
        connection.execute("VACUUM ANALYZE")
        connection.execute("CHECKPOINT")


def beneficiaries_database() -> str:
    """The bench database of Kafaalat's beneficiaries, created, migrated and seeded only when it does not
    hold them already; its URL."""
    url = database_url(DATABASE)
    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    run([str(EHSAAS), "migrate", "--no-input", "-v", "0"], env=command_env(url))
    if _seeded(url) != BENEFICIARIES:
        _seed(url)
    return url


def staff_user(url: str, username: str, role: str = "finance_officer") -> str:
    """A staff user (no password: the commands act in their name) in `role`'s group, made if missing."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            """INSERT INTO auth_user (username, password, first_name, last_name, email, is_superuser,
                   is_staff, is_active, date_joined)
               VALUES (%s, '!', '', '', '', false, false, true, now()) ON CONFLICT (username) DO NOTHING""",
            [username],
        )
        connection.execute(
            """INSERT INTO auth_user_groups (user_id, group_id)
               SELECT u.id, g.id FROM auth_user u, auth_group g WHERE u.username = %s AND g.name = %s
               ON CONFLICT DO NOTHING""",
            [username, role],
        )
    return username


_APPROVED_CYCLE = """
    INSERT INTO payments_paymentcycle (programme_id, period, status, payments_count, amount_total,
        created_by_id, created_at, generated_by_id, generated_at, approved_by_id, approved_at, approval_note)
    SELECT p.id, %(period)s, 'approved', 0, 0, g.id, now(), g.id, now(), a.id, now(), ''
    FROM programs_programme p, auth_user g, auth_user a
    WHERE p.code = %(programme)s AND g.username = %(generator)s AND a.username = %(approver)s
    RETURNING id
"""


def approved_cycle(url: str, connection: psycopg.Connection, period: str) -> int:
    """The id of a new cycle of the programme for `period`, approved as a payroll leaves it: generated by one
    finance officer and approved by another (`<period>-generator`, `<period>-approver`), still empty."""
    generator = staff_user(url, f"{period}-generator")
    approver = staff_user(url, f"{period}-approver")
    values = {"period": period, "programme": PROGRAMME, "generator": generator, "approver": approver}
    return connection.execute(_APPROVED_CYCLE, values).fetchone()[0]

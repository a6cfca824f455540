"""What the programmes tell people by SMS, through the platform's outbox (`ehsaas.messaging`): a
beneficiary suspended or resumed for a condition, an applicant told the decision on their application,
a newcomer told they joined a programme.

Each is queued in the transaction of the change it tells of (a change that rolls back told nobody),
set-based wherever the change is: an evaluation, a confirmed ranking and a confirmed enrolment list
each queue their messages in one INSERT … SELECT whatever the number of people. Each message names its
event, and the outbox keeps one message an event and phone, so that running the same evaluation,
decision or confirmation again tells nobody twice. A person without a mobile number on record is not
told (the outbox leaves out numbers that are not Pakistani mobiles).

Whom, and in which language:
- a beneficiary at their own phone, else their household's (registry `Member.phone`, `Household.phone`),
  in Urdu: the registry records no language for a person or a household, and Urdu is the language of
  the platform's SMS to the public (when the registry records one, the queries below read it instead of
  BENEFICIARY_LANGUAGE);
- an applicant at the phone given on the application, else their own and their household's in the
  registry, in the language they applied in (`Application.language`: the public site's language when
  they submitted; Urdu for an application staff entered for them).
"""

import polars as pl
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from ehsaas.messaging.choices import MessageLanguage
from ehsaas.messaging.services import messages_queue_sql
from ehsaas.programs.choices import FINAL_DECISIONS, BeneficiaryStatus, ComplianceAction, ConditionKind
from ehsaas.programs.models import (
    TRACKING_PREFIX,
    ConditionEvaluation,
    ConditionRule,
    EnrolmentRun,
    Programme,
)

# The message templates (ehsaas.messaging), loaded by migrations: programs 0008 adds the first three,
# messaging 0002 the enrolment one.
CONDITION_SUSPENDED = "condition_suspended"
CONDITION_RESUMED = "condition_resumed"
APPLICATION_DECIDED = "application_decided"
ENROLMENT = "enrolment"

LANGUAGES = (MessageLanguage.ENGLISH.value, MessageLanguage.URDU.value)
BENEFICIARY_LANGUAGE = MessageLanguage.URDU.value

# A condition missed, in the few words an SMS has room for (the status history keeps the full reason).
SMS_MISSED = {
    ConditionKind.SCHOOL_ATTENDANCE: _("school attendance under %(minimum)s%%"),
    ConditionKind.HEALTH_VISITS: _("too few health check-ups"),
    ConditionKind.IMMUNISATION: _("immunisation not up to date"),
    ConditionKind.GROWTH_CHECKS: _("too few growth check-ups"),
}
# Between the conditions missed: punctuation, not words (Urdu has its own comma).
SMS_SEPARATOR = {MessageLanguage.ENGLISH.value: "; ", MessageLanguage.URDU.value: "، "}

# The beneficiary `b`'s household `h` and member `m`, and the phone a message to the beneficiary goes to.
BENEFICIARY_JOINS = (
    "JOIN registry_household h ON h.id = b.household_id LEFT JOIN registry_member m ON m.id = b.member_id"
)
BENEFICIARY_PHONE = "COALESCE(NULLIF(m.phone, ''), h.phone)"


def _in_language(x: str, en: str, ur: str) -> str:
    """SQL choosing `en` or `ur` by the language column of `x`."""
    return f"CASE WHEN {x}.language = 'en' THEN {en} ELSE {ur} END"


def _programme_params(programme: Programme) -> dict[str, str]:
    return {"programme_en": programme.name_en, "programme_ur": programme.name_ur}


def tracking_number_sql(column: str) -> str:
    """SQL writing the tracking number of the application whose id is `column`, as
    Application.tracking_number does (APP-000123; all the digits of an id longer than six)."""
    digits = f"CAST({column} AS TEXT)"
    padded = f"SUBSTR('00000' || {digits}, LENGTH({digits}), 6)"
    return f"'{TRACKING_PREFIX}' || CASE WHEN LENGTH({digits}) >= 6 THEN {digits} ELSE {padded} END"


def sms_reasons(missed: pl.DataFrame, conditions: list[ConditionRule]) -> pl.DataFrame:
    """(beneficiary_id, sms_reason_en, sms_reason_ur): the conditions each beneficiary of `missed`
    (beneficiary_id, kind) missed, in a few words of each language, in the order of their kinds."""
    phrases = []
    for language in LANGUAGES:
        with translation.override(language):
            words = {c.kind: _g(SMS_MISSED[c.kind]) % {"minimum": c.minimum} for c in conditions}
        phrase = pl.col("kind").replace_strict(words, default="", return_dtype=pl.String)
        phrases.append(phrase.str.join(SMS_SEPARATOR[language]).alias(f"sms_reason_{language}"))
    return missed.sort("kind").group_by("beneficiary_id", maintain_order=True).agg(phrases)


def condition_event(evaluation: ConditionEvaluation, action: str) -> str:
    """The beginning of the event of each message an evaluation's outcomes queue; each outcome's id
    ends it. One message an outcome: an evaluation run again writes no outcome for a beneficiary whose
    status it leaves as it is, so it tells nobody twice; a beneficiary suspended, resumed on a corrected
    file and suspended again within one quarter is told each time, as each is a decision of its own."""
    return f"condition:{evaluation.programme.code}:{evaluation.quarter}:{action}:"


def condition_messages_queue(evaluation: ConditionEvaluation, *, at, decided: str) -> int:
    """Each beneficiary the evaluation suspended or resumed at `at` (adapted for the database) told,
    with the conditions missed from the table `decided` (beneficiary_id, sms_reason_en,
    sms_reason_ur), in two statements; returns how many messages were queued."""
    queued = 0
    for action, template in (
        (ComplianceAction.SUSPENDED, CONDITION_SUSPENDED),
        (ComplianceAction.RESUMED, CONDITION_RESUMED),
    ):
        queued += messages_queue_sql(
            template=template,
            sql=f"""SELECT x.phone, x.language, x.event, x.quarter,
                    {_in_language("x", "%(programme_en)s", "%(programme_ur)s")} AS programme,
                    {_in_language("x", "x.reason_en", "x.reason_ur")} AS reason
                FROM (
                    SELECT {BENEFICIARY_PHONE} AS phone, %(language)s AS language,
                        %(event)s || CAST(o.id AS TEXT) AS event, %(quarter)s AS quarter,
                        d.sms_reason_en AS reason_en, d.sms_reason_ur AS reason_ur
                    FROM programs_conditionoutcome o
                    JOIN {decided} d ON d.beneficiary_id = o.beneficiary_id
                    JOIN programs_beneficiary b ON b.id = o.beneficiary_id
                    {BENEFICIARY_JOINS}
                    WHERE o.evaluation_id = %(evaluation)s AND o.at = %(at)s AND o.action = %(action)s
                ) x""",
            params=_programme_params(evaluation.programme) | {
                "language": BENEFICIARY_LANGUAGE, "event": condition_event(evaluation, action.value),
                "quarter": evaluation.quarter, "evaluation": evaluation.pk, "at": at, "action": action.value,
            },
        )  # fmt: skip
    return queued


def decision_messages_queue(*, programme: Programme, decided_at, application_id: int | None = None) -> int:
    """The applicants of `programme` whose applications were decided at `decided_at` (only the
    application `application_id`, when given) told the decision, if it is final (an application put
    under review is not news), in one statement; returns how many messages were queued. The event,
    "application:<tracking number>:<status>", tells each decision once, however often a ranking is
    confirmed again."""
    statuses, words = {}, {}
    for index, status in enumerate(FINAL_DECISIONS):
        statuses[f"status_{index}"] = status.value
        for language in LANGUAGES:
            with translation.override(language):
                label = str(status.label)
            # "is accepted" in an English sentence; Urdu has no capitals.
            words[f"status_{index}_{language}"] = label.lower() if language == "en" else label
    in_words = {
        language: "CASE x.status "
        + " ".join(f"WHEN %(status_{i})s THEN %(status_{i}_{language})s" for i in range(len(FINAL_DECISIONS)))
        + " END"
        for language in LANGUAGES
    }
    told = ", ".join(f"%({name})s" for name in statuses)
    number = tracking_number_sql("a.id")
    only = "AND a.id = %(application)s" if application_id is not None else ""
    one = {"application": application_id} if application_id is not None else {}
    return messages_queue_sql(
        template=APPLICATION_DECIDED,
        sql=f"""SELECT x.phone, x.language, x.number, x.event,
                {_in_language("x", "%(programme_en)s", "%(programme_ur)s")} AS programme,
                {_in_language("x", in_words["en"], in_words["ur"])} AS status
            FROM (
                SELECT COALESCE(NULLIF(a.phone, ''), NULLIF(m.phone, ''), h.phone) AS phone, a.language,
                    a.status, {number} AS number, 'application:' || {number} || ':' || a.status AS event
                FROM programs_application a
                LEFT JOIN registry_member m ON m.id = a.member_id
                LEFT JOIN registry_household h ON h.id = a.household_id
                WHERE a.programme_id = %(programme)s AND a.decided_at = %(at)s AND a.status IN ({told}) {only}
            ) x""",
        params=_programme_params(programme) | statuses | words | one | {
            "programme": programme.pk, "at": connection.ops.adapt_datetimefield_value(decided_at),
        },
    )  # fmt: skip


def enrolment_event(run: EnrolmentRun) -> str:
    """The event of a confirmed run's messages: one a run and phone. The text names only the
    programme, so two joiners reached at one phone (children whose messages go to their household's
    phone) would read the same words twice; one event a run tells each phone once. A run is confirmed
    once, and a person who leaves and qualifies again joins in a later run, under another event, and is
    told again."""
    return f"enrolment:{run.programme.code}:{run.pk}"


def enrolment_messages_queue(run: EnrolmentRun, *, at) -> int:
    """Each joiner the confirmed run made an active beneficiary at `at` (adapted for the database) told
    they are in the programme, in one statement; returns how many messages were queued. Those already
    in the programme when the list was confirmed (accepted on an application meanwhile, say) are not
    joiners of this run and are not told."""
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    return messages_queue_sql(
        template=ENROLMENT,
        event=enrolment_event(run),
        sql=f"""SELECT x.phone, x.language,
                {_in_language("x", "%(programme_en)s", "%(programme_ur)s")} AS programme
            FROM (
                SELECT {BENEFICIARY_PHONE} AS phone, %(language)s AS language
                FROM programs_enrolmentchange c
                JOIN programs_beneficiary b ON b.programme_id = %(programme)s
                    AND b.household_id = c.household_id AND b.member_id {same} c.member_id
                {BENEFICIARY_JOINS}
                WHERE c.run_id = %(run)s AND c.change = 'join'
                    AND b.status = %(active)s AND b.status_since = %(at)s
            ) x""",
        params=_programme_params(run.programme) | {
            "language": BENEFICIARY_LANGUAGE, "programme": run.programme_id, "run": run.pk, "at": at,
            "active": BeneficiaryStatus.ACTIVE.value,
        },
    )  # fmt: skip

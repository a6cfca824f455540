"""Finding members who are probably one person recorded twice, beyond what the ID number catches.

Blocking is done in the database: only active members who share a date of birth and a district with at
least one other active member are read (the database groups members into blocks and joins them back),
in one streamed query ordered by (district, date of birth), so each block arrives whole. Within a block every pair is scored at once with rapidfuzz (a matrix per
block, not a loop over pairs):

- the name keys (`Member.name_key`, the consonant skeleton of each word) compared word-order free: this
  is what makes "Muhammad Ali" and "محمد علی" alike. Very common words (Muhammad, Bibi, Khan, …) say
  little, so the keys must also be alike without them ("Muhammad Ali" is not "Muhammad Aslam");
- when both names are written in the same script, the spellings themselves, averaged with the keys, so
  that names that only share a skeleton ("Ahmed Khan" and "Muhammad Khan") fall below the threshold;
- a shared phone number adds to the score; a different recorded sex takes from it, and so does a
  difference between very short names, where one letter is much of the name.

Two members who both hold an active ID number are never listed: the numbers differ (one number has one
living holder), and different numbers are different people. Pairs are stored ordered (lower member id
first) and a pair already recorded, whatever became of it, is not recorded again.
"""

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import groupby
from typing import NamedTuple

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, process, utils

from ehsaas.core.access import district_scope
from ehsaas.core.names import name_key
from ehsaas.core.progress import NoProgress, Progress
from ehsaas.registry import choices as c
from ehsaas.registry.models import DuplicateCandidate, Household, Identifier, Member
from ehsaas.registry.selectors import members_for_user

MIN_SCORE = 80
SAME_PHONE_BONUS = 5
DIFFERENT_SEX_PENALTY = 20
SHORT_NAME_LETTERS = 3  # name keys this short (after common words) are penalised when not identical
SHORT_NAME_PENALTY = 10
WRITE_BATCH = 2_000  # pairs written per transaction
READ_CHUNK = 5_000  # rows fetched per round trip from the streamed query
PROGRESS_STEP = 1_000  # members between progress reports

# Words so common in names (honorifics, "Muhammad", the commonest family names) that sharing them says
# little; written in both scripts, compared by their name keys. Words whose key is also a first name's
# (Syed and Sadia are both "sd", Mian and Amna both "mn") are left out.
COMMON_WORDS = (
    "Muhammad Mohammad Bibi Begum Khatoon Khan Sheikh Malik Chaudhry محمد بی بیگم خاتون خان شیخ ملک چوہدری"
)
COMMON_WORD_KEYS = frozenset(name_key(COMMON_WORDS).split())

REASON_TEXT = {
    "same_date_of_birth": _("Same date of birth"),
    "same_district": _("Same district"),
    "same_tehsil": _("Same tehsil"),
    "same_household": _("Same household"),
    "names_sound_alike": _("Names sound alike (%(score)s/100)"),
    "names_spelled_alike": _("Names spelled alike (%(score)s/100)"),
    "different_scripts": _("One name is written in Urdu script, the other in Latin letters"),
    "same_phone": _("Same phone number"),
    "different_sex": _("Recorded with different sex"),
    "short_names": _("Short names: a letter's difference counts for more"),
}


def reason_text(reason: dict) -> str:
    """A stored reason (a code and its figures, kept language-free) in the reader's language."""
    text = REASON_TEXT.get(reason.get("code"), reason.get("code", ""))
    return str(text) % reason if "%(" in str(text) else str(text)


@dataclass
class DetectionResult:
    members: int = 0  # members compared (those sharing a date of birth and district with someone)
    blocks: int = 0  # groups of members sharing a date of birth and district
    found: int = 0  # pairs scoring at or above the threshold
    new_pairs: int = 0  # of those, pairs not recorded before

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Pair:
    member_a: int
    member_b: int
    score: int
    reasons: list


def duplicates_find(
    *, progress: Progress | None = None, min_score: int = MIN_SCORE, district_ids: Iterable[int] | None = None
) -> DetectionResult:
    """Find likely duplicates among active members and record the new pairs as open candidates."""
    progress = progress or NoProgress()
    district_ids = None if district_ids is None else [int(d) for d in district_ids]
    result = DetectionResult()
    progress.start(
        _blocked_count(district_ids),
        message=str(_("Comparing members with the same date of birth and district")),
    )
    pending: list[Pair] = []
    unreported = 0
    for _key, block in groupby(blocked_members(district_ids), key=lambda r: (r.district, r.date_of_birth)):
        members = list(block)
        result.blocks += 1
        result.members += len(members)
        pairs = score_block(members, min_score=min_score)
        result.found += len(pairs)
        pending.extend(pairs)
        if len(pending) >= WRITE_BATCH:
            result.new_pairs += record_pairs(pending)
            pending = []
        unreported += len(members)
        if unreported >= PROGRESS_STEP:
            progress.advance(unreported)
            unreported = 0
    result.new_pairs += record_pairs(pending)
    progress.advance(unreported)
    progress.close()
    return result


class BlockedMember(NamedTuple):
    id: int
    household_id: int
    district: int
    tehsil: int | None
    date_of_birth: object  # only compared for equality within a block
    full_name: str
    name_key: str
    sex: str
    phone: str
    has_id: bool


def _blocks_sql(district_ids: list[int] | None) -> tuple[str, list]:
    """The (district, date of birth) pairs shared by two or more active members, with their sizes."""
    where, params = "m.status = %s", [c.MemberStatus.ACTIVE.value]
    if district_ids is not None:
        where += (
            f" AND h.district_id IN ({', '.join(['%s'] * len(district_ids))})"
            if district_ids
            else " AND 1 = 0"
        )
        params += district_ids
    sql = f"""
        SELECT h.district_id, m.date_of_birth, COUNT(*) AS size
        FROM {Member._meta.db_table} m JOIN {Household._meta.db_table} h ON h.id = m.household_id
        WHERE {where}
        GROUP BY h.district_id, m.date_of_birth
        HAVING COUNT(*) > 1"""
    return sql, params


def _blocked_count(district_ids: list[int] | None) -> int:
    blocks, params = _blocks_sql(district_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(size), 0) FROM ({blocks}) b", params)
        return int(cursor.fetchone()[0])


def blocked_members(district_ids: list[int] | None = None) -> Iterator[BlockedMember]:
    """Active members who share their date of birth and district with another active member, ordered
    so that each (district, date of birth) block comes together. The database groups the members into
    blocks and joins them back (no correlated subquery per member); the rows are streamed in chunks."""
    blocks, params = _blocks_sql(district_ids)
    sql = f"""
        WITH blocks AS ({blocks})
        SELECT m.id, m.household_id, h.district_id, h.tehsil_id, m.date_of_birth, m.full_name, m.name_key,
               m.sex, m.phone,
               EXISTS (SELECT 1 FROM {Identifier._meta.db_table} i WHERE i.member_id = m.id AND i.active)
        FROM {Member._meta.db_table} m
        JOIN {Household._meta.db_table} h ON h.id = m.household_id
        JOIN blocks b ON b.district_id = h.district_id AND b.date_of_birth = m.date_of_birth
        WHERE m.status = %s
        ORDER BY h.district_id, m.date_of_birth, m.id"""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [*params, c.MemberStatus.ACTIVE.value])
        while rows := cursor.fetchmany(READ_CHUNK):
            for row in rows:
                yield BlockedMember(*row[:-1], has_id=bool(row[-1]))


def _dedupe(key: str) -> str:
    """A word key once: "بی بی" is often written as two words where "Bibi" is one."""
    return " ".join(dict.fromkeys(key.split()))


def _without_common_words(key: str) -> str:
    rare = " ".join(word for word in key.split() if word not in COMMON_WORD_KEYS)
    return rare or key


def _is_urdu(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def score_block(members: list, *, min_score: int = MIN_SCORE) -> list[Pair]:
    """Score every pair in one block (same date of birth and district); keep those at min_score or more."""
    if len(members) < 2:
        return []
    keys = [_dedupe(m.name_key) for m in members]
    rare = [_without_common_words(k) for k in keys]
    names = [m.full_name for m in members]
    # Common words (Muhammad, Bibi, Khan…) make unrelated names look alike: the names must also be
    # alike without them.
    key_sim = np.minimum(
        process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1),
        process.cdist(rare, rare, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1),
    )
    spelled = process.cdist(
        names, names, scorer=fuzz.token_sort_ratio, processor=utils.default_process, dtype=np.uint8, workers=1
    )
    urdu = np.array([_is_urdu(n) for n in names])
    same_script = urdu[:, None] == urdu[None, :]
    score = np.where(same_script, (key_sim.astype(np.int16) + spelled) // 2, key_sim).astype(np.int16)
    phones = np.array([m.phone or "" for m in members], dtype=object)
    same_phone = (phones[:, None] == phones[None, :]) & (phones[:, None] != "")
    sexes = np.array([m.sex for m in members], dtype=object)
    different_sex = sexes[:, None] != sexes[None, :]
    # In short names one letter is a large part of the name ("msb" and "ms" are Misbah and Mahwish).
    letters = np.array([len(k.replace(" ", "")) for k in rare])
    short = (np.minimum.outer(letters, letters) <= SHORT_NAME_LETTERS) & (key_sim < 100)
    score = (
        score
        + SAME_PHONE_BONUS * same_phone
        - DIFFERENT_SEX_PENALTY * different_sex
        - SHORT_NAME_PENALTY * short
    )
    both_hold_ids = np.array([m.has_id for m in members])
    both_hold_ids = both_hold_ids[:, None] & both_hold_ids[None, :]
    upper = np.triu(np.ones_like(score, dtype=bool), k=1)
    chosen = np.argwhere(upper & ~both_hold_ids & (score >= min_score))
    return [
        _pair(members[i], members[j], int(min(score[i, j], 100)), int(key_sim[i, j]), int(spelled[i, j]),
              bool(same_script[i, j]), bool(same_phone[i, j]), bool(different_sex[i, j]), bool(short[i, j]))
        for i, j in chosen
    ]  # fmt: skip


def _pair(a, b, score, key_sim, spelled, same_script, same_phone, different_sex, short) -> Pair:
    reasons = [{"code": "same_date_of_birth"}, {"code": "same_district"}]
    if a.household_id == b.household_id:
        reasons.append({"code": "same_household"})
    elif a.tehsil is not None and a.tehsil == b.tehsil:
        reasons.append({"code": "same_tehsil"})
    reasons.append({"code": "names_sound_alike", "score": key_sim})
    if same_script:
        reasons.append({"code": "names_spelled_alike", "score": spelled})
    else:
        reasons.append({"code": "different_scripts"})
    if same_phone:
        reasons.append({"code": "same_phone"})
    if different_sex:
        reasons.append({"code": "different_sex"})
    if short:
        reasons.append({"code": "short_names"})
    low, high = sorted((a.id, b.id))
    return Pair(member_a=low, member_b=high, score=score, reasons=reasons)


def record_pairs(pairs: list[Pair]) -> int:
    """Store the pairs not recorded before, as open candidates; return how many were new."""
    new = 0
    for start in range(0, len(pairs), WRITE_BATCH):
        new += _record_batch(pairs[start : start + WRITE_BATCH])
    return new


@transaction.atomic
def _record_batch(pairs: list[Pair]) -> int:
    if not pairs:
        return 0
    firsts = {p.member_a for p in pairs}
    recorded = set(
        DuplicateCandidate.objects.filter(member_a_id__in=firsts).values_list("member_a_id", "member_b_id")
    )
    fresh = [p for p in pairs if (p.member_a, p.member_b) not in recorded]
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                member_a_id=p.member_a, member_b_id=p.member_b, score=p.score, reasons=p.reasons
            )
            for p in fresh
        ],
        ignore_conflicts=True,  # a detection run started at the same time may have written the pair
    )
    return len(fresh)


def duplicate_candidates_for_user(*, user) -> QuerySet[DuplicateCandidate]:
    """The pairs a user may review: both members inside the districts the user works in."""
    if not user.has_perm("registry.review_duplicates"):
        raise PermissionDenied
    members = members_for_user(user=user)  # also refuses a user who may not see households at all
    candidates = DuplicateCandidate.objects.select_related(
        "member_a__household__district",
        "member_a__household__tehsil",
        "member_b__household__district",
        "member_b__household__tehsil",
        "decided_by",
    )
    if district_scope(user) is not None:
        candidates = candidates.filter(member_a__in=members.values("id"), member_b__in=members.values("id"))
    return candidates


def duplicate_candidate_get_for_user(*, user, pk: int) -> DuplicateCandidate:
    candidate = duplicate_candidates_for_user(user=user).filter(pk=pk).first()
    if candidate is None:
        raise Http404
    return candidate

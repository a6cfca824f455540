"""Searching the registry for households: by CNIC or B-form number, by mobile number, by a household
reference, or by a person's name written in Urdu or Latin script.

The registry holds tens of millions of members, so every kind of search starts from an index and reads
a bounded number of rows:

* an ID number is an equality on the (partial, active-only) unique index of `Identifier.number`;
* a phone number is an equality on the indexed `phone` columns of households and members;
* a name is matched on `Member.name_key`, the consonant skeleton of each name word
  (`ehsaas.core.names`), from *any* of its words and in any order: every word typed must be a word of
  the member's key, so "Aslam" finds "Muhammad Aslam" and "محمد اسلم". On PostgreSQL this is
  `string_to_array(name_key, ' ') @> ARRAY[keys]`, answered by the GIN index of migration
  `0003_member_name_words`, which intersects the members of each word (the rarest word does the work).
  On SQLite (demo and quick tests) it is a scan of the space-padded key. The candidates, at most
  `MAX_CANDIDATES`, are ranked in Python with rapidfuzz on both the keys and the names as written.

Only households the user may see are searched: every query starts from
`ehsaas.registry.selectors.households_for_user`.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Func, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz, utils

from ehsaas.core.identity import InvalidIdentifier, normalize_cnic, normalize_mobile
from ehsaas.core.models import District, Province
from ehsaas.core.names import name_key
from ehsaas.registry.choices import MemberStatus, Relationship
from ehsaas.registry.models import Household, Identifier, Member
from ehsaas.registry.selectors import households_for_user

PER_PAGE = 25
# How many households (or name candidates) one search reads at most. Past this the user is asked to
# narrow the search; ranking a bounded set keeps every search fast whatever the registry's size.
MAX_CANDIDATES = 1000

MSG_PARTIAL_NUMBER = _(
    "A CNIC or B-form number has 13 digits and a mobile number 11 (03XX-XXXXXXX); you typed %(count)d."
)
MSG_WHOLE_WORDS = _("Names are matched word by word: type at least one whole word of the name.")
MSG_EVERY_WORD = _(
    "Every word typed must be a word of the name: try fewer words or another spelling of one of them."
)
MSG_TRUNCATED = _("Only the first %(limit)s matches are shown: add words or choose a district to narrow.")

_DIGITS_ONLY = re.compile(r"[\d\s\-+()]+")


class Kind:
    BROWSE = "browse"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    REFERENCE = "reference"
    NAME = "name"


@dataclass
class HouseholdHit:
    """One row of the results: a household, its head, its number of active members, and the members
    the query matched (for a name or ID search), with the match score of the best of them."""

    household: Household
    head: Member | None = None
    member_count: int = 0
    matched: list[Member] = field(default_factory=list)
    score: float | None = None


@dataclass
class SearchResults:
    kind: str
    page: object  # django.core.paginator.Page over household ids; `hits` holds the hydrated rows
    hits: list[HouseholdHit]
    truncated: bool = False
    hint: str = ""

    @property
    def total(self) -> int:
        return self.page.paginator.count


def household_search(
    *,
    user,
    query: str = "",
    province: Province | None = None,
    district: District | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchResults:
    """Households visible to `user` that match `query` (an ID number, a mobile number, a household
    reference or a name), within `province` and `district` when given, one page at a time."""
    visible = households_for_user(user=user)
    if province is not None:
        visible = visible.filter(province=province)
    if district is not None:
        visible = visible.filter(district=district)

    query = " ".join(query.split())
    kind, ranked, hint, cut_short = _classify_and_find(visible, query)
    truncated = cut_short or len(ranked) >= MAX_CANDIDATES
    if truncated and not hint:
        hint = MSG_TRUNCATED % {"limit": f"{MAX_CANDIDATES:,}"}

    paginator = Paginator([household_id for household_id, _matched, _score in ranked], per_page)
    current = paginator.get_page(page)
    details = {household_id: (matched, score) for household_id, matched, score in ranked}
    hits = _hydrate(visible, list(current.object_list), details)
    return SearchResults(kind=kind, page=current, hits=hits, truncated=truncated, hint=hint)


# A ranked result before hydration: (household id, matched member ids, score or None).
Ranked = list[tuple[int, list[int], float | None]]
# What a search found: its kind, the ranked households, a hint for the user, and whether the candidate
# rows were cut at MAX_CANDIDATES (a name's candidates are members: 1,000 of them may be fewer households).
Found = tuple[str, Ranked, str, bool]


def _classify_and_find(visible: QuerySet[Household], query: str) -> Found:
    if not query:
        ids = visible.order_by("-id").values_list("id", flat=True)[:MAX_CANDIDATES]
        return Kind.BROWSE, [(pk, [], None) for pk in ids], "", False

    if _DIGITS_ONLY.fullmatch(query):
        digits = re.sub(r"\D", "", query)
        try:
            return Kind.ID_NUMBER, _by_id_number(visible, normalize_cnic(digits)), "", False
        except InvalidIdentifier:
            pass
        try:
            return Kind.PHONE, _by_phone(visible, normalize_mobile(query)), "", False
        except InvalidIdentifier:
            pass
        found = _by_reference(visible, query)
        if found:
            return Kind.REFERENCE, found, "", False
        return Kind.ID_NUMBER, [], MSG_PARTIAL_NUMBER % {"count": len(digits)}, False

    found = _by_reference(visible, query)
    if found:
        return Kind.REFERENCE, found, "", False
    keys = list(dict.fromkeys(name_key(query).split()))
    if not keys:
        return Kind.NAME, [], MSG_WHOLE_WORDS, False
    found, cut_short = _by_name(visible, query, keys)
    return Kind.NAME, found, MSG_EVERY_WORD if not found and len(keys) > 1 else "", cut_short


def _by_id_number(visible: QuerySet[Household], number: str) -> Ranked:
    # `active=True` lets the database use the partial unique index on active identifiers.
    rows = (
        Identifier.objects.filter(number=number, active=True, member__household__in=visible.values("id"))
        .values_list("member__household_id", "member_id")
        .order_by()[:MAX_CANDIDATES]
    )
    return _group(rows)


def _by_phone(visible: QuerySet[Household], e164: str) -> Ranked:
    household_ids = list(visible.filter(phone=e164).order_by().values_list("id", flat=True)[:MAX_CANDIDATES])
    member_rows = list(
        Member.objects.filter(phone=e164, household__in=visible.values("id"))
        .order_by()
        .values_list("household_id", "id")[:MAX_CANDIDATES]
    )
    ranked = _group(member_rows)
    seen = {household_id for household_id, _m, _s in ranked}
    ranked += [(pk, [], None) for pk in household_ids if pk not in seen]
    return sorted(ranked, key=lambda row: row[0])[:MAX_CANDIDATES]


def _by_reference(visible: QuerySet[Household], query: str) -> Ranked:
    pk = visible.filter(household_ref=query).values_list("id", flat=True).first()
    return [(pk, [], None)] if pk is not None else []


def _by_name(visible: QuerySet[Household], query: str, keys: list[str]) -> tuple[Ranked, bool]:
    candidates = _members_with_words(keys).filter(household__in=visible.values("id"))
    rows = list(
        candidates.order_by().values_list("id", "household_id", "full_name", "name_key")[:MAX_CANDIDATES]
    )

    query_key = " ".join(keys)
    query_name = utils.default_process(query)
    best: dict[int, tuple[float, list[int]]] = {}
    for member_id, household_id, full_name, key in rows:
        # Keys carry the spelling-tolerant match; the names as written break ties in favour of the
        # spelling the user typed.
        score = (
            2 * fuzz.token_sort_ratio(query_key, key)
            + fuzz.token_sort_ratio(query_name, utils.default_process(full_name))
        ) / 3
        held = best.get(household_id)
        if held is None:
            best[household_id] = (score, [member_id])
        else:
            held[1].append(member_id)
            if score > held[0]:
                best[household_id] = (score, held[1])
    ranked = [(household_id, members, round(score, 1)) for household_id, (score, members) in best.items()]
    ranked.sort(key=lambda row: (-row[2], row[0]))
    return ranked, len(rows) >= MAX_CANDIDATES


class _NameWords(Func):
    """`string_to_array(name_key, ' ')`: the words of a member's name key as an array. Written out with
    its literal separator so that it is the very expression of the GIN index (migration 0003), which
    PostgreSQL only uses for a query that repeats the indexed expression."""

    template = "string_to_array(%(expressions)s, ' ')"
    output_field = ArrayField(TextField())


def _members_with_words(keys: list[str]) -> QuerySet[Member]:
    """Members whose name key holds every one of `keys` as a whole word, in any order."""
    if connection.vendor == "postgresql":
        # Each key is bound as a parameter of one ARRAY[...]; the GIN index finds the members holding them all.
        return Member.objects.alias(words=_NameWords("name_key")).filter(words__contains=keys)
    # Elsewhere (SQLite): each key must appear between spaces of the space-padded key, a scan.
    members = Member.objects.alias(padded=Concat(Value(" "), "name_key", Value(" ")))
    for key in keys:
        members = members.filter(padded__contains=f" {key} ")
    return members


def _group(rows) -> Ranked:
    grouped: dict[int, list[int]] = {}
    for household_id, member_id in rows:
        grouped.setdefault(household_id, []).append(member_id)
    return [(household_id, members, None) for household_id, members in sorted(grouped.items())]


def _hydrate(visible: QuerySet[Household], ids: list[int], details: dict) -> list[HouseholdHit]:
    """The rows of one page, in three queries whatever the page size."""
    if not ids:
        return []
    households = visible.filter(pk__in=ids).annotate(
        member_count=Count("members", filter=Q(members__status=MemberStatus.ACTIVE))
    )
    by_id = {household.pk: household for household in households}
    wanted_members = {member_id for household_id in ids for member_id in details[household_id][0]}
    active_ids = Identifier.objects.filter(active=True)
    members = Member.objects.filter(
        Q(household_id__in=ids, relationship=Relationship.HEAD, status=MemberStatus.ACTIVE)
        | Q(pk__in=wanted_members)
    ).prefetch_related(Prefetch("identifiers", queryset=active_ids))
    heads: dict[int, Member] = {}
    matched: dict[int, Member] = {}
    for member in members:
        if member.relationship == Relationship.HEAD and member.status == MemberStatus.ACTIVE:
            heads[member.household_id] = member
        matched[member.pk] = member

    hits = []
    for household_id in ids:
        household = by_id.get(household_id)
        if household is None:  # removed between the two reads
            continue
        member_ids, score = details[household_id]
        hits.append(
            HouseholdHit(
                household=household,
                head=heads.get(household_id),
                member_count=household.member_count,
                matched=[matched[m] for m in member_ids if m in matched],
                score=score,
            )
        )
    return hits

"""Households as the standard's records: an `spdci:Group` (Social Registry v1.0.0, `Group.jsonld`) with its
identifiers, place, current poverty score, head and `member_list` of `spdci:Member`s, each with the
person's `demographic_info` (an `spdci:Person`).

Choices of ours, within the standard's room for implementations:
* the household's survey reference is its `group_identifier` of type `HOUSEHOLD_ID`; a member's CNIC is an
  identifier of type `UIN` and a B-form (child registration) number one of type `BRN`;
* the survey records one full name, not a given name and surname, so `name` has `given_name` only;
* without the personal-data scope a member has no name, identifiers, birth date or phone, and the group
  no street address or coordinates.

Records for a page of households are built from five queries, whatever the page size.
"""

from ehsaas.api.models import DciClient
from ehsaas.api.selectors import current_scores
from ehsaas.core.identity import format_cnic
from ehsaas.registry.choices import IdType, MemberStatus, Relationship
from ehsaas.registry.models import Household, Identifier, Member

CONTEXT = {
    "spdci": "https://schema.spdci.org/extensions/social/v1/",
    "common": "https://schema.spdci.org/common/v1/",
}
REG_TYPE = "ns:org:RegistryType:Social"
REG_RECORD_TYPE = "spdci:Group"
_ID_TYPES = {IdType.CNIC: "UIN", IdType.B_FORM: "BRN"}


def _place(place) -> dict | None:
    return None if place is None else {"code": place.code, "name": place.name_en, "name_ur": place.name_ur}


def _member(member: Member, identifiers: list[Identifier], household: Household, personal: bool) -> dict:
    person = {"@type": "spdci:Person", "sex": member.sex}
    record = {
        "@type": "spdci:Member",
        "@id": f"urn:ehsaas:household:{household.household_ref}:member:{member.member_no}",
        "relationship": member.relationship,
        "is_disabled": bool(member.disability),
        "marital_status": member.marital_status,
    }
    if personal:
        ids = [
            {
                "@type": "Identifier",
                "identifier_type": _ID_TYPES.get(identifier.id_type, identifier.id_type),
                "identifier_value": format_cnic(identifier.number),
            }
            for identifier in identifiers
        ]
        person["identifier"] = ids
        person["name"] = {"@type": "Name", "given_name": member.full_name}
        person["birth_date"] = member.date_of_birth.isoformat()
        if member.phone:
            person["phone_number"] = member.phone
        record["member_identifier"] = ids
    record["demographic_info"] = person
    return record


def groups(*, client: DciClient, household_ids: list[int]) -> list[dict]:
    """The records of these households, in the order given. The caller has already limited the ids to
    the client's scope."""
    if not household_ids:
        return []
    personal = client.personal_data
    households = {
        h.pk: h
        for h in Household.objects.filter(pk__in=household_ids).select_related(
            "province", "district", "tehsil"
        )
    }
    members: dict[int, list[Member]] = {}
    for member in Member.objects.filter(household_id__in=household_ids, status=MemberStatus.ACTIVE).order_by(
        "household_id", "member_no"
    ):
        members.setdefault(member.household_id, []).append(member)
    identifiers: dict[int, list[Identifier]] = {}
    if personal:
        for identifier in Identifier.objects.filter(
            member__household_id__in=household_ids, member__status=MemberStatus.ACTIVE, active=True
        ).order_by("member_id", "id"):
            identifiers.setdefault(identifier.member_id, []).append(identifier)
    scores = current_scores(household_ids)
    records = []
    for pk in household_ids:
        household = households.get(pk)
        if household is None:
            continue
        people = members.get(pk, [])
        member_list = [_member(m, identifiers.get(m.pk, []), household, personal) for m in people]
        head = next(
            (r for m, r in zip(people, member_list, strict=True) if m.relationship == Relationship.HEAD), None
        )
        place = {
            "@type": "Place",
            "province": _place(household.province),
            "district": _place(household.district),
            "tehsil": _place(household.tehsil),
            "area": household.area,
        }
        if personal:
            place["address"] = household.address
            if household.latitude is not None and household.longitude is not None:
                place["geo"] = {
                    "@type": "GeoCoordinates",
                    "latitude": str(household.latitude),
                    "longitude": str(household.longitude),
                }
        record = {
            "@context": CONTEXT,
            "@id": f"urn:ehsaas:household:{household.household_ref}",
            "@type": "spdci:Group",
            "group_identifier": [
                {
                    "@type": "Identifier",
                    "identifier_type": "HOUSEHOLD_ID",
                    "identifier_value": household.household_ref,
                }
            ],
            "group_type": "household",
            "group_size": len(people),
            "place": place,
        }
        score = scores.get(pk)
        if score is not None:
            record["poverty_score"] = round(score.score, 2)
            record["poverty_score_type"] = "pmt"
            record["poverty_score_model"] = score.model_version
            record["poverty_score_date"] = score.scored_at.isoformat()
        if head is not None:
            record["group_head_info"] = head
        record["member_list"] = member_list
        record["registration_date"] = household.survey_date.isoformat()
        record["last_updated"] = household.updated_at.isoformat()
        records.append(record)
    return records

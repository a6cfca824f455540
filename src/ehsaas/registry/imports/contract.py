"""The household survey data contract (DOMAIN.md) as data: the columns of each file, which are
required, and the words each column accepts. Validation, the staging tables and the report all read it."""

from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import AreaType
from ehsaas.registry import choices as c

HOUSEHOLD_TEXT = ("household_ref", "province", "district", "tehsil", "address", "enumerator", "phone")
HOUSEHOLD_CHOICES = {
    "area": AreaType.values,
    "tenure": c.Tenure.values,
    "walls": c.Walls.values,
    "toilet": c.Toilet.values,
    "water": c.Water.values,
    "cooking_fuel": c.CookingFuel.values,
}
HOUSEHOLD_FLAGS = ("electricity", *c.ASSET_FIELDS)
HOUSEHOLD_COUNTS = ("rooms", *c.LIVESTOCK_FIELDS)
HOUSEHOLD_COLUMNS = (
    *HOUSEHOLD_TEXT,
    *HOUSEHOLD_CHOICES,
    "latitude",
    "longitude",
    "survey_date",
    *HOUSEHOLD_COUNTS,
    *HOUSEHOLD_FLAGS,
    "land_acres",
    "monthly_consumption",
)
HOUSEHOLD_OPTIONAL = frozenset(
    {"tehsil", "address", "latitude", "longitude", "enumerator", "phone", "monthly_consumption"}
)
HOUSEHOLD_REQUIRED = tuple(col for col in HOUSEHOLD_COLUMNS if col not in HOUSEHOLD_OPTIONAL)

MEMBER_CHOICES = {
    "id_type": c.IdType.values,
    "sex": c.Sex.values,
    "relationship": c.Relationship.values,
    "marital_status": c.MaritalStatus.values,
    "education": c.Education.values,
    "occupation": c.Occupation.values,
}
MEMBER_FLAGS = ("in_school", "pregnant", "lactating")
MEMBER_COLUMNS = (
    "household_ref",
    "member_no",
    "id_number",
    "full_name",
    "date_of_birth",
    "disability",
    "phone",
    *MEMBER_CHOICES,
    *MEMBER_FLAGS,
)
MEMBER_OPTIONAL = frozenset({"id_number", "phone", "disability"})
MEMBER_REQUIRED = tuple(col for col in MEMBER_COLUMNS if col not in MEMBER_OPTIONAL)

YES_NO = ("yes", "no")
DISABILITIES = frozenset(c.Disability.values)
# Pakistan's bounding box, so that swapped or mistyped coordinates are caught at the door.
LATITUDE_RANGE = (23.5, 37.2)
LONGITUDE_RANGE = (60.8, 77.9)

# Messages a person reads in the rejects report. Tests assert on these constants.
MSG_REQUIRED = _("is required")
MSG_ONE_OF = _("must be one of: %(words)s")
MSG_YES_NO = _("must be yes or no")
MSG_WHOLE_NUMBER = _("must be a whole number of at least %(min)s")
MSG_NUMBER = _("must be a number of at least 0, with at most 2 decimals")
MSG_DATE = _("must be a date written YYYY-MM-DD")
MSG_DATE_FUTURE = _("is in the future")
MSG_LATITUDE = _("must be a latitude in Pakistan, between %(low)s and %(high)s")
MSG_LONGITUDE = _("must be a longitude in Pakistan, between %(low)s and %(high)s")
MSG_TOO_LONG = _("is longer than %(max)s characters")
MSG_UNKNOWN_PROVINCE = _("is not a province: use a code such as PK-PB or a name such as Punjab")
MSG_UNKNOWN_DISTRICT = _("is not a district of this province")
MSG_UNKNOWN_TEHSIL = _("is not a tehsil of this district")
MSG_DISABILITY = _("must be none, or any of %(words)s separated by ;")
MSG_ID_MISSING = _("is required when id_type is cnic or b_form")
MSG_ID_UNEXPECTED = _("must be empty when id_type is none")
MSG_PREGNANT_SEX = _("is yes, but the member is not a woman")
MSG_DUPLICATE_HOUSEHOLD = _("household %(ref)s appears again; it was first given at line %(line)s")
MSG_NO_HOUSEHOLD = _("no household %(ref)s in the households file")
MSG_NO_MEMBERS = _("household %(ref)s has no members in the members file")
MSG_NO_HEAD = _("household %(ref)s has no head: exactly one member must have relationship head")
MSG_MANY_HEADS = _("household %(ref)s has %(count)s heads: exactly one member must have relationship head")
MSG_DUPLICATE_MEMBER_NO = _("member_no %(no)s is given twice in household %(ref)s (first at line %(line)s)")
MSG_ID_TWICE_IN_FILE = _("ID number %(number)s is also given at line %(line)s (household %(ref)s)")
MSG_ID_HELD = _("ID number %(number)s is already held by household %(ref)s (member %(no)s)")

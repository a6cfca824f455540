"""The closed vocabularies of the household survey data contract (DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tenure(models.TextChoices):
    OWNED = "owned", _("Owned")
    RENTED = "rented", _("Rented")
    RENT_FREE = "rent_free", _("Rent free")
    OTHER = "other", _("Other")


class Walls(models.TextChoices):
    PAKKA = "pakka", _("Pakka (brick or concrete)")
    KACHA = "kacha", _("Kacha (mud)")
    MIXED = "mixed", _("Mixed")


class Toilet(models.TextChoices):
    FLUSH = "flush", _("Flush")
    PIT = "pit", _("Pit")
    NONE = "none", _("None")


class Water(models.TextChoices):
    PIPED = "piped", _("Piped")
    HAND_PUMP = "hand_pump", _("Hand pump")
    MOTOR_PUMP = "motor_pump", _("Motor pump")
    WELL = "well", _("Well")
    TANKER = "tanker", _("Tanker")
    OTHER = "other", _("Other")


class CookingFuel(models.TextChoices):
    GAS = "gas", _("Piped gas")
    LPG = "lpg", _("LPG cylinder")
    WOOD = "wood", _("Wood")
    DUNG = "dung", _("Dung cakes")
    CROP_RESIDUE = "crop_residue", _("Crop residue")
    ELECTRICITY = "electricity", _("Electricity")
    OTHER = "other", _("Other")


class IdType(models.TextChoices):
    CNIC = "cnic", _("CNIC")
    B_FORM = "b_form", _("B-form (CRC)")
    NONE = "none", _("None")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head")
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NON_RELATIVE = "non_relative", _("Not related")


class MaritalStatus(models.TextChoices):
    NEVER_MARRIED = "never_married", _("Never married")
    MARRIED = "married", _("Married")
    WIDOWED = "widowed", _("Widowed")
    DIVORCED = "divorced", _("Divorced")
    SEPARATED = "separated", _("Separated")


class Education(models.TextChoices):
    NONE = "none", _("None")
    PRIMARY = "primary", _("Primary")
    MIDDLE = "middle", _("Middle")
    MATRIC = "matric", _("Matric")
    INTERMEDIATE = "intermediate", _("Intermediate")
    GRADUATE = "graduate", _("Graduate")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class Occupation(models.TextChoices):
    GOVERNMENT = "government", _("Government employee")
    PRIVATE = "private", _("Private employee")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    DAILY_WAGE = "daily_wage", _("Daily wage")
    AGRICULTURE = "agriculture", _("Agriculture")
    UNEMPLOYED = "unemployed", _("Unemployed")
    HOMEMAKER = "homemaker", _("Homemaker")
    STUDENT = "student", _("Student")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


class Disability(models.TextChoices):
    SEEING = "seeing", _("Seeing")
    HEARING = "hearing", _("Hearing")
    WALKING = "walking", _("Walking")
    REMEMBERING = "remembering", _("Remembering")
    SELF_CARE = "self_care", _("Self-care")
    COMMUNICATING = "communicating", _("Communicating")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")
    DECEASED = "deceased", _("Deceased")


class ChangeKind(models.TextChoices):
    ADD_MEMBER = "add_member", _("Add a member")
    REMOVE_MEMBER = "remove_member", _("Remove a member")
    MOVE_MEMBER = "move_member", _("Move a member to another household")
    CHANGE_HEAD = "change_head", _("Change the head of household")
    CORRECT_FIELD = "correct_field", _("Correct a field")


class ChangeStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Dismissed")


ASSET_FIELDS = (
    "refrigerator", "freezer", "air_conditioner", "air_cooler", "washing_machine", "television",
    "computer", "cooking_range", "heater", "motorcycle", "car", "tractor",
)  # fmt: skip
LIVESTOCK_FIELDS = ("cattle", "buffalo", "goats", "sheep")


class WealthSource(models.TextChoices):
    """Agencies' lists of people who are not poor, matched by CNIC against the registry's members."""

    GOVERNMENT_EMPLOYEES = "government_employees", _("Government employees (payroll)")
    CAR_OWNERS = "car_owners", _("Car owners (excise and taxation)")
    TAXPAYERS = "taxpayers", _("Income-tax payers (active taxpayers list)")
    INTERNATIONAL_TRAVELLERS = "international_travellers", _("International travellers (immigration)")
    HIGH_UTILITY_BILLS = "high_utility_bills", _("High utility or phone bills")


# How a reason names the list a person is on: "… is on the car owners list of …".
WEALTH_LIST_NAMES = {
    WealthSource.GOVERNMENT_EMPLOYEES: _("government employees list"),
    WealthSource.CAR_OWNERS: _("car owners list"),
    WealthSource.TAXPAYERS: _("active taxpayers list"),
    WealthSource.INTERNATIONAL_TRAVELLERS: _("international travellers list"),
    WealthSource.HIGH_UTILITY_BILLS: _("high utility bills list"),
}


class WealthListStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    SUPERSEDED = "superseded", _("Superseded")


class WealthFlagStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REPLACED = "replaced", _("Replaced by a newer list")
    LIFTED = "lifted", _("Lifted")


class WealthOverrideStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")

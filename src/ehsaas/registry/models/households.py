"""The registry proper: households, their members and the members' ID numbers."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import AreaType
from ehsaas.core.models import District, Province, Tehsil
from ehsaas.registry import choices as c


class Household(models.Model):
    """A surveyed household: its place, its dwelling and its assets, as the survey recorded them.

    `household_ref` is the survey's own id; importing a file again updates the household it names.
    `source_hash` fingerprints the imported rows (household and members), so that importing the same
    files twice is recognised and changes nothing.
    """

    household_ref = models.CharField(_("household reference"), max_length=64)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="households", verbose_name=_("province")
    )
    # Indexed by registry_hh_district_idx (district, id); a second index of its own would only slow imports.
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="households",
        db_index=False,
        verbose_name=_("district"),
    )
    tehsil = models.ForeignKey(
        Tehsil,
        on_delete=models.PROTECT,
        related_name="households",
        null=True,
        blank=True,
        verbose_name=_("tehsil"),
    )
    area = models.CharField(_("area"), max_length=8, choices=AreaType.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    survey_date = models.DateField(_("survey date"))
    enumerator = models.CharField(_("enumerator"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True)

    rooms = models.PositiveSmallIntegerField(_("rooms"))
    tenure = models.CharField(_("tenure"), max_length=16, choices=c.Tenure.choices)
    walls = models.CharField(_("walls"), max_length=8, choices=c.Walls.choices)
    toilet = models.CharField(_("toilet"), max_length=8, choices=c.Toilet.choices)
    water = models.CharField(_("drinking water"), max_length=16, choices=c.Water.choices)
    cooking_fuel = models.CharField(_("cooking fuel"), max_length=16, choices=c.CookingFuel.choices)
    electricity = models.BooleanField(_("electricity"))

    refrigerator = models.BooleanField(_("refrigerator"))
    freezer = models.BooleanField(_("freezer"))
    air_conditioner = models.BooleanField(_("air conditioner"))
    air_cooler = models.BooleanField(_("air cooler"))
    washing_machine = models.BooleanField(_("washing machine"))
    television = models.BooleanField(_("television"))
    computer = models.BooleanField(_("computer"))
    cooking_range = models.BooleanField(_("cooking range"))
    heater = models.BooleanField(_("heater"))
    motorcycle = models.BooleanField(_("motorcycle"))
    car = models.BooleanField(_("car"))
    tractor = models.BooleanField(_("tractor"))

    cattle = models.PositiveIntegerField(_("cattle"))
    buffalo = models.PositiveIntegerField(_("buffalo"))
    goats = models.PositiveIntegerField(_("goats"))
    sheep = models.PositiveIntegerField(_("sheep"))
    land_acres = models.DecimalField(_("land (acres)"), max_digits=9, decimal_places=2)
    monthly_consumption = models.DecimalField(
        _("monthly consumption (PKR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    source_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        permissions = [
            ("register_household", _("Can register households by hand")),
            ("import_registry", _("Can import survey files into the registry")),
            ("request_change", _("Can request changes to a household")),
            ("decide_change", _("Can approve or reject change requests")),
            ("review_duplicates", _("Can merge or dismiss likely duplicates")),
        ]
        constraints = [
            # A constraint, not unique=True: the same index without the pattern-matching twin that
            # Django adds for unique text fields, which nothing here uses.
            models.UniqueConstraint(fields=["household_ref"], name="%(app_label)s_%(class)s_ref_unique"),
            models.CheckConstraint(
                condition=Q(rooms__gte=1), name="%(app_label)s_%(class)s_rooms_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(land_acres__gte=0), name="%(app_label)s_%(class)s_land_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(area__in=AreaType.values), name="%(app_label)s_%(class)s_area_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["district", "id"], name="registry_hh_district_idx"),
            models.Index(fields=["phone"], condition=~Q(phone=""), name="registry_hh_phone_idx"),
        ]

    def __str__(self) -> str:
        return self.household_ref


class Member(models.Model):
    """A person in a household. Removed and deceased members are kept for history, with their status."""

    # Indexed by the (household, member_no) unique constraint, whose first column it is.
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", db_index=False)
    member_no = models.PositiveSmallIntegerField(_("member number"))
    full_name = models.CharField(_("full name"), max_length=150)
    # Searched through the GIN index on its words (migration 0003), not a plain index.
    name_key = models.CharField(max_length=150, help_text="ehsaas.core.names.name_key")
    sex = models.CharField(_("sex"), max_length=8, choices=c.Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    relationship = models.CharField(_("relationship to head"), max_length=16, choices=c.Relationship.choices)
    marital_status = models.CharField(_("marital status"), max_length=16, choices=c.MaritalStatus.choices)
    education = models.CharField(_("education"), max_length=16, choices=c.Education.choices)
    in_school = models.BooleanField(_("in school"))
    occupation = models.CharField(_("occupation"), max_length=16, choices=c.Occupation.choices)
    disability = models.CharField(
        _("disability"),
        max_length=80,
        blank=True,
        help_text="semicolon-separated Disability values; empty for none",
    )
    pregnant = models.BooleanField(_("pregnant"))
    lactating = models.BooleanField(_("lactating"))
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=c.MemberStatus.choices, default=c.MemberStatus.ACTIVE
    )

    class Meta:
        ordering = ["household_id", "member_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "member_no"],
                name="%(app_label)s_%(class)s_member_no_unique_in_household",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relationship="head", status="active"),
                name="%(app_label)s_%(class)s_one_head_per_household",
            ),
            models.CheckConstraint(
                condition=Q(pregnant=False) | Q(sex="female"),
                name="%(app_label)s_%(class)s_pregnant_is_female",
            ),
        ]
        indexes = [models.Index(fields=["phone"], condition=~Q(phone=""), name="registry_member_phone_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def disabilities(self) -> list[str]:
        return [d for d in self.disability.split(";") if d]


class Identifier(models.Model):
    """A national ID number (CNIC or B-form) held by a member. Numbers are stored as 13 digits.
    One number belongs to one living member in the whole registry: the constraint below. When a member
    is removed or dies, the identifier is kept but no longer active."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="identifiers")
    id_type = models.CharField(_("type"), max_length=8, choices=c.IdType.choices)
    number = models.CharField(_("number"), max_length=13)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=Q(active=True), name="%(app_label)s_%(class)s_one_living_holder"
            ),
            models.CheckConstraint(
                condition=Q(id_type__in=["cnic", "b_form"]), name="%(app_label)s_%(class)s_type_is_a_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_id_type_display()} {self.number}"

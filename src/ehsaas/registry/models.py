from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ehsaas.core.choices import AreaType
from ehsaas.core.models import District, MakerChecker, Province, Tehsil
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


class ChangeRequest(MakerChecker):
    """A change to a household that one user asks for and another approves (maker-checker).
    Once submitted its content is frozen; only the decision is written afterwards."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="change_requests")
    kind = models.CharField(_("kind"), max_length=16, choices=c.ChangeKind.choices)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="change_requests", null=True, blank=True
    )
    target_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="incoming_change_requests", null=True, blank=True
    )
    payload = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=c.ChangeStatus.choices, default=c.ChangeStatus.SUBMITTED
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.household}"


class DuplicateCandidate(models.Model):
    """Two members who are probably one person (similar names, same date of birth, same place),
    found by duplicate detection and listed for a person to merge or dismiss."""

    member_a = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    member_b = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("similarity"))
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=c.DuplicateStatus.choices, default=c.DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_a", "member_b"], name="%(app_label)s_%(class)s_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(member_a__lt=F("member_b")), name="%(app_label)s_%(class)s_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_a_id} ~ {self.member_b_id} ({self.score})"


class WealthList(models.Model):
    """A list from another agency of people who are not poor (government employees, car owners,
    taxpayers, …), keyed by CNIC and true as of a date. Its people's households are excluded from
    targeting (WealthFlag). The newest list of a source is the current one; a newer list supersedes it and
    the old one is kept, with its entries and flags, as history."""

    source = models.CharField(_("source"), max_length=32, choices=c.WealthSource.choices)
    agency = models.CharField(_("agency"), max_length=200)
    as_of = models.DateField(_("as of"))
    status = models.CharField(
        _("status"), max_length=12, choices=c.WealthListStatus.choices, default=c.WealthListStatus.CURRENT
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    lines = models.PositiveBigIntegerField(_("lines"), default=0)
    distinct_cnics = models.PositiveBigIntegerField(_("distinct CNICs"), default=0)
    members_matched = models.PositiveBigIntegerField(_("members matched"), default=0)
    households_flagged = models.PositiveBigIntegerField(_("households flagged"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-as_of", "-id"]
        permissions = [
            ("import_wealth_list", _("Can import wealth lists from other agencies")),
            ("request_wealth_override", _("Can ask for a wealth flag to be overridden")),
            ("decide_wealth_override", _("Can approve or reject wealth flag overrides")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=Q(status="current"),
                name="%(app_label)s_%(class)s_one_current_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source__in=c.WealthSource.values), name="%(app_label)s_%(class)s_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(distinct_cnics__lte=F("lines")),
                name="%(app_label)s_%(class)s_distinct_at_most_lines",
            ),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | Q(status="superseded"),
                name="%(app_label)s_%(class)s_only_superseded_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} ({self.agency}, {self.as_of:%Y-%m-%d})"


class WealthListEntry(models.Model):
    """One CNIC on a wealth list, as the agency sent it (the number normalised to 13 digits). A CNIC
    written twice in a file is kept once."""

    # Indexed by the (list, cnic) unique constraint, whose first column it is.
    wealth_list = models.ForeignKey(
        WealthList, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    cnic = models.CharField(_("CNIC"), max_length=13)
    name = models.CharField(_("name"), max_length=150, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wealth_list", "cnic"], name="%(app_label)s_%(class)s_cnic_once_per_list"
            ),
        ]

    def __str__(self) -> str:
        return self.cnic


class WealthFlag(models.Model):
    """A member's household is excluded from targeting because the member's CNIC is on a wealth list.

    Flags are never deleted: when a newer list of the same source still names the member the flag is
    `replaced` (by the newer list's own flag), and when the member is no longer on the list, left the
    household or no longer holds the CNIC it is `lifted`. An approved WealthOverride for the member and
    source lifts the exclusion without touching the flag."""

    wealth_list = models.ForeignKey(
        WealthList, on_delete=models.PROTECT, related_name="flags", db_index=False
    )
    source = models.CharField(_("source"), max_length=32, choices=c.WealthSource.choices)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="wealth_flags", db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="wealth_flags")
    cnic = models.CharField(_("CNIC"), max_length=13)
    status = models.CharField(
        _("status"), max_length=10, choices=c.WealthFlagStatus.choices, default=c.WealthFlagStatus.ACTIVE
    )
    flagged_at = models.DateTimeField(_("flagged at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["household_id", "-flagged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["wealth_list", "member"],
                condition=Q(status="active"),
                name="%(app_label)s_%(class)s_one_active_per_list_and_member",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_at__isnull=True)
                | (~Q(status="active") & Q(ended_at__isnull=False)),
                name="%(app_label)s_%(class)s_ended_unless_active",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "status"], name="registry_wflag_household_idx"),
            models.Index(fields=["wealth_list", "status", "household"], name="registry_wflag_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.member_id} ({self.status})"


class WealthOverride(MakerChecker):
    """A member disputes being on a wealth list: one staff user records why the exclusion is wrong, a
    second user approves or rejects it (maker-checker). An approved override lifts the exclusion for that
    member and source, for this list and the lists of that source that come after it."""

    flag = models.ForeignKey(WealthFlag, on_delete=models.PROTECT, related_name="overrides")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="wealth_overrides")
    # Indexed by the (member, source) unique constraint, whose first column it is.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="wealth_overrides", db_index=False
    )
    source = models.CharField(_("source"), max_length=32, choices=c.WealthSource.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=c.WealthOverrideStatus.choices,
        default=c.WealthOverrideStatus.SUBMITTED,
    )

    class Meta(MakerChecker.Meta):
        constraints = [
            *MakerChecker.Meta.constraints,
            models.UniqueConstraint(
                fields=["member", "source"],
                condition=Q(status__in=["submitted", "approved"]),
                name="%(app_label)s_%(class)s_one_standing_per_member_and_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} – {self.member}"

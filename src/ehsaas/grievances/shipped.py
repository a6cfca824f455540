"""The complaint categories the platform ships with, and their service levels (days to resolve, days of
warning before that). Loaded by a migration, and again by the tests after a transactional test emptied
the database; an administrator edits them afterwards, and loading never overwrites an edited one."""

# code, English, Urdu, days to resolve, days of warning, sensitive, may open a re-survey/change request
CATEGORIES = (
    ("targeting", "Targeting or exclusion", "اہلیت یا اخراج", 30, 5, False, True),
    ("payment_not_received", "Payment not received", "ادائیگی موصول نہیں ہوئی", 7, 2, False, False),
    (
        "payment_deduction",
        "Payment deduction by an agent",
        "ایجنٹ کی جانب سے رقم کی کٹوتی",
        7,
        2,
        False,
        False,
    ),
    (
        "biometric_failure",
        "Biometric verification failure",
        "بائیو میٹرک تصدیق میں ناکامی",
        7,
        2,
        False,
        False,
    ),
    ("data_correction", "Data correction", "کوائف کی درستی", 15, 3, False, True),
    ("misconduct", "Misconduct by staff", "عملے کی بدسلوکی", 15, 3, True, False),
    ("fraud", "Fraud", "دھوکہ دہی", 15, 3, True, False),
    ("harassment", "Harassment", "ہراسانی", 7, 2, True, False),
    ("other", "Other", "دیگر", 15, 3, False, False),
)
# The category of a complaint whose channel cannot say what it is about (an SMS): an officer changes it.
UNSORTED = "other"


def categories_load(Category) -> None:
    """The shipped categories that are missing; `Category` is the model (a migration passes its own)."""
    for position, (code, name_en, name_ur, sla, warn, sensitive, follow_up) in enumerate(CATEGORIES, 1):
        Category.objects.get_or_create(
            code=code,
            defaults={
                "name_en": name_en, "name_ur": name_ur, "sla_days": sla, "warn_days": warn,
                "sensitive": sensitive, "registry_follow_up": follow_up, "position": position,
            },
        )  # fmt: skip

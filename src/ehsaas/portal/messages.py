"""The words of the eligibility check: a full answer for the page, the API and the command line, and a
short one for an SMS. Each says what happens next and nothing about the household beyond the programmes
it is in: no names, no scores, no reasons that would tell a stranger about a family.

SMS replies must fit one message where they can: 160 characters of the GSM 7-bit alphabet, or 70 UCS-2
characters once a reply holds anything else (every Urdu reply). The Urdu translations are kept short
for that; `sms_text` falls back from programme names to their codes, then to a count, to stay within.
"""

from django.utils.translation import gettext_lazy as _

from ehsaas.portal.choices import EligibilityStatus

MSG_ELIGIBLE = _(
    "Your household is eligible for: %(programmes)s. You will receive an SMS from 8171 when your payment "
    "is ready; take your CNIC with you to collect it."
)
MSG_ON_HOLD = _(
    "Your household's payments from %(programmes)s are on hold until the programme's conditions are met "
    "again, such as school attendance or health visits. Visit an Ehsaas office to learn what is needed."
)
MSG_UNDER_REVIEW = _("Your household's information is being reviewed. Please check again in a few weeks.")
MSG_NOT_ELIGIBLE = _(
    "Your household is not eligible for any programme at present. If your circumstances have changed, "
    "you may ask for a re-survey, or make a complaint, at an Ehsaas office."
)
MSG_NOT_REGISTERED = _(
    "This CNIC is not in the Ehsaas registry. To register, visit an Ehsaas registration desk or office "
    "with your CNIC; your household will then be surveyed."
)
MSG_TOO_MANY = _("Too many checks from your connection. Please try again later.")

# Translators: the SMS replies below must stay within 70 characters in Urdu (one UCS-2 SMS).
SMS_ELIGIBLE = _("Eligible for %(programmes)s. You will get an SMS when your payment is ready.")
SMS_ON_HOLD = _("Your %(programmes)s payment is on hold. Visit an Ehsaas office.")
SMS_UNDER_REVIEW = _("Your household is under review. Check again in a few weeks.")
SMS_NOT_ELIGIBLE = _("Not eligible at present. For a re-survey or a complaint, visit an Ehsaas office.")
SMS_NOT_REGISTERED = _("Not registered. To register, visit an Ehsaas office with your CNIC.")
SMS_HELP = _("To check eligibility, send your 13-digit CNIC, e.g. 3520212345671.")
SMS_TOO_MANY = _("Too many checks from this number. Please try again later.")
# Translators: after the programmes an SMS has room to name: "Kafaalat, 3 more".
SMS_MORE = _("%(count)d more")
# Translators: what separates the names in a list of programmes; Urdu has its own comma.
LIST_SEPARATOR = _(", ")

_FULL = {
    EligibilityStatus.ELIGIBLE: MSG_ELIGIBLE,
    EligibilityStatus.UNDER_REVIEW: MSG_UNDER_REVIEW,
    EligibilityStatus.NOT_ELIGIBLE: MSG_NOT_ELIGIBLE,
    EligibilityStatus.NOT_REGISTERED: MSG_NOT_REGISTERED,
}
_SHORT = {
    EligibilityStatus.ELIGIBLE: SMS_ELIGIBLE,
    EligibilityStatus.UNDER_REVIEW: SMS_UNDER_REVIEW,
    EligibilityStatus.NOT_ELIGIBLE: SMS_NOT_ELIGIBLE,
    EligibilityStatus.NOT_REGISTERED: SMS_NOT_REGISTERED,
}

# The GSM 03.38 alphabet: its basic characters take one of an SMS's 160 places, those of its extension
# table two. A reply with any other character is sent as UCS-2, 70 to a message.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
GSM7_LIMIT = 160
UCS2_LIMIT = 70


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def sms_length(text: str) -> tuple[int, int]:
    """The places a text takes in one SMS, and how many one SMS has, in the coding it will be sent in."""
    if is_gsm7(text):
        return sum(2 if char in GSM7_EXTENSION else 1 for char in text), GSM7_LIMIT
    return len(text.encode("utf-16-le")) // 2, UCS2_LIMIT


def fits_one_sms(text: str) -> bool:
    used, limit = sms_length(text)
    return used <= limit


def programme_list(names: list[str]) -> str:
    """Names joined as the language writes a list (Urdu uses its own comma)."""
    return str(LIST_SEPARATOR).join(names)


def answer_text(answer) -> str:
    """The full answer in the active language."""
    if answer.on_hold:
        return MSG_ON_HOLD % {"programmes": programme_list(answer.programme_names())}
    if answer.status == EligibilityStatus.ELIGIBLE:
        return MSG_ELIGIBLE % {"programmes": programme_list(answer.programme_names())}
    return str(_FULL[answer.status])


def sms_text(answer) -> str:
    """The short answer in the active language, in one SMS where the programmes' names allow."""
    template = SMS_ON_HOLD if answer.on_hold else _SHORT[answer.status]
    if "%(programmes)s" not in str(template):
        return str(template)
    names = answer.programme_names()
    candidates = [programme_list(names), programme_list([p.code for p in answer.programmes])]
    candidates += [
        programme_list([*names[:kept], SMS_MORE % {"count": len(names) - kept}])
        for kept in range(len(names) - 1, 0, -1)
    ]
    texts = [template % {"programmes": listed} for listed in candidates]
    return next((text for text in texts if fits_one_sms(text)), texts[-1])

"""The payments API (django-ninja), mounted on the platform's API by `ehsaas.api.urls`:

- the agent device: `POST /api/v1/collection/collect` with {cnic, point, verification_reference} and
  `POST /api/v1/collection/collect-with-code` with {cnic, code, point}; signed in by session (the staff
  site, with its CSRF token) or HTTP Basic (a device with its agent's username and password). Answers
  say paid (amount, reference), not matched (attempts left) or fall back to a branch (code sent); refusals
  have one shape, `{"error": kind, "message": text}` (already collected adds when and where).
- tracking: `POST /api/v1/payments/track` with {"cnic"}: whether and where the latest payment can be
  collected or was paid, nothing else about the person; public, counted with the 8171 check's limit per
  address."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage
from ninja import Router, Schema, Status
from ninja.security import HttpBasicAuth, django_auth

from ehsaas.core.identity import InvalidIdentifier, normalize_cnic
from ehsaas.payments.collection import services
from ehsaas.payments.collection.selectors import latest_payment_for_cnic, point_of_agent
from ehsaas.payments.collection.services import CollectionOutcome, CollectionRefused

MSG_NO_POINT = _("You are not an agent of a payment point with this code.")
MSG_FORBIDDEN = _("You may not pay out cash.")
MSG_TOO_MANY = _("Too many CNICs were checked from this address: try again later.")
# The 8171 check's count per address (ehsaas.portal.limits), shared: tracking is another way to ask.
CHECK_GROUP = "portal.check.address"


class AgentBasicAuth(HttpBasicAuth):
    """A device signs in with its agent's username and password."""

    def authenticate(self, request, username, password):
        user = authenticate(request, username=username, password=password)
        if user is not None:
            request.user = user
        return user


agent_router = Router(tags=["Cash collection (agent devices)"], auth=[AgentBasicAuth(), django_auth])
tracking_router = Router(tags=["Payment tracking"])


class CollectRequest(Schema):
    cnic: str
    point: str
    verification_reference: str


class CodeRequest(Schema):
    cnic: str
    point: str
    code: str


class CollectAnswer(Schema):
    outcome: str  # paid, not_matched, fallback
    message: str
    reference: str
    amount: int | None = None
    attempts_left: int | None = None
    code_sent: bool | None = None


class CollectRefusal(Schema):
    error: str
    message: str
    collected_at: datetime | None = None
    point: str | None = None


OUTCOME_WORDS = {
    services.PAID: _("Paid: hand over Rs %(amount)s."),
    services.NOT_MATCHED: _("The fingerprint did not match. Attempts left: %(left)s."),
    services.FALLBACK: _("The fingerprint failed too often: she collects at a bank branch with her CNIC and the one-time code sent to her phone."),
}  # fmt: skip
MSG_FALLBACK_NO_SMS = _(
    "The fingerprint failed too often, and no code could be sent to her phone: she should visit an Ehsaas office."
)
REFUSAL_STATUS = {services.ALREADY: 409, services.NOTHING: 404, services.NOT_AGENT: 403}


def outcome_json(outcome: CollectionOutcome) -> dict:
    payment = outcome.payment
    if outcome.kind == services.FALLBACK and not outcome.code_sent and not services.live_code_exists(payment):
        message = str(MSG_FALLBACK_NO_SMS)
    else:
        message = str(OUTCOME_WORDS[outcome.kind]) % {
            "amount": f"{payment.amount:,}",
            "left": outcome.attempts_left,
        }
    answer = {"outcome": outcome.kind, "message": message, "reference": payment.reference}
    if outcome.kind == services.PAID:
        answer["amount"] = payment.amount
    elif outcome.kind == services.NOT_MATCHED:
        answer["attempts_left"] = outcome.attempts_left
    else:
        answer["code_sent"] = outcome.code_sent
    return answer


def refusal_json(refused: CollectionRefused) -> dict:
    answer = {"error": refused.kind, "message": refused.text}
    if refused.collection is not None:
        answer |= {"collected_at": refused.collection.collected_at, "point": refused.collection.point.name}
    return answer


def _agent_call(request, point_code: str, call):
    if not request.user.has_perm("payments.collect_payment"):
        return Status(403, {"error": "forbidden", "message": str(MSG_FORBIDDEN)})
    point = point_of_agent(request.user, point_code)
    if point is None:
        return Status(403, {"error": services.NOT_AGENT, "message": str(MSG_NO_POINT)})
    try:
        return outcome_json(call(point))
    except CollectionRefused as refused:
        return Status(REFUSAL_STATUS.get(refused.kind, 400), refusal_json(refused))
    except PermissionDenied:
        return Status(403, {"error": "forbidden", "message": str(MSG_FORBIDDEN)})


ANSWERS = {
    200: CollectAnswer,
    400: CollectRefusal,
    403: CollectRefusal,
    404: CollectRefusal,
    409: CollectRefusal,
}


@agent_router.post("/collect", response=ANSWERS, summary="Pay out cash after a fingerprint verification")
def collect(request: HttpRequest, body: CollectRequest):
    return _agent_call(request, body.point, lambda point: services.collection_verify(
        cnic=body.cnic, point=point, agent=request.user, reference=body.verification_reference))  # fmt: skip


@agent_router.post(
    "/collect-with-code", response=ANSWERS, summary="Pay out cash at a branch with a one-time code"
)
def collect_with_code(request: HttpRequest, body: CodeRequest):
    return _agent_call(request, body.point, lambda point: services.collection_by_code(
        cnic=body.cnic, code=body.code, point=point, agent=request.user))  # fmt: skip


class TrackRequest(Schema):
    cnic: str


class TrackedPointOut(Schema):
    name: str
    kind: str
    address: str


class TrackAnswer(Schema):
    status: str
    programme: str
    period: str
    where: str
    paid_at: str | None
    points: list[TrackedPointOut]
    message: str


class TrackRefusal(Schema):
    error: str
    message: str


@tracking_router.post(
    "/track",
    response={200: TrackAnswer, 400: TrackRefusal, 429: TrackRefusal},
    summary="Whether and where the latest payment of a CNIC can be collected or was paid",
    description="The status is none, pending, collectable, sent, paid, failed or unclaimed; `where` is the "
    "provider, the point it was collected at, or 'at a payment point' with the points of her district. No "
    "name, account, phone or amount is returned. The message is in the language of Accept-Language.",
)
def track(request: HttpRequest, body: TrackRequest, response: HttpResponse):
    try:
        digits = normalize_cnic(body.cnic)
    except InvalidIdentifier as error:
        return Status(400, {"error": "invalid_cnic", "message": str(error)})
    usage = get_usage(request, group=CHECK_GROUP, key="ip", rate=settings.CHECK_LIMIT_PER_IP, increment=True)
    if usage is not None and usage["should_limit"]:
        response["Retry-After"] = str(max(usage["time_left"], 1))
        return Status(429, {"error": "too_many_requests", "message": str(MSG_TOO_MANY)})
    return latest_payment_for_cnic(digits).as_json()

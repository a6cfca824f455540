"""The 8171 check for other systems: `POST /api/v1/eligibility/check` with `{"cnic": "…"}`.

Mounted on the platform's API by `ehsaas.api.urls` (so that it is described at /api/docs beside the DCI
endpoints). Refusals have one shape, `{"error": code, "message": text}`: 400 `invalid_cnic` for a
malformed CNIC, 400 `bad_request` for a body that is not `{"cnic": "…"}`, 429 `too_many_requests` (with
Retry-After) past the limit per address.
"""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from ehsaas.core.identity import InvalidIdentifier
from ehsaas.portal.cnic import parse_cnic
from ehsaas.portal.eligibility import eligibility_for_cnic
from ehsaas.portal.limits import TooManyChecks, count_check_from_address
from ehsaas.portal.messages import MSG_TOO_MANY

router = Router(tags=["Eligibility check (8171)"])

MSG_BAD_BODY = _('The body must be JSON such as {"cnic": "35202-1234567-1"}: %(problems)s')


class CheckRequest(Schema):
    cnic: str


class CheckAnswer(Schema):
    status: Literal["eligible", "not_eligible", "under_review", "not_registered"]
    programmes: list[str]
    message: str


class Refusal(Schema):
    error: Literal["invalid_cnic", "bad_request", "too_many_requests"]
    message: str


def refusal(code: str, message: str) -> dict:
    return {"error": code, "message": message}


@router.post(
    "/check",
    response={200: CheckAnswer, 400: Refusal, 429: Refusal},
    summary="Whether the household of a CNIC is eligible, in the words of the 8171 service",
    description=(
        "The CNIC is 13 digits, with or without dashes (35202-1234567-1). `programmes` holds the codes of "
        "the programmes the answer names; `message` says what the answer means and what happens next, in "
        "the language of Accept-Language (en or ur). Nothing else about the household is revealed."
    ),
)
def check(request: HttpRequest, body: CheckRequest, response: HttpResponse):
    try:
        digits = parse_cnic(body.cnic)
    except InvalidIdentifier as error:
        return Status(400, refusal("invalid_cnic", str(error)))
    try:
        count_check_from_address(request)
    except TooManyChecks as limited:
        response["Retry-After"] = str(limited.retry_after)
        return Status(429, refusal("too_many_requests", str(MSG_TOO_MANY)))
    return eligibility_for_cnic(digits).as_json()


def malformed_body(problems: str) -> dict:
    """The refusal of a body that is not `{"cnic": "…"}` (the API's exception handlers call this)."""
    return refusal("bad_request", MSG_BAD_BODY % {"problems": problems})

"""The platform's JSON API (django-ninja, OpenAPI at /api/docs): the DCI endpoints under
/api/dci/registry/, whose every refusal (a body that fails the schemas included) has the DCI error shape,
and the 8171 eligibility check under /api/v1/eligibility/, whose refusals have the portal's shape."""

from django.urls import path
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from ehsaas.api.dci import router as dci_router
from ehsaas.api.envelope import DciError, authenticate_envelope, error_body, json_response, read_envelope
from ehsaas.payments.apis import agent_router as collection_router
from ehsaas.payments.apis import tracking_router as payment_tracking_router
from ehsaas.portal.apis import malformed_body
from ehsaas.portal.apis import router as eligibility_router

api = NinjaAPI(
    title="Ehsaas API",
    version="1.0.0",
    description="The DCI Social Registry API (SPDCI v1.0.0) of the Ehsaas registry, and the 8171 "
    "eligibility check.",
    urls_namespace="api",
)
api.add_router("/dci/registry/", dci_router)
api.add_router("/v1/eligibility/", eligibility_router)
api.add_router("/v1/collection/", collection_router)
api.add_router("/v1/payments/", payment_tracking_router)
V1 = "/api/v1/"


def _problems(error: ValidationError, skip: int) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in e.get('loc', ())[skip:]) or 'body'}: {e.get('msg', '')}"
        for e in error.errors
    )


@api.exception_handler(DciError)
def dci_error(request, error: DciError):
    return json_response(error_body(error), status=error.status)


@api.exception_handler(ValidationError)
def malformed(request, error: ValidationError):
    """A body that fails the schemas. Who sent it is checked first: a stranger learns nothing about the
    shape we expect, and an unsigned message is refused as unsigned. The eligibility check is public:
    its refusal says what the body lacks."""
    if request.path_info.startswith(V1):
        return json_response(malformed_body(_problems(error, skip=1)), status=400)
    try:
        authenticate_envelope(read_envelope(request.body))
    except DciError as refused:
        return dci_error(request, refused)
    return dci_error(request, DciError("err.request.bad", _problems(error, skip=2)[:999]))


@api.exception_handler(HttpError)
def unreadable(request, error: HttpError):
    """A body ninja could not read (not JSON): the same checks, in the same order."""
    if request.path_info.startswith(V1):
        return json_response(malformed_body(str(error)), status=error.status_code)
    try:
        authenticate_envelope(read_envelope(request.body))
    except DciError as refused:
        return dci_error(request, refused)
    return dci_error(request, DciError("err.request.bad", str(error), error.status_code))


urlpatterns = [path("api/", api.urls)]

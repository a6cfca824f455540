"""The platform's JSON API (django-ninja, OpenAPI at /api/docs) with the DCI endpoints mounted under
/api/dci/registry/. Every refusal, including a body that fails the schemas, has the DCI error shape."""

from django.urls import path
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from ehsaas.api.dci import router as dci_router
from ehsaas.api.envelope import DciError, authenticate_envelope, error_body, json_response, read_envelope

api = NinjaAPI(
    title="Ehsaas API",
    version="1.0.0",
    description="The DCI Social Registry API (SPDCI v1.0.0) of the Ehsaas registry.",
    urls_namespace="api",
)
api.add_router("/dci/registry/", dci_router)


@api.exception_handler(DciError)
def dci_error(request, error: DciError):
    return json_response(error_body(error), status=error.status)


@api.exception_handler(ValidationError)
def malformed(request, error: ValidationError):
    """A body that fails the schemas. Who sent it is checked first: a stranger learns nothing about the
    shape we expect, and an unsigned message is refused as unsigned."""
    try:
        authenticate_envelope(read_envelope(request.body))
    except DciError as refused:
        return dci_error(request, refused)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in e.get('loc', ())[2:]) or 'body'}: {e.get('msg', '')}"
        for e in error.errors
    )
    return dci_error(request, DciError("err.request.bad", problems[:999]))


@api.exception_handler(HttpError)
def unreadable(request, error: HttpError):
    """A body ninja could not read (not JSON): the same checks, in the same order."""
    try:
        authenticate_envelope(read_envelope(request.body))
    except DciError as refused:
        return dci_error(request, refused)
    return dci_error(request, DciError("err.request.bad", str(error), error.status_code))


urlpatterns = [path("api/", api.urls)]

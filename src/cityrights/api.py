"""The JSON API at ``/api/v1/``: one NinjaAPI, one router per app.

Errors always come back as ``{"error": code, "reason": text}``, with ``field`` for a
refusal that concerns one input and ``details`` for validation problems, never as an
HTML page. A service's refusal (:class:`cityrights.core.errors.ServiceError`) is answered
here, once, with its own status: routes do not catch it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cityrights import __version__
from cityrights.assessment.api import router as assessment_router
from cityrights.capacity.api import router as capacity_router
from cityrights.consent.api import router as consent_router
from cityrights.core.api import router as core_router
from cityrights.core.api_auth import AUTH
from cityrights.core.errors import STATUS_CODES, STATUS_DESCRIPTIONS, ErrorOut, ServiceError
from cityrights.core.views.api_docs import DESCRIPTION as API_DESCRIPTION
from cityrights.impact.api import router as impact_router
from cityrights.participation.api import router as participation_router
from cityrights.register.api import router as register_router
from cityrights.reporting.api import router as reporting_router

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def declare_refusals(document: dict[str, Any]) -> None:
    """Declare, on every operation, each 4xx it can answer, all with the ``ErrorOut`` body.

    Ninja documents only what a route returns; refusals come from the handlers below and
    from :mod:`cityrights.core.input`, before or around the route. What any operation can
    answer follows from its shape: 400 (bad characters, unreadable body) always; 401 and
    403 when it needs authentication; 404 with path parameters; 413 and 415 with a body;
    422 with any input. Others (409, 429, a 404 without path parameters) a route declares
    with :func:`cityrights.core.errors.refusals`.
    """
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorOut"] = error_schema
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            statuses = {400}
            if operation.get("security"):
                statuses |= {401, 403}
            if any(p.get("in") == "path" for p in parameters):
                statuses.add(404)
            if "requestBody" in operation:
                statuses |= {413, 415, 422}
            if parameters:
                statuses.add(422)
            responses = operation.setdefault("responses", {})
            for code in [code for code in responses if not isinstance(code, str)]:
                responses[str(code)] = responses.pop(code)  # ninja's own keys are numbers
            statuses |= {int(code) for code in responses if code.startswith("4")}
            for status in sorted(statuses):
                declared = responses.setdefault(str(status), {})
                declared.setdefault("description", STATUS_DESCRIPTIONS[status])
                declared["content"] = {"application/json": {"schema": ERROR_REF}}


class CityrightsAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        declare_refusals(document)
        return document


api = CityrightsAPI(
    title="cityrights API",
    version=__version__,
    description=API_DESCRIPTION,
    auth=AUTH,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # our own server-rendered reference: cityrights.core.views.api_docs
)


#: A reason quotes at most this much: a refusal never echoes megabytes of input back.
MAX_REASON = 1000


def _bounded(reason: str) -> str:
    return reason if len(reason) <= MAX_REASON else reason[:MAX_REASON] + "…"


def error(request: HttpRequest, status: int, reason: str, **extra: object) -> HttpResponse:
    body = {"error": STATUS_CODES.get(status, "error"), "reason": _bounded(reason), **extra}
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {
            "location": _bounded(".".join(str(part) for part in item.get("loc", ()))),
            "message": _bounded(item.get("msg", "")),
        }
        for item in exc.errors[:20]
    ]
    summary = "; ".join(f"{d['location']}: {d['message']}" for d in details[:5])
    return error(request, 422, f"Invalid input: {summary}", details=details)


@api.exception_handler(ServiceError)
def _refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    body = exc.as_json()
    body["reason"] = _bounded(body["reason"])
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "Authentication required: log in or send a valid API key.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    text = str(exc)
    reason = text if text and "matches the given query" not in text else "Not found."
    return error(request, 404, reason)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, str(exc) or "Not allowed.")


api.add_router("/", core_router)
api.add_router("/assessment/", assessment_router)
api.add_router("/register/", register_router)
api.add_router("/consent/", consent_router)
api.add_router("/impact/", impact_router)
api.add_router("/capacity/", capacity_router)
api.add_router("/participation/", participation_router)
api.add_router("/reporting/", reporting_router)

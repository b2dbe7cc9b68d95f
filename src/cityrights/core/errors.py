"""One error for a refused change, answered the same way by the API and by pages.

Services refuse with :class:`ServiceError` (or an app's subclass of it): a machine
``code``, a ``message`` for people (translated when raised, in the language of the
request), the HTTP ``status`` that says what kind of refusal it is, and the form
``field`` it concerns when there is one. The service does not know whether a form or an
API client called it; the caller does not decide the status.

* The API has one exception handler (``cityrights.api``) that answers
  ``{"error": code, "reason": message, "field": field}`` with ``status``.
* A view calls :func:`refuse`, which puts the message next to its field on the form, or
  into the messages shown after a redirect, and returns the status to answer a
  re-rendered page with.

Statuses, so that the same refusal means the same everywhere:

===  ======================================================================
400  the request cannot be understood (malformed input, unknown parameter)
403  the person or key may not do this (role, separation of duties)
404  the thing does not exist for this caller (or belongs to another city)
409  not now: the state of the thing forbids it (already published, closed)
413  too large (a batch, a body, a file)
415  a content type the route does not take
422  understood, but a value is not acceptable (a missing note, an unknown term)
429  too many requests in a short time
===  ======================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.utils.translation import gettext_noop
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from django import forms
    from django.http import HttpRequest
    from django.utils.functional import Promise

#: The machine code of each status, used as ``error`` when a refusal names no code of its own.
STATUS_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
}

#: What a service may answer with (401 and 405 come from authentication and routing).
SERVICE_STATUSES = frozenset({400, 403, 404, 409, 413, 415, 422, 429})


class ServiceError(Exception):
    """A refused change: ``message`` for people, ``status`` and ``code`` for machines.

    Subclasses set a class-level ``status`` (and optionally ``code``) for a kind of
    refusal; one raise may override both, and name the form ``field`` it concerns::

        raise ServiceError(_("Describe the risk."), 422, "description")
    """

    status: int = 400
    code: str = ""

    def __init__(
        self,
        message: str | Promise,
        status: int | None = None,
        field: str | None = None,
        *,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        if status is not None:
            self.status = status
        if self.status not in SERVICE_STATUSES:
            raise ValueError(f"A service refuses with one of {sorted(SERVICE_STATUSES)}.")
        if code is not None:
            self.code = code
        elif not self.code:
            self.code = STATUS_CODES[self.status]
        self.field = field

    @property
    def message(self) -> str:
        return str(self.args[0])

    def __str__(self) -> str:
        return self.message

    def as_json(self) -> dict[str, Any]:
        """The API's body for this refusal."""
        return {"error": self.code, "reason": self.message, "field": self.field}


class ErrorDetail(BaseModel):
    location: str = Field(description="Where the problem is, e.g. body.payload.items.0.subject")
    message: str


class ErrorOut(BaseModel):
    """Every 4xx answer of the API (the OpenAPI document's ``ErrorOut``)."""

    error: str = Field(description="Machine code: " + ", ".join(sorted(set(STATUS_CODES.values()))))
    reason: str = Field(
        description="What went wrong, in plain words (at most about 1,000 characters)"
    )
    field: str | None = Field(default=None, description="The input the refusal is about, if one")
    details: list[ErrorDetail] | None = Field(
        default=None, description="Schema validation problems (422)"
    )
    limit: int | None = Field(default=None, description="The size limit in bytes (413)")


#: What each refusal status means in the OpenAPI document.
#: What each refusal means, in the OpenAPI document (English) and, translated when shown, on
#: the API reference page.
STATUS_DESCRIPTIONS = {
    400: gettext_noop("Malformed input, or text that cannot be stored (NUL): `field` names it"),
    401: gettext_noop("No session and no valid API key"),
    403: gettext_noop("Not allowed for this person or key"),
    404: gettext_noop("Not found, or not visible to the caller"),
    409: gettext_noop("Not possible in the current state"),
    413: gettext_noop("The body is larger than the limit (`limit`, in bytes)"),
    415: gettext_noop("The body is not JSON"),
    422: gettext_noop("A value is not acceptable: `field` or `details` say which"),
    429: gettext_noop("Too many requests; try again later"),
}


def refusals(*statuses: int) -> dict[str, Any]:
    """``openapi_extra`` of a route that can refuse with ``statuses`` beyond the usual ones.

    The API adds the usual ones itself (400, 401/403 with authentication, 404 with path
    parameters, 413/415 with a body, 422 with any input); a route names the others, e.g.
    ``@router.get(..., openapi_extra=refusals(409))``.
    """
    return {
        "responses": {
            str(status): {"description": STATUS_DESCRIPTIONS[status]} for status in statuses
        }
    }


def refuse(
    request: HttpRequest,
    error: ServiceError,
    *,
    form: forms.BaseForm | None = None,
    field: str | None = None,
) -> int:
    """Show a refusal to the person and return the status to answer the page with.

    With a ``form``, the message goes next to ``error.field`` when the form has that
    field, else next to ``field`` (the view's own choice) when given, else above the form.
    Without one, it becomes a message shown on the next page (after a redirect).
    """
    if form is None:
        messages.error(request, error.message)
    else:
        add_to_form(form, error, field=field)
    return error.status


def add_to_form(form: forms.BaseForm, error: ServiceError, *, field: str | None = None) -> None:
    """Put a refusal next to its field on ``form`` (see :func:`refuse`)."""
    target = next((name for name in (error.field, field) if name and name in form.fields), None)
    form.add_error(target, error.message)

"""Error pages in the city's theme, and JSON errors under ``/api/``."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..errors import STATUS_CODES
from ..models import Organisation


def _organisation_from_path(request: HttpRequest) -> Organisation | None:
    organisation = getattr(request, "organisation", None)
    if organisation is not None:
        return organisation
    parts = request.path.strip("/").split("/")
    if len(parts) >= 2 and parts[0] in {"cities", "manage"}:
        return Organisation.objects.filter(slug=parts[1], is_public=True).first()
    return None


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": STATUS_CODES[status], "reason": message}, status=status)
    # The error page shows the city's theme when the path names a public city; no view
    # ran, so this is the one place that sets the attribute on a plain request.
    request.organisation = _organisation_from_path(request)  # type: ignore[attr-defined]
    return render(
        request,
        "core/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


def refusal(
    request: HttpRequest, status: int, message: str, *, field: str | None = None, **extra: object
) -> HttpResponse:
    """A request refused before any view ran (see :mod:`cityrights.core.input`).

    Under ``/api/`` the body is the API's ``{"error", "reason", "field"}`` (with ``extra``,
    e.g. the ``limit`` of a 413); elsewhere the city's error page.
    """
    if request.path.startswith("/api/"):
        body = {"error": STATUS_CODES[status], "reason": message, "field": field, **extra}
        return JsonResponse(body, status=status)
    titles = {
        400: _("Bad request"),
        405: _("Not opened this way"),
        413: _("Too large"),
        415: _("Unsupported format"),
    }
    return _error(request, status, str(titles.get(status, _("Bad request"))), message)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else _("You may not open this page.")
    return _error(request, 403, _("Not allowed"), message)


#: What ``get_object_or_404`` says ("No Consultation matches the given query."): English, and
#: the name of a model, never a sentence for a visitor.
_LOOKUP_MISS = re.compile(r"No \w+ matches the given query\.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("We could not find this page. It may have moved or never existed.")
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        text = exception.args[0]
        # Django's own messages (the resolver's, which describe URL patterns, and
        # get_object_or_404's) are replaced by ours; the apps' own messages are kept.
        if (
            text
            and "tried" not in text
            and "resolve" not in text.lower()
            and not _LOOKUP_MISS.fullmatch(text)
        ):
            message = text
    return _error(request, 404, _("Page not found"), message)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: the city's page, in the visitor's words, instead of
    Django's technical page. The reason (a developer's sentence) goes to the log only."""
    return _error(
        request,
        403,
        _("The form could not be sent"),
        _(
            "For your safety this form is only accepted from its own page, within a while "
            "and with cookies allowed. Go back, reload the page and send the form again."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": "server_error", "reason": "An unexpected error occurred."}, status=500
        )
    return render(request, "core/500.html", status=500)

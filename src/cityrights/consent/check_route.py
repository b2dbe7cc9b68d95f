"""``POST /api/v1/consent/check`` without django-ninja's machinery on the usual answer.

The single check is the partner's hot path (issue 17: its latency should stay within 1.5 ×
a static JSON answer of the same server). Ninja's per-request work (its own URL list,
signature-driven parsing, authenticator objects, response negotiation) cost more CPU
than the check's one SQL statement, so this view, mounted in ``cityrights.urls`` just
before the API, answers the common case itself:

a JSON ``POST`` with a cached, active API key holding the ``consent:check`` scope in
``Authorization: Bearer …`` or ``X-API-Key``, and a body that the route's own pydantic model
(``consent.api.CheckIn``, compiled once) accepts and that names its subject by pseudonym.

:func:`answer` is also the address's API lane (``core.middleware.ApiLaneMiddleware``), so
the usual check skips the browser middlewares (sessions, CSRF, users, messages, the page
cache), which do nothing for a request that carries an API key.

It runs the same checks in the same order and calls the same ``partner_checks.decide``;
refusals raised there go through the API's own exception handlers, so their bodies are the
API's. Anything else (another method or content type, no key or one to look up or refuse,
input the model rejects, a subject named by an external identifier) goes to the ninja route
unchanged, which answers exactly as before: the route's documentation (OpenAPI), its
refusals and its validation messages stay ninja's.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver, get_resolver
from django.views.decorators.csrf import csrf_exempt

from cityrights.core.errors import ServiceError
from cityrights.core.models import ApiKey

from . import keycache, partner_checks
from .api import CheckIn, _iso, _item, answer_data

PATH = "api/v1/consent/check"
SCOPE = "consent:check"

_ninja_view: Any = None


def _ninja(request: HttpRequest) -> HttpResponse:
    """The ninja route of the same address (found once in the URL configuration)."""
    global _ninja_view
    if _ninja_view is None:
        for pattern in get_resolver().url_patterns:
            if isinstance(pattern, URLResolver) and str(pattern.pattern) == "api/v1/":
                _ninja_view = pattern.resolve(PATH).func
                break
        else:  # pragma: no cover - the API is always mounted
            raise LookupError("the API is not mounted at api/v1/")
    response: HttpResponse = _ninja_view(request)
    return response


def _key(request: HttpRequest) -> ApiKey | None:
    """The key of a cached, active entry, read from the headers as the route's authenticators
    read them (``Bearer`` first, then ``X-API-Key``); ``None`` when the cache has none."""
    meta = request.META
    header = meta.get("HTTP_AUTHORIZATION")
    if header:
        scheme, _space, token = header.partition(" ")
        if scheme.lower() == "bearer":
            key = keycache.cached(token)
            if key is not None:
                return key
    token = meta.get("HTTP_X_API_KEY")
    return keycache.cached(token) if token else None


def answer(request: HttpRequest) -> HttpResponse | None:
    """The usual check answered, ``None`` for any request it does not take.

    Registered as the address's API lane (``consent.apps``), so the usual check is answered
    before the browser middlewares; a ``None`` there sends the request through the whole
    stack to :func:`check`, which asks again and hands it to the ninja route."""
    if request.method != "POST" or request.content_type != "application/json":
        return None
    key = _key(request)
    if key is None or not key.has_scope(SCOPE):
        return None
    try:
        payload = CheckIn.model_validate_json(request.body)
    except pydantic.ValidationError:
        return None  # the API's 422, with ninja's field locations
    if not payload.subject or payload.identifier is not None:
        return None
    try:
        decided = partner_checks.decide(key, [_item(payload)])[0]
    except ServiceError as exc:
        from cityrights.api import api  # the API module imports this app's routes

        return api.on_exception(request, exc)
    body = json.dumps(answer_data(decided, _iso(decided.checked_at)))
    return HttpResponse(body, content_type="application/json")


@csrf_exempt  # API keys only, never a browser session (as every ninja route)
def check(request: HttpRequest) -> HttpResponse:
    return answer(request) or _ninja(request)

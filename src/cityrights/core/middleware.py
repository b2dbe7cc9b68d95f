"""HTTP middleware of the core app."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .input import passes_unread
from .registry import registry


class ContentSecurityPolicyMiddleware:
    """Send ``Content-Security-Policy`` built from ``settings.CITYRIGHTS_CSP``, and
    ``Permissions-Policy`` from ``settings.CITYRIGHTS_PERMISSIONS_POLICY``.

    Pages use no inline script or style, so the policy allows only our origin.
    A view can relax it for itself by setting ``response.csp_extra``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = self._build(settings.CITYRIGHTS_CSP)
        self.permissions = settings.CITYRIGHTS_PERMISSIONS_POLICY

    @staticmethod
    def _build(policy: dict[str, list[str]]) -> str:
        return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        extra: dict[str, list[str]] | None = getattr(response, "csp_extra", None)
        if extra:
            policy = {k: list(v) for k, v in settings.CITYRIGHTS_CSP.items()}
            for name, values in extra.items():
                policy.setdefault(name, []).extend(values)
            response.headers.setdefault("Content-Security-Policy", self._build(policy))
        else:
            response.headers.setdefault("Content-Security-Policy", self.header)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


class ApiHeadMiddleware:
    """Answer ``HEAD`` on the JSON API as its ``GET`` would, without the body.

    Django views take HEAD through ``require_safe``; django-ninja routes by exact method and
    would answer 405, which link checkers and uptime monitors read as a broken address. The
    route runs as GET (a GET route has no side effects) and only the headers go back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "HEAD" or not request.path.startswith("/api/"):
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = []  # type: ignore[attr-defined]
        else:
            length = len(response.content)
            response.content = b""
            response.headers["Content-Length"] = str(length)
        return response


class ApiLaneMiddleware:
    """Let an app answer a machine-to-machine address before the browser middlewares.

    A partner's request carries an API key: no session, CSRF token, logged-in user, flash
    message or page cache applies to it, yet those middlewares cost about a quarter of a
    millisecond on every request, as much as the consent check's own statement
    (docs/consent.md, "How the check routes are kept fast"). An app registers a handler for
    one exact path (``registry.add_api_lane``); this middleware, placed after the security and
    content policy headers, asks it first. ``None`` from the handler sends the request on through
    the whole stack to its URL's view, unchanged.

    What the skipped middlewares do that matters to such a request is done here, or the
    request takes the whole stack:

    * the ``Host`` header is checked against ``ALLOWED_HOSTS`` (``CommonMiddleware``), and
      settings that make that middleware do more (``DISALLOWED_USER_AGENTS``,
      ``PREPEND_WWW``) send every request through it;
    * a query string, a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``, a body that is not JSON
      or a JSON body with a character the database cannot store go through the whole stack,
      so ``InputGuardMiddleware`` refuses them as it refuses them everywhere;
    * the request's language is chosen and active while the handler runs, and the answer
      says which (``Content-Language``, ``Vary: Accept-Language``), as ``LocaleMiddleware``
      does;
    * the answer carries ``X-Frame-Options`` (``XFrameOptionsMiddleware``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        handler = registry.api_lanes.get(request.path_info)
        if handler is None or not self._takes(request):
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        translation.activate(language)
        try:
            response = handler(request)
        finally:
            translation.deactivate()
        if response is None:
            return self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response

    @staticmethod
    def _takes(request: HttpRequest) -> bool:
        """Whether nothing in the request needs a middleware the lane skips."""
        if settings.DISALLOWED_USER_AGENTS or settings.PREPEND_WWW:
            return False
        request.get_host()  # DisallowedHost: Django's 400, as on every other address
        return passes_unread(request)

"""HTTP middleware of the core app."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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

"""Pages anyone can open: the list of cities, a city's public home, theme and health."""

from __future__ import annotations

import mimetypes
import os
import time

from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .. import signing
from ..colours import readable_text_colour
from ..models import Organisation
from ..registry import registry
from ..tenancy import OrgRequest, get_organisation, org_view


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    cities = Organisation.objects.cities().public()
    my_orgs = []
    if request.user.is_authenticated:
        my_orgs = [m.organisation for m in request.user.memberships.select_related("organisation")]
    return render(request, "core/home.html", {"cities": cities, "my_orgs": my_orgs})


@require_safe
@org_view()
def city_home(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    sections = []
    for provider in registry.public_sections:
        section = provider(request, organisation)
        if section is not None:
            sections.append(section)
    sections.sort(key=lambda section: section.order)
    return render(request, "core/city_home.html", {"sections": sections})


@require_safe
@cache_control(max_age=300, public=True)
def theme_css(request: HttpRequest, org: str) -> HttpResponse:
    """The city's colours as CSS custom properties (a file, so no inline style is needed)."""
    organisation = get_organisation(org)
    css = (
        ":root{"
        f"--colour-primary:{organisation.primary_colour};"
        f"--colour-on-primary:{readable_text_colour(organisation.primary_colour)};"
        f"--colour-accent:{organisation.accent_colour};"
        f"--colour-on-accent:{readable_text_colour(organisation.accent_colour)};"
        "}"
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@require_safe
@cache_control(max_age=3600, public=True)
def logo(request: HttpRequest, org: str) -> FileResponse:
    organisation = get_organisation(org)
    if not organisation.logo:
        raise Http404(_("This organisation has no logo."))
    content_type, _encoding = mimetypes.guess_type(organisation.logo.name or "")
    response = FileResponse(organisation.logo.open("rb"), content_type=content_type)
    # An SVG is a document that can carry script. Shown by <img> it never runs; opened
    # directly it is downloaded, not displayed (browsers ignore the disposition of an
    # image a page embeds), and the policy sandboxes it should a browser display it anyway.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if content_type == "image/svg+xml":
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{organisation.slug}-logo.svg"'
        )
    return response


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check. Says nothing about people. (``/readyz`` checks more.)"""
    if not _database_answers():
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def _cache_answers() -> bool:
    """A value written to the shared cache reads back (sessions' throttles, the page cache)."""
    key = f"cityrights:readyz:{os.getpid()}"
    try:
        written = str(time.monotonic_ns())
        cache.set(key, written, 30)
        return bool(cache.get(key) == written)
    except Exception:
        return False


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Whether this process can serve: the database, the shared cache and the key files.

    ``/healthz`` asks the database only (and is the floor of the load benchmark); a load
    balancer should send traffic only where this answers 200. A missing key file would make
    consent checks answer "no consent on record": the process is not ready, it is misplaced.
    """
    parts = {
        "database": "ok" if _database_answers() else "unavailable",
        "cache": "ok" if _cache_answers() else "unavailable",
        # Where keys are made on first use (development), a missing one is not a fault.
        "keys": "ok" if signing.may_create_keys() or not signing.missing_key_files() else "missing",
    }
    ready = all(value == "ok" for value in parts.values())
    return JsonResponse(
        {"status": "ok" if ready else "error", **parts}, status=200 if ready else 503
    )

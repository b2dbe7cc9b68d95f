"""API authentication and authorisation shared by every app's router.

People use their browser session (with CSRF protection); software uses an
organisation's API key as ``Authorization: Bearer crk_…`` or ``X-API-Key``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from .models import ApiKey, Organisation, User
from .permissions import can

# Which key scope stands in for which capability when software calls.
SCOPE_FOR_CAPABILITY = {"view": "read", "edit": "write", "review": "write", "manage": "write"}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person (``user``) or an organisation's software (``key``)."""

    user: User | None = None
    key: ApiKey | None = None

    @property
    def organisation(self) -> Organisation | None:
        return self.key.organisation if self.key else None


class BearerKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        return _authenticate_key(token)


class HeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        return _authenticate_key(key or "")


class Session(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        if request.user.is_authenticated:
            return Principal(user=request.user)
        return None


def _authenticate_key(token: str) -> Principal | None:
    key = ApiKey.authenticate(token)
    if key is None:
        return None
    key.touch()
    return Principal(key=key)


AUTH: list[Any] = [BearerKey(), HeaderKey(), Session()]


def principal(request: HttpRequest) -> Principal:
    auth = getattr(request, "auth", None)
    if not isinstance(auth, Principal):
        raise HttpError(401, "Authentication required: log in or send an API key.")
    return auth


def require(request: HttpRequest, organisation: Organisation, capability: str) -> Principal:
    """Refuse with 403 unless the caller may use ``capability`` in ``organisation``."""
    who = principal(request)
    if who.user is not None:
        if can(who.user, organisation, capability):
            return who
    elif who.key is not None:
        scope = SCOPE_FOR_CAPABILITY[capability]
        if who.key.organisation_id == organisation.pk and who.key.has_scope(scope):
            return who
    raise HttpError(403, f"Not allowed to {capability} in this organisation.")


def require_scope(request: HttpRequest, scope: str) -> ApiKey:
    """For machine-only routes: the caller must present a key with ``scope``."""
    who = principal(request)
    if who.key is None or not who.key.has_scope(scope):
        raise HttpError(403, f"This route needs an API key with the '{scope}' scope.")
    return who.key

"""A short-lived, per-process cache of API keys for the consent-check routes.

The check API is the hot path for partners (target: 5 ms per check). The core
authentication reads the key row, its organisation and the city on every
request; here the verified key is remembered for :data:`TTL` seconds, keyed
by a SHA-256 of the whole token (so a wrong secret never matches a cached
entry). What that means for revocation: a revoked key keeps working for at
most ``TTL`` seconds in each server process. Expiry (``expires_at``) is
checked on every request from the cached row, so it is exact.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from cityrights.core.api_auth import Principal
from cityrights.core.models import ApiKey

TTL = 5.0  # seconds a revoked key may still be accepted by one server process
MAX_ENTRIES = 10_000

_cache: dict[bytes, tuple[float, ApiKey]] = {}


def forget() -> None:
    """Drop every cached key (tests, and after revoking keys in this process)."""
    _cache.clear()


def authenticate(token: str) -> Principal | None:
    digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
    now = time.monotonic()
    entry = _cache.get(digest)
    if entry is not None and entry[0] > now:
        key = entry[1]
    else:
        key = ApiKey.authenticate(token)
        if key is None:
            _cache.pop(digest, None)
            return None
        key.organisation.tenant  # noqa: B018 - load the city once, with the key
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[digest] = (now + TTL, key)
    if not key.is_active:  # expired since it was cached
        _cache.pop(digest, None)
        return None
    key.touch()  # writes at most once a minute
    return Principal(key=key)


class CachedBearerKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        return authenticate(token)


class CachedHeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        return authenticate(key or "")


AUTH: list[Any] = [CachedBearerKey(), CachedHeaderKey()]

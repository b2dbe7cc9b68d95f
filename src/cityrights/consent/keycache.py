"""A short-lived, per-process cache of API keys for the consent-check routes.

The check API is the hot path for partners (target: 5 ms per check). The core
authentication reads the key row, its organisation and the city on every
request; here the verified key is remembered for :data:`TTL` seconds, keyed
by a SHA-256 of the whole token (so a wrong secret never matches a cached
entry). What that means for revocation: a key revoked elsewhere keeps working
for at most ``TTL`` seconds in each server process; the process that revokes it
(the staff pages save the key, see ``consent.apps``) forgets its keys at once.
Expiry (``expires_at``) is checked on every request from the cached row, so it
is exact.

The cache is ``cachetools.TTLCache`` (expiry and a size bound, least recently
used entries go first) behind a lock, since server threads share it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from cachetools import TTLCache
from django.http import HttpRequest
from ninja.security import APIKeyHeader, HttpBearer

from cityrights.core.api_auth import Principal
from cityrights.core.models import ApiKey

TTL = 5.0  # seconds a revoked key may still be accepted by one server process
MAX_ENTRIES = 10_000


def _now() -> float:
    return time.monotonic()  # looked up at each call, so tests can move the clock


_cache: TTLCache[bytes, ApiKey] = TTLCache(maxsize=MAX_ENTRIES, ttl=TTL, timer=_now)
_lock = threading.Lock()


def forget() -> None:
    """Drop every cached key (tests, and after revoking keys in this process)."""
    with _lock:
        _cache.clear()


def authenticate(token: str) -> Principal | None:
    digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
    with _lock:
        key = _cache.get(digest)
    if key is None:
        key = ApiKey.authenticate(token)
        if key is None:
            return None
        key.organisation.tenant  # noqa: B018 - load the city once, with the key
        with _lock:
            _cache[digest] = key
    if not key.is_active:  # expired since it was cached
        with _lock:
            _cache.pop(digest, None)
        return None
    key.touch()  # writes at most once a minute
    return Principal(key=key)


def cached(token: str) -> ApiKey | None:
    """The key of ``token`` when this process has it cached and it is active, else ``None``;
    never reads the database (the check route's fast path, ``consent.check_route``: a miss
    goes to :func:`authenticate` through the ninja route)."""
    digest = hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
    with _lock:
        key = _cache.get(digest)
    if key is None or not key.is_active:
        return None
    key.touch()  # writes at most once a minute
    return key


class CachedBearerKey(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        return authenticate(token)


class CachedHeaderKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        return authenticate(key or "")


AUTH: list[Any] = [CachedBearerKey(), CachedHeaderKey()]

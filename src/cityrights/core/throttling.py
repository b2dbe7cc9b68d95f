"""Slow down password guessing: a cool-down after repeated failed log-ins.

Counters live in the cache, keyed by a hash of the account name and, separately,
of the client address, so neither appears in the cache in clear text.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value}".encode()).hexdigest()[:32]
    return f"cityrights:login:{kind}:{digest}"


def _keys(username: str, client: str) -> list[str]:
    return [_key("user", username.strip().lower()), _key("client", client)]


def is_locked(username: str, client: str) -> bool:
    limit = settings.CITYRIGHTS_LOGIN_MAX_FAILURES
    user_key, client_key = _keys(username, client)
    return (cache.get(user_key) or 0) >= limit or (cache.get(client_key) or 0) >= limit * 4


def register_failure(username: str, client: str) -> None:
    timeout = settings.CITYRIGHTS_LOGIN_LOCKOUT_SECONDS
    for key in _keys(username, client):
        if cache.add(key, 1, timeout):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout)


def reset(username: str, client: str) -> None:
    cache.delete(_keys(username, client)[0])


def client_address(meta: dict[str, str]) -> str:
    """The client's address; behind ``CITYRIGHTS_TRUSTED_PROXIES`` proxies, from X-Forwarded-For."""
    proxies = settings.CITYRIGHTS_TRUSTED_PROXIES
    if proxies:
        hops = [
            hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies]
    return meta.get("REMOTE_ADDR", "") or "unknown"


def _rate_key(scope: str, identity: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{identity}".encode()).hexdigest()[:32]
    return f"cityrights:rate:{scope}:{digest}"


def allow(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``identity`` at ``scope``; False once more than ``limit`` fall
    within ``window`` seconds of the first (a fixed window, shared by all workers through
    the cache). ``identity`` is hashed, so no address or account name is stored in clear.
    """
    key = _rate_key(scope, identity)
    if cache.add(key, 1, window):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit

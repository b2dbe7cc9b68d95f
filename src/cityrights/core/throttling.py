"""Counting attempts in the cache shared by every worker: rate limits and log-in throttling.

One counter serves every app (log-ins here, residents' questions in the register,
contributions in participation). A count belongs to a *scope* (what is counted) and an
*identity* (who: a client address, an account, both). Identities are stored only as a
hash keyed with ``SECRET_KEY``, so no address or account name is ever in the cache in
clear.

Two kinds of window:

* **fixed** (``sliding=False``, rate limits): at most so many per window, counted in
  windows aligned to the clock, as django-ratelimit does;
* **sliding** (``sliding=True``, failures): the count lapses ``window`` seconds after
  the latest hit.

Django's database cache (the production default without Redis) implements ``incr`` as
a read and a write with the *default* timeout, which would cut every window to five
minutes; each hit therefore sets the key's expiry itself. There, two hits at the same
instant may count once; Redis counts atomically.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _key(scope: str, identity: str, window: int, sliding: bool, now: float) -> tuple[str, int]:
    """The cache key of a count and how many seconds it has left to live."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{identity}".encode()).hexdigest()
    base = f"cityrights:count:{scope}:{digest[:32]}"
    if sliding:
        return base, window
    bucket = int(now // window)
    return f"{base}:{bucket}", max(1, int((bucket + 1) * window - now))


def hit(
    scope: str, identity: str, *, window: int, sliding: bool = False, now: float | None = None
) -> int:
    """Count one more attempt and return the count in the current window."""
    key, ttl = _key(scope, identity, window, sliding, time.time() if now is None else now)
    if cache.add(key, 1, ttl):
        return 1
    try:
        count = int(cache.incr(key))
    except ValueError:  # lapsed between add and incr
        cache.set(key, 1, ttl)
        return 1
    cache.touch(key, ttl)
    return count


def count(
    scope: str, identity: str, *, window: int, sliding: bool = False, now: float | None = None
) -> int:
    """The count in the current window, without adding to it."""
    key, _ttl = _key(scope, identity, window, sliding, time.time() if now is None else now)
    return int(cache.get(key) or 0)


def clear(
    scope: str, identity: str, *, window: int, sliding: bool = False, now: float | None = None
) -> None:
    key, _ttl = _key(scope, identity, window, sliding, time.time() if now is None else now)
    cache.delete(key)


def allow(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt of ``identity`` at ``scope``; False once more than ``limit`` fall
    in the current fixed window of ``window`` seconds.
    """
    return hit(scope, identity, window=window) <= limit


# --- log-in ---------------------------------------------------------------------------------


def _login_identities(username: str, client: str) -> list[tuple[str, str]]:
    return [("login-user", username.strip().lower()), ("login-client", client)]


def is_locked(username: str, client: str) -> bool:
    limit = settings.CITYRIGHTS_LOGIN_MAX_FAILURES
    window = settings.CITYRIGHTS_LOGIN_LOCKOUT_SECONDS
    (user_scope, user), (client_scope, address) = _login_identities(username, client)
    return (
        count(user_scope, user, window=window, sliding=True) >= limit
        or count(client_scope, address, window=window, sliding=True) >= limit * 4
    )


def register_failure(username: str, client: str) -> None:
    window = settings.CITYRIGHTS_LOGIN_LOCKOUT_SECONDS
    for scope, identity in _login_identities(username, client):
        hit(scope, identity, window=window, sliding=True)


def reset(username: str, client: str) -> None:
    scope, identity = _login_identities(username, client)[0]
    clear(scope, identity, window=settings.CITYRIGHTS_LOGIN_LOCKOUT_SECONDS, sliding=True)


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

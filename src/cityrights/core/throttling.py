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
import math
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse


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
#
# A wrong password costs a delay that grows with the failures of one account *from one
# place*: an address, or a known device (a signed cookie set by a successful log-in on it).
# Nobody can lock someone else's account, one guesser behind a NAT does not slow down
# the others behind it, and the owner on their own device never waits longer than
# ``device_max_delay`` seconds, whatever anyone else tries.


@dataclass(frozen=True)
class LoginPolicy:
    """How long to wait after failed log-ins. ``delay`` is the whole rule."""

    free_failures: int = 3  # failures without any delay
    max_delay: int = 900  # cap from an address
    device_max_delay: int = 30  # cap from a known device
    memory: int = 86_400  # failures are forgotten this long after the latest one

    @classmethod
    def from_settings(cls) -> LoginPolicy:
        return cls(
            free_failures=settings.CITYRIGHTS_LOGIN_FREE_FAILURES,
            max_delay=settings.CITYRIGHTS_LOGIN_MAX_DELAY_SECONDS,
            device_max_delay=settings.CITYRIGHTS_LOGIN_DEVICE_MAX_DELAY_SECONDS,
            memory=settings.CITYRIGHTS_LOGIN_MEMORY_SECONDS,
        )

    def delay(self, failures: int, *, known_device: bool = False) -> int:
        """Seconds to wait after ``failures`` failures in a row from one place.

        None for the first ``free_failures - 1``; then 1, 2, 4, 8 … seconds, up to the cap
        (``device_max_delay`` from a known device, ``max_delay`` otherwise).
        """
        cap = self.device_max_delay if known_device else self.max_delay
        excess = failures - self.free_failures
        if excess < 0:
            return 0
        return min(cap, 2 ** min(excess, 40))


@dataclass(frozen=True)
class LoginAttempt:
    """Who tries to log in to which account from where. ``device`` is a known device's id."""

    account: str
    client: str
    device: str = ""

    @property
    def place(self) -> tuple[str, str]:
        """The (scope, identity) whose failures count for this attempt."""
        account = self.account.strip().lower()
        if self.device:
            return "login-device", f"{account}\x00{self.device}"
        return "login", f"{account}\x00{self.client}"


def _until_key(attempt: LoginAttempt) -> str:
    scope, identity = attempt.place
    return _key(f"{scope}-until", identity, 1, True, 0.0)[0]


def _remaining(until: float | None, now: float) -> int:
    return max(0, math.ceil(until - now)) if until is not None else 0


def login_begin(
    attempt: LoginAttempt, *, policy: LoginPolicy | None = None, now: float | None = None
) -> int:
    """0 when the password may be checked now, else the seconds this place must still wait.

    An attempt let through counts as a failure until :func:`login_succeeded` says
    otherwise, and claims the delay that follows it *before* the password is checked, so
    a burst of simultaneous guesses gets one check per delay, not one per request.
    """
    policy = policy or LoginPolicy.from_settings()
    now = time.time() if now is None else now
    marker = _until_key(attempt)
    wait = _remaining(cache.get(marker), now)
    if wait:
        return wait
    scope, identity = attempt.place
    failures = hit(scope, identity, window=policy.memory, sliding=True, now=now)
    delay = policy.delay(failures, known_device=bool(attempt.device))
    if delay and not cache.add(marker, now + delay, delay + 1):
        wait = _remaining(cache.get(marker), now)
        if wait:  # a simultaneous attempt claimed this turn
            return wait
        cache.set(marker, now + delay, delay + 1)
    return 0


def login_succeeded(attempt: LoginAttempt, *, policy: LoginPolicy | None = None) -> None:
    """A right password: this place starts again from zero."""
    policy = policy or LoginPolicy.from_settings()
    scope, identity = attempt.place
    clear(scope, identity, window=policy.memory, sliding=True)
    cache.delete(_until_key(attempt))


DEVICE_SALT = "cityrights.core.throttling.known-device"


def _device_cookie(account: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:device:{account.strip().lower()}".encode())
    return f"cityrights_device_{digest.hexdigest()[:16]}"


def known_device(request: HttpRequest, account: str) -> str:
    """This browser's id if it logged in to ``account`` before (a signed cookie), else ''."""
    value = request.get_signed_cookie(
        _device_cookie(account),
        default="",
        salt=DEVICE_SALT,
        max_age=settings.CITYRIGHTS_LOGIN_DEVICE_DAYS * 86_400,
    )
    return str(value)


def remember_device(request: HttpRequest, response: HttpResponse, account: str) -> None:
    """After a successful log-in: this browser is a known device of ``account`` (for a year).

    The cookie holds a random id, signed; its name is a keyed hash of the account, so it
    says nothing about who logged in, and only that account's attempts look for it.
    """
    device = known_device(request, account) or secrets.token_urlsafe(16)
    response.set_signed_cookie(
        _device_cookie(account),
        device,
        salt=DEVICE_SALT,
        max_age=settings.CITYRIGHTS_LOGIN_DEVICE_DAYS * 86_400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


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

"""The one attempt counter of core.throttling: fixed and sliding windows, hashed identities."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.core import throttling


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_fixed_window_counts_until_the_window_turns():
    window = 3600
    start = 7200.0  # the start of a clock hour
    for expected in (1, 2, 3):
        assert throttling.hit("s", "a", window=window, now=start + expected) == expected
    assert throttling.count("s", "a", window=window, now=start + 3599) == 3
    assert throttling.count("s", "a", window=window, now=start + 3600) == 0
    assert throttling.hit("s", "a", window=window, now=start + 3600) == 1


def test_scopes_and_identities_are_counted_apart():
    throttling.hit("s", "a", window=60)
    throttling.hit("s", "a", window=60)
    assert throttling.count("s", "b", window=60) == 0
    assert throttling.count("t", "a", window=60) == 0
    throttling.clear("s", "a", window=60)
    assert throttling.count("s", "a", window=60) == 0


def test_allow_refuses_past_the_limit():
    assert [throttling.allow("q", "x", limit=2, window=60) for _ in range(4)] == [
        True,
        True,
        False,
        False,
    ]


def test_identities_are_stored_hashed_only():
    throttling.hit("login", "ann@example.org\x00192.0.2.7", window=60, sliding=True)
    keys = [k for k in cache._cache if "cityrights:count" in k]  # type: ignore[attr-defined]
    assert keys
    assert not any("ann" in k or "192.0.2.7" in k for k in keys)


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_keeps_the_whole_window():
    # Django's database cache writes incr() with its default five-minute timeout.
    from django.core.management import call_command

    config = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "db": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cityrights_cache_test",
        },
    }
    with override_settings(CACHES=config):
        call_command("createcachetable", "cityrights_cache_test", verbosity=0)
        database = caches["db"]
        original = throttling.cache
        throttling.cache = database  # type: ignore[assignment]
        try:
            from django.db import connection

            def expiry():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT expires FROM cityrights_cache_test")
                    return cursor.fetchone()[0]

            now = 36_000.0  # the start of an hour: the window has 3,600 s to run
            throttling.hit("w", "a", window=3600, now=now)
            first = expiry()
            throttling.hit("w", "a", window=3600, now=now)
            throttling.hit("w", "a", window=3600, now=now)
            key, _ttl = throttling._key("w", "a", 3600, False, now)
            assert database.get(key) == 3
            # Still the end of the hour, not five minutes after the last hit.
            assert abs((expiry() - first).total_seconds()) < 60
        finally:
            throttling.cache = original  # type: ignore[assignment]
            database.clear()


@settings(max_examples=50, deadline=None)
@given(
    window=st.integers(min_value=1, max_value=10_000),
    offsets=st.lists(st.floats(min_value=0, max_value=50_000), min_size=1, max_size=30),
)
def test_a_fixed_window_never_counts_more_than_its_own_hits(window, offsets):
    cache.clear()
    times = sorted(offsets)
    for index, moment in enumerate(times):
        counted = throttling.hit("p", "who", window=window, now=moment)
        same_window = [t for t in times[: index + 1] if int(t // window) == int(moment // window)]
        assert counted == len(same_window)


# --- the log-in rule ------------------------------------------------------------------------

policies = st.builds(
    throttling.LoginPolicy,
    free_failures=st.integers(min_value=1, max_value=6),
    max_delay=st.integers(min_value=30, max_value=3600),
    device_max_delay=st.integers(min_value=1, max_value=30),
    memory=st.just(86_400),
)


@given(policies, st.integers(min_value=0, max_value=200), st.booleans())
def test_the_delay_grows_never_shrinks_and_stays_under_its_cap(policy, failures, device):
    delay = policy.delay(failures, known_device=device)
    cap = policy.device_max_delay if device else policy.max_delay
    assert 0 <= delay <= cap
    assert delay <= policy.delay(failures + 1, known_device=device)
    assert (delay == 0) == (failures < policy.free_failures)
    assert policy.delay(failures, known_device=True) <= policy.delay(failures)


PLACES = {
    "attacker A": throttling.LoginAttempt("ann@example.org", "198.51.100.1"),
    "attacker B": throttling.LoginAttempt("ann@example.org", "198.51.100.2"),
    "same NAT": throttling.LoginAttempt("ann@example.org", "192.0.2.9"),
    "neighbour": throttling.LoginAttempt("bob@example.org", "192.0.2.9"),
    "owner's device": throttling.LoginAttempt("ann@example.org", "192.0.2.9", device="dev-1"),
}


class Model:
    """The rule, written as plainly as possible, per place."""

    def __init__(self, policy: throttling.LoginPolicy) -> None:
        self.policy = policy
        self.failures: dict[str, int] = {}
        self.until: dict[str, float] = {}

    def attempt(self, place: str, correct: bool, now: float) -> int:
        import math

        if self.until.get(place, 0) > now:
            return math.ceil(self.until[place] - now)
        failures = self.failures.get(place, 0) + 1
        self.failures[place] = failures
        delay = self.policy.delay(failures, known_device=bool(PLACES[place].device))
        if delay:
            self.until[place] = now + delay
        if correct:
            self.failures[place] = 0
            self.until.pop(place, None)
        return 0


@settings(max_examples=150, deadline=None)
@given(
    policies,
    st.lists(
        st.tuples(
            st.sampled_from(sorted(PLACES)),
            st.booleans(),
            st.floats(min_value=0, max_value=1500, allow_nan=False),
        ),
        max_size=40,
    ),
)
def test_login_throttling_follows_the_rule_place_by_place(policy, actions):
    """Any mix of guessers, the same NAT, a neighbour and the owner's device: each place's
    wait is what its own history alone gives, a known device never waits longer than its
    short cap, and the owner's right password from the device gets in after that wait."""
    cache.clear()
    model = Model(policy)
    now = 1_000_000.0
    for place, correct, pause in actions:
        now += pause
        correct = correct and place in {"owner's device", "neighbour"}  # guessers are wrong
        attempt = PLACES[place]
        wait = throttling.login_begin(attempt, policy=policy, now=now)
        if wait == 0 and correct:
            throttling.login_succeeded(attempt, policy=policy)
        assert wait == model.attempt(place, correct, now)
        cap = policy.device_max_delay if attempt.device else policy.max_delay
        assert wait <= cap

    owner = PLACES["owner's device"]
    wait = throttling.login_begin(owner, policy=policy, now=now)
    assert wait <= policy.device_max_delay
    if wait:
        assert throttling.login_begin(owner, policy=policy, now=now + wait) == 0


@settings(max_examples=100, deadline=None)
@given(policies, st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), max_size=60))
def test_a_guesser_gets_one_check_per_delay(policy, pauses):
    """However a guesser times their tries, the k-th and (k+1)-th password checks from one
    place lie at least delay(k) apart."""
    cache.clear()
    guesser = PLACES["attacker A"]
    now, checks = 0.0, []
    for pause in pauses:
        now += pause
        if throttling.login_begin(guesser, policy=policy, now=now) == 0:
            checks.append(now)
    for k in range(1, len(checks)):
        assert checks[k] - checks[k - 1] >= policy.delay(k) - 1e-6

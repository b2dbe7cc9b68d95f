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

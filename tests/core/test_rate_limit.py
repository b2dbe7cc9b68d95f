"""Rate counting shared by the apps: a fixed window per scope and hashed identity."""

from __future__ import annotations

from django.core.cache import cache

from cityrights.core import throttling


def test_attempts_beyond_the_limit_are_refused_and_scopes_are_counted_apart():
    cache.clear()
    assert [throttling.allow("comment", "1.2.3.4", limit=3, window=60) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert throttling.allow("report", "1.2.3.4", limit=3, window=60)
    assert throttling.allow("comment", "5.6.7.8", limit=3, window=60)


def test_the_identity_is_not_stored_in_clear():
    cache.clear()
    throttling.allow("comment", "someone@example.org", limit=3, window=60)
    keys = [key for key in cache._cache if "cityrights:count:comment" in key]  # type: ignore[attr-defined]
    assert len(keys) == 1
    assert "someone" not in keys[0] and "example" not in keys[0]

"""Helpers of the reporting tests: a full past year, local times, English messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

#: The year the section tests describe: last year, complete whatever today's date.
YEAR = timezone.localdate().year - 1


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """An aware time in the site's zone (Europe/Brussels), for records near year boundaries."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def in_year(moment: datetime | None, year: int = YEAR) -> bool:
    """Whether ``moment`` falls in ``year`` as people in the city count it (local time)."""
    return moment is not None and timezone.localtime(moment).year == year


def figures(section: Any) -> dict[str, Any]:
    return {figure.key: figure.value for figure in section.figures}


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    """Each test signs with its own key in a temporary folder."""
    from cityrights.core import signing

    settings.CITYRIGHTS_KEY_DIR = str(tmp_path / "keys")
    signing.forget_cached_keys()
    yield
    signing.forget_cached_keys()

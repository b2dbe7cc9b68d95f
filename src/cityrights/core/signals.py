"""Signal handlers of the core app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command


def create_cache_table(**kwargs: Any) -> None:
    """Create the database cache table when the database cache is configured.

    Production falls back to the database cache so that login throttling is
    shared by all workers; operators should not need a separate step for it.
    """
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("DatabaseCache"):
        call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)

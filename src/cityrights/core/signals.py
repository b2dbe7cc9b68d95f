"""Signal handlers of the core app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps as django_apps
from django.apps.registry import Apps
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


def refresh_content_after_migrate(model: str, refresh: Callable[[], object]) -> Callable[..., None]:
    """A ``post_migrate`` handler that calls ``refresh`` once ``model`` has a snapshot hash.

    Apps with versioned content files (``app_label.ModelName`` keeps their snapshots)
    connect one in ``ready()`` so that every ``migrate`` gives stored shipped versions the
    translations of their files. Skipped while the migration state lacks the field
    (migrating backwards, or before the migration that adds it).
    """
    app_label, model_name = model.split(".")

    def handler(*, apps: Apps | None = None, **kwargs: Any) -> None:
        try:
            found = (apps or django_apps).get_model(app_label, model_name)
        except LookupError:
            return
        if "snapshot_hash" in {field.name for field in found._meta.get_fields()}:
            refresh()

    return handler

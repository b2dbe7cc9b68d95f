"""``cityrights purge-public-cache``: render every cached public page again on its next visit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cityrights.core import publiccache


class Command(BaseCommand):
    help = (
        "Raise the content version of the public pages, so that every worker renders each "
        "cached page again on its next visit (after a deployment that changed templates or "
        "translations, or a change written outside the application)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        before = publiccache.read_version()
        publiccache.bump()
        after = publiccache.read_version()
        self.stdout.write(
            self.style.SUCCESS(f"Public pages purged: content version {before} -> {after}.")
        )

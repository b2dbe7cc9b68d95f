"""``cityrights create-keys``: create the installation's keys, once, for a new installation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cityrights.core import signing


class Command(BaseCommand):
    help = (
        "Create the key files that are missing in the key folder (the signing key and the "
        "apps' secrets). Run it once for a new installation; after a move or a restore, "
        "restore the key folder from its backup instead: new keys do not read what the old "
        "ones protected."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = signing.create_missing_keys()
        self.stdout.write(f"Key folder: {signing.key_dir()}")
        for path in created:
            self.stdout.write(self.style.SUCCESS(f"Created {path.name}"))
        if not created:
            self.stdout.write("Every key file is there; nothing was created.")
        else:
            self.stdout.write("Back up the key folder now, apart from the database dumps.")

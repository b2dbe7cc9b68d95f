"""``cityrights signing-key``: show where the installation's signing key lives, or rotate it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cityrights.core import signing


class Command(BaseCommand):
    help = (
        "Show the signing key's folder, key id and published keys; with --rotate, retire the "
        "current key (its public key stays published) and create a new one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="retire the current key and sign from now on with a new one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._handle(rotate=options["rotate"])
        except signing.MissingKeyError as error:
            raise CommandError(str(error)) from error

    def _handle(self, *, rotate: bool) -> None:
        if rotate:
            old, new = signing.rotate_signing_key()
            self.stdout.write(self.style.SUCCESS(f"Retired key {old}; now signing with {new}."))
            self.stdout.write(
                "Restart the web and worker processes so that they read the new key, "
                "and back up the key folder again."
            )
        current = signing.signing_key()
        self.stdout.write(f"Key folder: {signing.key_dir()}")
        self.stdout.write(f"Current key id (kid): {current.kid}")
        retired = [kid for kid in signing.public_keys() if kid != current.kid]
        self.stdout.write(f"Retired keys still published: {', '.join(retired) or 'none'}")
        self.stdout.write(f"Published at: {signing.JWKS_PATH}")

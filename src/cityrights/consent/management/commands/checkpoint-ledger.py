"""``cityrights checkpoint-ledger``: integrate pending events and sign the tree head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cityrights.consent import ledger


class Command(BaseCommand):
    help = "Integrate pending events and sign a checkpoint (size, root, time) with the ledger key."

    def handle(self, *args: Any, **options: Any) -> None:
        cp = ledger.checkpoint()
        if cp is None:
            self.stdout.write("The ledger is empty; nothing to sign.")
            return
        self.stdout.write(self.style.SUCCESS(f"Checkpoint at {cp.size} events, root {cp.root}"))
        self.stdout.write(cp.note)

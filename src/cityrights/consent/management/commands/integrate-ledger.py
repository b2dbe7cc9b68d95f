"""``cityrights integrate-ledger``: the sequencer. Adds committed events to the Merkle tree."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from cityrights.consent import ledger, services


class Command(BaseCommand):
    help = (
        "Give pending ledger events their position in the Merkle tree, in batches. Also writes "
        "expiry events for consents whose time ran out. Use --loop to keep running."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=ledger.DEFAULT_BATCH)
        parser.add_argument(
            "--loop", action="store_true", help="Keep integrating every --interval."
        )
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds.")
        parser.add_argument(
            "--checkpoint-every",
            type=float,
            default=300.0,
            help="With --loop: sign a checkpoint this often (seconds).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        last_checkpoint = time.monotonic()
        while True:
            expired = services.record_expiries()
            done = ledger.integrate_all(options["batch"])
            if done or expired or not options["loop"]:
                self.stdout.write(f"Integrated {done} events; recorded {expired} expiries.")
            if not options["loop"]:
                return
            if time.monotonic() - last_checkpoint >= options["checkpoint_every"]:
                ledger.checkpoint()
                last_checkpoint = time.monotonic()
            time.sleep(options["interval"])

"""``cityrights deliver-notices``: the worker that sends withdrawal notices from the outbox."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand

from cityrights.consent import notices


class Command(BaseCommand):
    help = (
        "Send due withdrawal notices (signed with HMAC, retried with exponential backoff). "
        "Runs until stopped; --once sends what is due and exits. Killing it loses nothing: "
        "a notice being sent stays in the outbox until its delivery is recorded."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due, then exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Idle pause in seconds.")
        parser.add_argument("--limit", type=int, default=100, help="Notices per round.")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            delivered, failed = notices.deliver_due(options["limit"])
            if delivered or failed or options["once"]:
                self.stdout.write(f"Delivered {delivered} notices; {failed} attempts failed.")
            if options["once"]:
                return
            if not delivered and not failed:
                time.sleep(options["interval"])

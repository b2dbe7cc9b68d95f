"""``cityrights verify-ledger``: recompute every hash, chain, root and checkpoint signature."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cityrights.consent import ledger


class Command(BaseCommand):
    help = (
        "Check the consent ledger: every event hash, every subject's chain, the Merkle root at "
        "every checkpoint, and the checkpoints themselves (signature, stored columns, chain). "
        "Exits with status 1 and names the first broken position when anything was changed, "
        "deleted or reordered, and with status 2 when the check could not finish."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print only problems.")
        parser.add_argument(
            "--checkpoints",
            action="store_true",
            help="Check only the checkpoints (signatures, columns, chain, RFC 9162 consistency "
            "proofs between consecutive ones), without rehashing the events.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(count: int) -> None:
            if not options["quiet"]:
                self.stderr.write(f"  … {count:,} events checked")

        try:
            if options["checkpoints"]:
                report = ledger.verify_checkpoints()
            else:
                report = ledger.verify(progress=progress)
        except ledger.LedgerError as error:  # the check could not run; nothing was judged
            raise CommandError(f"Verification could not finish: {error}", returncode=2) from error
        rate = f"{report.rate:,.0f} events/s"
        if not report.ok:
            where = f"position {report.position}" if report.position is not None else "the end"
            event = f" (event {report.event_id})" if report.event_id is not None else ""
            raise CommandError(
                f"LEDGER BROKEN at {where}{event}: {report.reason}. "
                f"Checked {report.events:,} events before stopping ({rate}).",
                returncode=1,
            )
        if options["checkpoints"] and not options["quiet"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Checkpoints verified: {report.checkpoints:,} signed, chained and "
                    f"consistent ({report.seconds:.2f} s); events were not rehashed."
                )
            )
        elif not options["quiet"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Ledger verified: {report.events:,} events, {report.subjects:,} subjects, "
                    f"{report.checkpoints:,} checkpoints in {report.seconds:.2f} s ({rate})."
                )
            )

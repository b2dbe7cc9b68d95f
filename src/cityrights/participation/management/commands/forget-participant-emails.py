"""``cityrights forget-participant-emails``: empty the addresses of anonymous participants
once they are no longer needed, and remove contributions never confirmed.

Run it daily from cron; ``participation.retention`` says what is kept and for how long
(``CITYRIGHTS_PARTICIPATION_EMAIL_DAYS``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cityrights.participation.retention import forget_emails


class Command(BaseCommand):
    help = "Forget the e-mail addresses of anonymous participants no longer needed (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        done = forget_emails()
        self.stdout.write(
            f"{done.addresses} address(es) forgotten, "
            f"{done.unconfirmed} unconfirmed contribution(s) removed."
        )

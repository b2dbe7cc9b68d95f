"""``cityrights purge-signups``: remove sign-ups nobody confirmed in time.

Run it daily from cron. A sign-up creates a pending account (inactive, no password) whose
link is valid for ``PASSWORD_RESET_TIMEOUT`` (three days); after that the name and e-mail
address left by whoever typed them have no purpose, so they go. The next sign-up removes
them too, but a quiet site may see none for weeks: this command makes the promise hold.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cityrights.core.accounts import purge_unconfirmed_signups


class Command(BaseCommand):
    help = "Remove the sign-ups nobody confirmed within PASSWORD_RESET_TIMEOUT (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_unconfirmed_signups()
        self.stdout.write(f"{count} unconfirmed sign-up(s) removed.")

"""``cityrights close-survey-rounds``: finalise rounds whose last day has passed.

Run it daily from cron. It writes the answers still waiting for their batch, drops the
department of answers from departments with fewer than five answers and freezes the
number of people asked. A round is also finalised the first time someone opens it after
its last day, so the command only makes that happen at a predictable moment.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cityrights.capacity.services import finalise_due_rounds


class Command(BaseCommand):
    help = "Close the survey rounds whose last day has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        count = finalise_due_rounds()
        self.stdout.write(f"{count} round(s) closed.")

"""``cityrights erase-subject``: withdraw everything and destroy a subject's identifying data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cityrights.consent import services
from cityrights.consent.models import DataSubject, EventMethod


class Command(BaseCommand):
    help = (
        "Erase a data subject (by pseudonymous id): withdraw every consent, destroy the "
        "subject's key, identifiers and account link. The ledger keeps verifying."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("pseudonym", help="The subject's pseudonymous id (subj-…).")

    def handle(self, *args: Any, **options: Any) -> None:
        subject = DataSubject.objects.filter(pseudonym=options["pseudonym"]).first()
        if subject is None:
            raise CommandError(f"No data subject {options['pseudonym']}.")
        if subject.erased_at is not None:
            self.stdout.write("This subject was erased already.")
            return
        withdrawn = services.erase_subject(subject, method=EventMethod.SYSTEM)
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased {subject.pseudonym}: {withdrawn} agreements withdrawn, key destroyed."
            )
        )

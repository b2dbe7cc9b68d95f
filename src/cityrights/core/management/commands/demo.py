"""``cityrights demo``: create or update the demo city and print its logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

from cityrights.core import demo

# The demo's people have made-up addresses; what the apps would mail them (waiting
# lists, confirmations) is kept in memory instead of filling the terminal or reaching
# a real mail server.
HELD_MAIL = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Create the demo city with one account per role (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--into-production",
            action="store_true",
            help="load the demo although this is the production profile (a test installation)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "CITYRIGHTS_PRODUCTION", False) and not options["into_production"]:
            # Its accounts share a published password and its partner key is in the docs.
            raise CommandError(
                "This is the production profile: the demo's accounts share a published password "
                "and its partner API key is in the documentation. Load it only into a test "
                "installation, with --into-production."
            )
        with override_settings(EMAIL_BACKEND=HELD_MAIL):
            mail.outbox = []
            context = demo.load()
            held = len(mail.outbox)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {context.city.name}"))
        if held:
            self.stdout.write(f"({held} e-mails to demo people were not sent.)")
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD})")
        width = max(len(role) for role, _email, _pw in context.logins)
        for role, email, _password in context.logins:
            self.stdout.write(f"  {role.ljust(width)}  {email}")
        base = settings.CITYRIGHTS_BASE_URL.rstrip("/")
        self.stdout.write(f"Public site: {base}/cities/{context.city.slug}/")
        self.stdout.write(f"Staff area:  {base}/manage/{context.city.slug}/")

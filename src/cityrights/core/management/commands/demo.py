"""``cityrights demo``: create or update the demo city and print its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cityrights.core import demo


class Command(BaseCommand):
    help = "Create the demo city with one account per role (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        context = demo.load()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {context.city.name}"))
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD})")
        width = max(len(role) for role, _email, _pw in context.logins)
        for role, email, _password in context.logins:
            self.stdout.write(f"  {role.ljust(width)}  {email}")

"""``cityrights import-register CITY FILE``: bootstrap a register from a CSV or XLSX inventory.

All or nothing: every row becomes a draft, or, when any row has a problem, nothing is saved
and each problem is printed with its row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cityrights.core.models import Organisation, User
from cityrights.register import importing, services


class Command(BaseCommand):
    help = "Import register entries (as drafts) from a CSV or XLSX file; all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("city", help="slug of the city")
        parser.add_argument("file", help="path to a .csv or .xlsx file")
        parser.add_argument("--author", help="e-mail of the member recorded as author")
        parser.add_argument(
            "--max-bytes", type=int, default=importing.DEFAULT_MAX_BYTES, help="size limit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["city"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['city']!r}.")
        author = None
        if options["author"]:
            author = User.objects.filter(
                email__iexact=options["author"], memberships__organisation=organisation
            ).first()
            if author is None:
                raise CommandError(f"{options['author']} is not a member of {organisation}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if path.stat().st_size > options["max_bytes"]:
            raise CommandError(f"{path} is larger than {options['max_bytes']} bytes.")
        known = list(organisation.departments.all())
        departments = [name for d in known for name in d.every_name()] + [d.slug for d in known]
        result = importing.parse_inventory(
            path.read_bytes(),
            path.name,
            max_bytes=options["max_bytes"],
            departments=departments,
            languages=organisation.content_languages,
        )
        problems = [str(issue) for issue in result.issues]
        if not problems:
            try:
                outcome = services.import_rows(result.rows, organisation=organisation, actor=author)
            except ValidationError as error:
                problems = list(error.messages)
            else:
                self.stdout.write(f"Imported {len(outcome.created)} drafts into {organisation}.")
                return
        for problem in problems:
            self.stderr.write(problem)
        raise CommandError(f"Nothing was imported: {len(problems)} problem(s).")

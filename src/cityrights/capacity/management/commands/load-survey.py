"""``cityrights load-survey [FILE …]``: validate survey files and store them as versions.

Without a file, the surveys that ship with cityrights are loaded. A broken file is
refused with every problem listed as ``file:line: key.path: message`` and exit status 1.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cityrights.capacity import survey
from cityrights.capacity.services import CapacityError, load_survey


class Command(BaseCommand):
    help = "Validate staff needs survey files (YAML) and load them as versions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", metavar="FILE", help="survey file(s)")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"] or survey.shipped_files():
            try:
                version, change = load_survey(path)
            except survey.SurveyError as error:
                raise CommandError(str(error)) from error
            except CapacityError as error:
                raise CommandError(f"{path}: {error.message}") from error
            loaded = version.survey
            state = {
                "loaded": "loaded",
                "unchanged": "already loaded, unchanged",
                "translations": "already loaded, translations updated",
            }[change]
            self.stdout.write(
                self.style.SUCCESS(f"{version} {state}: ")
                + f"{len(loaded.questions)} questions, {len(loaded.topics)} topics, "
                f"hash {version.content_hash[:12]}"
            )

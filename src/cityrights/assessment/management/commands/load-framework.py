"""``cityrights load-framework FILE``: validate a framework file and store it as a version.

Loading a file again changes nothing, or only the translations when its structure and
English are those of the stored version. A broken file is refused with every problem
listed as ``file:line: key.path: message`` and a non-zero exit status, so content editors
can fix it without reading Python.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cityrights.assessment.framework import FrameworkError
from cityrights.assessment.services import FrameworkConflict, load_framework


class Command(BaseCommand):
    help = "Validate a self-assessment framework file (YAML or JSON) and load it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="framework file(s)")

    def handle(self, *args: Any, **options: Any) -> None:
        for path in options["files"]:
            try:
                version, outcome = load_framework(path)
            except FrameworkError as error:
                raise CommandError(str(error)) from error
            except FrameworkConflict as error:
                raise CommandError(f"{path}: {error.message}") from error
            framework = version.framework
            state = {
                "loaded": "loaded",
                "unchanged": "already loaded, unchanged",
                "translations": "already loaded, translations updated",
            }[outcome]
            self.stdout.write(
                self.style.SUCCESS(f"{version} {state}: ")
                + f"{len(framework.questions)} questions, "
                f"{len(framework.recommendations)} recommendations, "
                f"hash {version.content_hash[:12]}"
            )

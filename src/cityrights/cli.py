"""The ``cityrights`` console script: any Django management command.

``cityrights migrate``, ``cityrights demo``, ``cityrights check --deploy``…
The settings profile defaults to ``cityrights.settings.dev``; operators set
``DJANGO_SETTINGS_MODULE=cityrights.settings.production``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityrights.settings.dev")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["cityrights", *argv])
    args[0] = "cityrights"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()

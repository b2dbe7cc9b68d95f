"""The ``cityrights`` console script: any Django management command.

``cityrights migrate``, ``cityrights demo``, ``cityrights check --deploy``…
The settings profile defaults to ``cityrights.settings.dev``; operators set
``DJANGO_SETTINGS_MODULE=cityrights.settings.production``.

A command started without that variable by cron or a service (standard error is not a
terminal) says on standard error that it runs with the development profile: a scheduled
job whose crontab line forgot the environment file would otherwise work on a database of
its own in the current folder, and cron mails what a job writes there.
"""

from __future__ import annotations

import os
import sys

DEVELOPMENT = "cityrights.settings.dev"


def not_set_notice() -> str:
    return (
        "cityrights: DJANGO_SETTINGS_MODULE is not set, so this command runs with the "
        f"development profile ({DEVELOPMENT}), whose data lives in {os.getcwd()}/var unless "
        "CITYRIGHTS_DATA_DIR says otherwise. On a server, read the environment file first "
        "(README, 'Production deployment')."
    )


def main(argv: list[str] | None = None) -> None:
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ["DJANGO_SETTINGS_MODULE"] = DEVELOPMENT
        if not sys.stderr.isatty():
            print(not_set_notice(), file=sys.stderr)
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["cityrights", *argv])
    args[0] = "cityrights"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()

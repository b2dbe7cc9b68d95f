"""``cityrights bench [NAME [ARGS...]]``: list or run the speed scripts in ``benchmarks/``.

The scripts live in the source checkout, next to ``src/``, not in the
installed package: they load large data sets and are run by people who
measure, not by the application.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

import cityrights

BENCHMARKS = Path(cityrights.__file__).resolve().parents[2] / "benchmarks"


def available() -> dict[str, Path]:
    """``name -> script`` for every ``benchmarks/bench_<name>.py`` of the checkout."""
    if not BENCHMARKS.is_dir():
        return {}
    return {
        path.stem.removeprefix("bench_"): path for path in sorted(BENCHMARKS.glob("bench_*.py"))
    }


def summary(script: Path) -> str:
    """The first line of the script's docstring."""
    doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


class Command(BaseCommand):
    help = (
        "List the speed benchmarks (no name) or run one, passing the remaining arguments on, "
        "e.g. `cityrights bench consent --subjects 200000 --events 1000000`. Each prints its "
        "figures next to its targets; `cityrights bench NAME --help` shows its options."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", nargs="?", help="Which benchmark (see the list).")
        parser.add_argument("script_args", nargs=argparse.REMAINDER, help="Passed on as is.")

    def handle(self, *args: Any, **options: Any) -> None:
        scripts = available()
        if not scripts:
            raise CommandError(
                f"No benchmarks found in {BENCHMARKS}: they are part of the source checkout "
                "(git clone), not of the installed package."
            )
        name = options["name"]
        if not name:
            width = max(map(len, scripts))
            for each, script in scripts.items():
                self.stdout.write(f"{each:<{width}}  {summary(script)}")
            return
        if name not in scripts:
            raise CommandError(f"Unknown benchmark {name!r}; choose one of: {', '.join(scripts)}.")
        self.stdout.flush()
        code = subprocess.call([sys.executable, str(scripts[name]), *options["script_args"]])  # noqa: S603
        if code:
            raise CommandError(
                f"The {name} benchmark stopped with exit status {code}.", returncode=code
            )

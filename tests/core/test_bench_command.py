"""``cityrights bench``: lists the speed scripts of the checkout and runs one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

CHECKOUT_BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"

# Scripts the docs and the README send people to; others may be added at any time.
DOCUMENTED = {
    "assessment",
    "capacity",
    "consent",
    "impact",
    "merkle",
    "participation",
    "register",
    "report",
}


def scripts_in_the_checkout() -> dict[str, str]:
    """``name -> first docstring line`` read from the files themselves, not from the command."""
    found = {}
    for path in sorted(CHECKOUT_BENCHMARKS.glob("bench_*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        found[path.stem[len("bench_") :]] = doc.strip().splitlines()[0]
    return found


def listing(capsys) -> dict[str, str]:
    call_command("bench")
    lines = capsys.readouterr().out.splitlines()
    return {line.split()[0]: line.split(maxsplit=1)[1] for line in lines}


def test_without_a_name_it_lists_every_script_of_the_checkout_with_its_summary(capsys):
    listed = listing(capsys)
    expected = scripts_in_the_checkout()
    assert list(listed) == sorted(expected)
    assert listed == expected
    assert set(listed) >= DOCUMENTED
    assert all(summary.strip() for summary in listed.values())
    assert "PostgreSQL" in listed["consent"]
    assert "capacity building" in listed["capacity"]
    assert "consultation" in listed["participation"]


def test_a_script_added_to_benchmarks_is_listed_without_changing_the_command(
    capsys, monkeypatch, tmp_path
):
    from cityrights.core.management.commands import bench

    folder = tmp_path / "benchmarks"
    folder.mkdir()
    for name in ("bench_zeta.py", "bench_alpha.py"):
        (folder / name).write_text(f'"""Speed of {name[6:-3]}: a test script.\n\nMore."""\n')
    (folder / "helpers.py").write_text('"""Not a benchmark."""\n')
    monkeypatch.setattr(bench, "BENCHMARKS", folder)
    assert listing(capsys) == {
        "alpha": "Speed of alpha: a test script.",
        "zeta": "Speed of zeta: a test script.",
    }


def test_it_runs_one_and_passes_the_arguments_on(capfd):
    call_command("bench", "merkle", "--leaves", "512", "--events", "64")
    out = capfd.readouterr().out
    assert "Ledger of 64 events" in out and "events/s" in out


def test_an_unknown_name_or_a_failing_script_is_a_clear_error(capfd):
    names = ", ".join(sorted(scripts_in_the_checkout()))
    with pytest.raises(CommandError, match=f"choose one of: {names}\\."):
        call_command("bench", "nope")
    with pytest.raises(CommandError, match="exit status 2") as raised:
        call_command("bench", "merkle", "--no-such-option")
    assert raised.value.returncode == 2
    assert "unrecognized arguments" in capfd.readouterr().err


def test_an_installation_without_the_checkout_says_where_they_are(monkeypatch, tmp_path):
    from cityrights.core.management.commands import bench

    monkeypatch.setattr(bench, "BENCHMARKS", tmp_path / "benchmarks")
    with pytest.raises(CommandError, match="source checkout"):
        call_command("bench")

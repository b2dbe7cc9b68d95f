"""``cityrights bench``: lists the speed scripts of the checkout and runs one."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_without_a_name_it_lists_every_benchmark_with_its_summary(capsys):
    call_command("bench")
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == ["assessment", "consent", "impact", "merkle", "register"]
    assert any("PostgreSQL" in line for line in lines if line.startswith("consent"))


def test_it_runs_one_and_passes_the_arguments_on(capfd):
    call_command("bench", "merkle", "--leaves", "512", "--events", "64")
    out = capfd.readouterr().out
    assert "Ledger of 64 events" in out and "events/s" in out


def test_an_unknown_name_or_a_failing_script_is_a_clear_error(capfd):
    with pytest.raises(CommandError, match="choose one of: assessment, consent"):
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

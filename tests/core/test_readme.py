"""The README is a newcomer's and an operator's first page: it must name every setting
the code reads from the environment and every login the demo prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _environment_names() -> set[str]:
    """Quoted ``CITYRIGHTS_…`` names in the settings and in modules that read ``os.environ``."""
    names: set[str] = set()
    for path in (ROOT / "src" / "cityrights").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "settings" in path.parts or "environ" in text:
            names |= set(re.findall(r"\"(CITYRIGHTS_[A-Z_]+)\"", text))
    return names


def test_the_crawl_finds_the_settings_it_should() -> None:
    names = _environment_names()
    assert {"CITYRIGHTS_TIME_ZONE", "CITYRIGHTS_KEY_DIR", "CITYRIGHTS_EMAIL_URL"} <= names


@pytest.mark.parametrize("name", sorted(_environment_names()))
def test_every_environment_variable_is_documented_in_the_readme(name: str) -> None:
    assert f"`{name}`" in README, f"{name} is read from the environment but not in README.md"


@pytest.mark.django_db
def test_every_demo_login_is_in_the_readme() -> None:
    from cityrights.core import demo

    context = demo.load()
    assert len(context.logins) >= 8
    for role, login, _password in context.logins:
        assert login in README, f"the demo prints {role} {login}, README.md does not list it"

"""Every human text of every content file exists in every language the interface offers.

Content files are found, not listed: any YAML file below an app of the package (see
``core.datafiles.content_files``), so a file that an app adds later is checked too. A
missing translation fails with ``file:line: key.path: no nl text for '...'``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from cityrights.core.datafiles import (
    PACKAGE_DIR,
    content_files,
    missing_translations,
    translation_problems,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]
FILES = content_files()


def shown(path: Path) -> str:
    return path.relative_to(PACKAGE_DIR.parent.parent).as_posix()


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.relative_to(PACKAGE_DIR).as_posix())
def test_every_text_is_in_every_interface_language(path: Path) -> None:
    problems = translation_problems(path, LANGUAGES)
    report = "\n".join(problem.render(shown(path)) for problem in problems)
    assert not problems, f"{len(problems)} text(s) lack a language:\n{report}"


def test_the_shipped_content_files_are_all_checked() -> None:
    found = {path.relative_to(PACKAGE_DIR).as_posix() for path in FILES}
    assert {
        "assessment/frameworks/guide-2022.v1.yaml",
        "core/content/dpv.yaml",
        "impact/templates_data/hria-dpia.v1.yaml",
        "impact/templates_data/procurement.v1.yaml",
        "impact/templates_data/screening.v1.yaml",
    } <= found
    assert LANGUAGES == ["en", "fr", "nl"]


def test_a_missing_translation_is_reported_with_its_file_line_and_key() -> None:
    path = PACKAGE_DIR / "assessment" / "frameworks" / "guide-2022.v1.yaml"
    content = path.read_text(encoding="utf-8")
    data = yaml.safe_load(content)
    del data["questions"][3]["levels"][2]["nl"]  # YAML reads the level as an integer
    lines = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)
    [problem] = missing_translations(data, LANGUAGES, lines)
    assert problem.path == "questions[3].levels.2"
    assert problem.message.startswith("no nl text for 'Accessibility is recommended")
    assert lines.splitlines()[problem.line - 1].strip() == "2:"

"""``cityrights load-framework``: loads, is idempotent, and refuses broken or changed files."""

from __future__ import annotations

import copy
import io

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from cityrights.assessment import selectors, services
from cityrights.assessment.models import FrameworkVersion

from .conftest import SHIPPED, answer_all

pytestmark = pytest.mark.django_db


def raw() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def dump(tmp_path, data, name="framework.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_the_migration_loaded_the_shipped_framework(version):
    assert str(version) == "guide-2022 v1"
    assert len(version.framework.questions) >= 54
    assert version.framework.content_hash == version.content_hash


def test_loading_the_same_file_again_changes_nothing(version):
    out = io.StringIO()
    call_command("load-framework", str(SHIPPED), stdout=out)
    assert "already loaded, unchanged" in out.getvalue()
    assert FrameworkVersion.objects.count() == 1


def test_a_new_version_is_added_and_old_cycles_keep_their_scores(city_a, cycle, tmp_path):
    answer_all(cycle, city_a.users["admin"], 3)
    before = selectors.result_of(cycle).score
    data = raw()
    data["version"] = 2
    data["scale"]["bands"][2]["min"] = 30.0  # level 3 now starts lower: a different reading
    data["scale"]["bands"][1]["max"] = 30.0
    out = io.StringIO()
    call_command("load-framework", str(dump(tmp_path, data)), stdout=out)
    assert "guide-2022 v2 loaded" in out.getvalue()
    assert FrameworkVersion.objects.count() == 2
    cycle.refresh_from_db()
    assert cycle.framework.version == 1
    from cityrights.assessment.models import AssessmentCycle

    fresh = AssessmentCycle.objects.get(pk=cycle.pk)
    assert selectors.result_of(fresh).score == before


def test_changed_content_under_a_published_version_is_refused(tmp_path, version):
    data = raw()
    data["questions"][0]["text"]["en"] = "A different question"
    with pytest.raises(CommandError, match="already loaded with different content"):
        call_command("load-framework", str(dump(tmp_path, data)))
    with pytest.raises(services.FrameworkConflict):
        services.load_framework(dump(tmp_path, data))


def test_a_broken_file_names_the_file_key_and_line(tmp_path, db):
    data = raw()
    broken = copy.deepcopy(data)
    del broken["questions"][2]["levels"]
    path = dump(tmp_path, broken, "broken.yaml")
    with pytest.raises(CommandError) as error:
        call_command("load-framework", str(path))
    message = str(error.value)
    assert "broken.yaml:" in message
    assert "questions[2].levels" in message or "questions.2.levels" in message
    assert FrameworkVersion.objects.filter(version=1).count() == 1


def test_a_file_that_is_not_yaml_is_refused(tmp_path, db):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\n  version: [1\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad\.yaml"):
        call_command("load-framework", str(path))


def test_the_console_script_exits_non_zero(tmp_path, db):
    import os
    import subprocess
    import sys

    path = tmp_path / "broken.yaml"
    path.write_text("id: guide-2022\nversion: one\n", encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "cityrights.settings.test",
        "CITYRIGHTS_DATA_DIR": str(tmp_path),
        "CITYRIGHTS_TEST_SQLITE": str(tmp_path / "db.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "cityrights", "load-framework", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "broken.yaml" in result.stderr and "version" in result.stderr

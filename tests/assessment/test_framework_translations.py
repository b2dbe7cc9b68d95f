"""Translations of a published framework version are completed in place; meaning never moves.

The content hash covers the structure and the English text. A file that differs only in
its translations updates the stored version (same row, same hash), so every cycle, old
ones included, reads the better translations while its answers and scores stay the same.
"""

from __future__ import annotations

import copy
import importlib
import io
from typing import Any

import pytest
import yaml
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.html import escape

from cityrights.assessment import exports, selectors, services
from cityrights.assessment.models import AssessmentCycle, FrameworkVersion, Response
from cityrights.core.audit import AuditEvent
from cityrights.core.datafiles import content_hash, is_text, snapshot_hash

from .conftest import SHIPPED, validated_cycle

pytestmark = pytest.mark.django_db


def raw() -> dict[str, Any]:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def retranslated(data: Any, language: str, mark: str) -> Any:
    """``data`` with every text given a (new) ``language`` entry."""
    if is_text(data):
        return {**data, language: f"{mark} {data['en']}"}
    if isinstance(data, dict):
        return {key: retranslated(value, language, mark) for key, value in data.items()}
    if isinstance(data, list):
        return [retranslated(value, language, mark) for value in data]
    return data


def without(data: Any, language: str) -> Any:
    if is_text(data):
        return {key: value for key, value in data.items() if key != language}
    if isinstance(data, dict):
        return {key: without(value, language) for key, value in data.items()}
    if isinstance(data, list):
        return [without(value, language) for value in data]
    return data


def dump(tmp_path, data, name="framework.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def frozen_state(cycle: AssessmentCycle) -> tuple[Any, ...]:
    fresh = AssessmentCycle.objects.get(pk=cycle.pk)
    answers = sorted(Response.objects.filter(cycle=fresh).values_list("question", "value"))
    result = selectors.result_of(fresh)
    cells = {key: cell.score for key, cell in result.cells.items()}
    return fresh.scores, answers, result.score, cells


def test_new_translations_update_the_stored_version_and_keep_old_cycles_as_they_were(
    city_a, version, tmp_path
):
    admin = city_a.users["admin"]
    cycle = validated_cycle(city_a.city, version, 2024, admin, 3)
    before = frozen_state(cycle)
    assert before[0], "validation froze the scores"
    question = version.framework.questions[0]

    data = retranslated(raw(), "nl", "NL:")
    data["languages"] = ["en", "fr", "nl", "de"]
    out = io.StringIO()
    call_command("load-framework", str(dump(tmp_path, data)), stdout=out)

    assert "guide-2022 v1 already loaded, translations updated" in out.getvalue()
    stored = FrameworkVersion.objects.get()
    assert stored.pk == version.pk and stored.content_hash == version.content_hash
    assert stored.snapshot_hash != version.snapshot_hash
    assert stored.framework.question(question.key).text["nl"] == f"NL: {question.text['en']}"
    assert frozen_state(cycle) == before
    event = AuditEvent.objects.filter(action="update", object_id=str(stored.pk)).get()
    assert event.changes["snapshot_hash"] == [version.snapshot_hash, stored.snapshot_hash]

    again = io.StringIO()
    call_command("load-framework", str(dump(tmp_path, data)), stdout=again)
    assert "already loaded, unchanged" in again.getvalue()


def test_a_changed_english_text_or_rule_under_the_same_version_is_still_refused(version, tmp_path):
    english = raw()
    english["recommendations"][0]["kpis"][0]["measurement"]["en"] += " Per year."
    rule = raw()
    rule["questions"][1]["weight"] = 2
    for data in (english, rule):
        with pytest.raises(services.FrameworkConflict, match="Only translations may change"):
            services.load_framework(dump(tmp_path, data))
    assert FrameworkVersion.objects.get().snapshot_hash == version.snapshot_hash


def test_every_migrate_gives_an_old_installation_the_shipped_translations(city_a, version):
    """An installation that loaded v1 before the Dutch texts existed gets them on upgrade."""
    cycle = validated_cycle(city_a.city, version, 2024, city_a.users["admin"], 4)
    before = frozen_state(cycle)
    old = without(copy.deepcopy(version.data), "nl")
    FrameworkVersion.objects.filter(pk=version.pk).update(
        data=old, snapshot_hash=snapshot_hash(old)
    )

    config = global_apps.get_app_config("assessment")
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using="default",
        apps=global_apps,
        plan=[],
    )

    stored = FrameworkVersion.objects.get(pk=version.pk)
    assert stored.data == version.data
    assert stored.content_hash == version.content_hash
    assert frozen_state(cycle) == before
    assert services.refresh_shipped_translations() == []


def test_the_migration_rehashes_and_keeps_the_former_hash_for_old_exports(city_a, city_b, version):
    cycle = validated_cycle(city_a.city, version, 2024, city_a.users["admin"], 2)
    exported = exports.export_json(cycle)
    # The state before the migration: the content hash covered everything.
    legacy = snapshot_hash(version.data)
    FrameworkVersion.objects.filter(pk=version.pk).update(
        content_hash=legacy, snapshot_hash="", legacy_hash=""
    )
    migration = importlib.import_module(
        "cityrights.assessment.migrations.0003_framework_translations_in_place"
    )
    migration.rehash(global_apps, None)

    stored = FrameworkVersion.objects.get(pk=version.pk)
    assert (
        stored.content_hash
        == version.content_hash
        == content_hash({k: v for k, v in version.data.items() if k != "languages"})
    )
    assert (stored.legacy_hash, stored.snapshot_hash) == (legacy, version.snapshot_hash)
    # A file exported before the change carries the legacy hash and still imports.
    old_file = copy.deepcopy(exported)
    old_file["framework"]["content_hash"] = legacy
    imported = exports.import_json(city_b.city, old_file, city_b.users["admin"])
    assert frozen_state(imported)[1:] == frozen_state(cycle)[1:]
    old_file["framework"]["content_hash"] = "0" * 64
    with pytest.raises(exports.ImportRefused, match="content hashes differ"):
        exports.import_json(
            city_b.city, {**old_file, "cycle": {"year": 2023}}, city_b.users["admin"]
        )


def test_every_kpi_unit_of_the_shipped_framework_is_shown_in_the_reader_language(version):
    from django.utils import translation

    from cityrights.assessment.units import KPI_UNITS, unit_label

    units = {kpi.unit for rec in version.framework.recommendations for kpi in rec.kpis}
    assert units <= set(KPI_UNITS), "give a new unit a label in assessment/units.py"
    with translation.override("nl"):
        assert unit_label("days") == "dagen"
        assert unit_label("kWh") == "kWh"  # a unit without a label is shown as written
    with translation.override("fr"):
        assert unit_label("per year") == "par an"


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_an_officer_answers_and_reads_results_entirely_in_their_language(city_a, cycle, language):
    from django.urls import reverse

    framework = cycle.framework.framework
    client = city_a.client_for("admin")
    url = reverse("assessment:answer", kwargs={"org": "city-a", "year": 2025, "area": "inclusion"})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    questions = [q for q in framework.questions if q.area == "inclusion"]
    for question in questions:
        texts = [question.text, *question.levels, *question.evidence]
        texts += [question.guidance] if question.guidance else []
        for text in texts:
            assert escape(text[language]) in html, (question.key, text[language])
            assert escape(text["en"]) not in html, (question.key, text["en"])

    validated = validated_cycle(city_a.city, cycle.framework, 2024, city_a.users["admin"], 2)
    url = reverse("assessment:results", kwargs={"org": "city-a", "year": validated.year})
    html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    recommendation = framework.recommendations_for("inclusion", "foundations", 2)[0]
    assert escape(recommendation.title[language]) in html
    assert escape(recommendation.kpis[0].measurement[language]) in html
    assert escape(recommendation.title["en"]) not in html

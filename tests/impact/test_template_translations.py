"""Translations of a published template version are completed in place; meaning never moves."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

from cityrights.core.datafiles import is_text, snapshot_hash
from cityrights.impact import content, services
from cityrights.impact.models import ImpactAssessment, ProcurementChecklistVersion, TemplateVersion
from cityrights.impact.services import ImpactError

from .conftest import fill_all, new_assessment

pytestmark = pytest.mark.django_db


def rewrite(data: Any, change: Any) -> Any:
    if is_text(data):
        return change(data)
    if isinstance(data, dict):
        return {key: rewrite(item, change) for key, item in data.items()}
    if isinstance(data, list):
        return [rewrite(item, change) for item in data]
    return data


def shipped(name: str) -> Any:
    return next(path for path in content.shipped_files() if path.name.startswith(name))


def test_a_file_with_other_translations_updates_the_stored_template_in_place(city_a, tmp_path):
    assessment = new_assessment(city_a)
    fill_all(assessment, city_a.users["editor"])
    answers = ImpactAssessment.objects.get(pk=assessment.pk).answers
    stored = assessment.template
    data = yaml.safe_load(shipped("hria-dpia").read_text(encoding="utf-8"))
    data = rewrite(data, lambda text: {**text, "nl": "NL " + text["en"]})
    path = tmp_path / "hria-dpia.v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    version, created = services.load_template_file(path)

    assert not created and version.pk == stored.pk
    assert version.content_hash == stored.content_hash
    assert version.snapshot_hash != stored.snapshot_hash
    fresh = ImpactAssessment.objects.get(pk=assessment.pk)
    assert fresh.answers == answers
    assert str(fresh.template.template.title.get_text("nl")).startswith("NL ")

    data["sections"][0]["title"]["en"] += " (edited)"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ImpactError) as refused:
        services.load_template_file(path)
    assert refused.value.status == 409


def test_every_migrate_gives_stored_templates_the_shipped_translations():
    checklist = ProcurementChecklistVersion.objects.get(key="procurement", version=1)
    screening = TemplateVersion.objects.get(key="screening", version=1)
    for version in (checklist, screening):
        old = rewrite(version.data, lambda text: {"en": text["en"]})
        type(version).objects.filter(pk=version.pk).update(
            data=old, snapshot_hash=snapshot_hash(old)
        )

    config = global_apps.get_app_config("impact")
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using="default",
        apps=global_apps,
        plan=[],
    )

    for version in (checklist, screening):
        fresh = type(version).objects.get(pk=version.pk)
        assert fresh.data == version.data
        assert (fresh.content_hash, fresh.snapshot_hash) == (
            version.content_hash,
            version.snapshot_hash,
        )
    assert services.refresh_shipped_translations() == 0

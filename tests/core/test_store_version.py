"""Keeping content-file versions (``cityrights.core.datafiles.store_version``).

Frameworks, impact templates and surveys share one helper. A version's meaning is fixed
once stored; its translations follow the file. Hypothesis loads sequences of files under
one identifier and version and holds the stored row, the outcome and the audit trail to
that; the helper is tried on the framework model, whose rows have nothing app-specific.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from cityrights.assessment.models import FrameworkVersion
from cityrights.core.audit import AuditEvent
from cityrights.core.datafiles import (
    DataFileError,
    LoadedFile,
    Text,
    content_hash,
    snapshot_hash,
    stale_snapshots,
    store_version,
)
from cityrights.impact.models import TemplateKind, TemplateVersion

pytestmark = pytest.mark.django_db

words = st.text(alphabet="abcdé", min_size=1, max_size=4)
files = st.builds(
    lambda english, translations, weight: {
        "title": {"en": english, **translations},
        "weight": weight,
    },
    st.sampled_from(["Rights", "Duties"]),
    st.fixed_dictionaries({}, optional={"fr": words, "nl": words}),
    st.sampled_from([1, 2]),
)


class Refused(Exception):
    pass


def store(model: Any, data: dict[str, Any], **extra: Any) -> tuple[Any, str]:
    file = LoadedFile(
        id="property",
        version=1,
        title=Text(data["title"]),
        content_hash=content_hash(data),
        snapshot_hash=snapshot_hash(data),
        data=data,
    )
    return store_version(model, file, refuse=lambda row: Refused(row.pk), **extra)


@given(sequence=st.lists(files, min_size=1, max_size=6))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_a_stored_version_keeps_its_meaning_and_follows_its_translations(sequence):
    note(f"files: {sequence}")
    with transaction.atomic():
        _load_all(sequence)
        transaction.set_rollback(True)


def _load_all(sequence: list[dict[str, Any]]) -> None:
    first, updates = sequence[0], 0
    row, outcome = store(FrameworkVersion, first)
    assert outcome == "loaded"
    accepted = first
    for data in sequence[1:]:
        if content_hash(data) != content_hash(first):
            with pytest.raises(Refused) as refused:
                store(FrameworkVersion, data)
            assert refused.value.args == (row.pk,)
            continue
        again, outcome = store(FrameworkVersion, data)
        assert again.pk == row.pk
        expected = "unchanged" if snapshot_hash(data) == snapshot_hash(accepted) else "translations"
        assert outcome == expected
        updates += outcome == "translations"
        accepted = data

    stored = FrameworkVersion.objects.get(key="property")
    assert (stored.content_hash, stored.snapshot_hash) == (
        content_hash(first),
        snapshot_hash(accepted),
    )
    assert stored.data == accepted and stored.title == first["title"]["en"]
    events = AuditEvent.objects.filter(
        object_type="assessment.frameworkversion", object_id=str(row.pk)
    )
    assert list(events.filter(action="load").values_list("changes", flat=True)) == [
        {"content_hash": content_hash(first)}
    ]
    assert events.filter(action="update").count() == updates
    assert all(event.actor is None and event.organisation is None for event in events)


def test_a_new_row_gets_the_models_own_fields():
    data = {"title": {"en": "Screening " + "x" * 400}, "weight": 1}

    row, outcome = store(TemplateVersion, data, fields={"kind": TemplateKind.SCREENING})

    assert outcome == "loaded"
    stored = TemplateVersion.objects.get(pk=row.pk)
    assert stored.kind == TemplateKind.SCREENING
    assert stored.title == data["title"]["en"][:300]


@dataclass
class Row:
    snapshot_hash: str


def test_only_stored_versions_whose_snapshot_differs_are_stale(tmp_path: Path):
    same = {"title": {"en": "Same", "fr": "Pareil"}}
    (tmp_path / "same.v1.yaml").write_text("title: {en: Same, fr: Pareil}\n", encoding="utf-8")
    (tmp_path / "newer.v2.yaml").write_text("title: {en: New, nl: Nieuw}\n", encoding="utf-8")
    (tmp_path / "unknown.v1.yaml").write_text("title: [not read", encoding="utf-8")
    rows = {
        ("same", 1): Row(snapshot_hash(same)),
        ("newer", 2): Row(snapshot_hash({"title": {"en": "New"}})),
    }
    paths = sorted(tmp_path.glob("*.yaml"))

    stale = list(stale_snapshots(paths, lambda key, n: rows.get((key, n)), DataFileError))

    assert stale == [(tmp_path / "newer.v2.yaml", rows[("newer", 2)])]


def test_a_broken_stored_file_names_its_line(tmp_path: Path):
    path = tmp_path / "broken.v1.yaml"
    path.write_text("title: {en: A}\ntitle: {en: B}\n", encoding="utf-8")

    with pytest.raises(DataFileError, match=r"broken.v1.yaml:2: .*duplicated key 'title'"):
        list(stale_snapshots([path], lambda key, n: Row("x"), DataFileError))

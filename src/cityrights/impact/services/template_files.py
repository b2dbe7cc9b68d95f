"""Template files: snapshots of the shipped and custom assessment and procurement templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cityrights.core import audit
from cityrights.core.datafiles import read_yaml, snapshot_change, snapshot_hash, stringify_keys

from .. import content
from ..models import ProcurementChecklistVersion, TemplateKind, TemplateVersion
from .refusals import ImpactError


def load_template_file(path: Path) -> tuple[TemplateVersion | ProcurementChecklistVersion, bool]:
    """Snapshot one shipped or custom template file; refuse changed content for a version.

    Returns the snapshot and whether it was created. A published version keeps its
    meaning: loading a different structure or English text under the same identifier and
    version is an error, while the same version with other translations updates the
    stored translations in place (assessments depend on neither).
    """
    try:
        loaded, data = content.load_file(path)
    except content.TemplateError as error:
        raise ImpactError(str(error), 422) from error
    model: type[TemplateVersion] | type[ProcurementChecklistVersion]
    extra: dict[str, Any] = {}
    if loaded.kind == "procurement":
        model = ProcurementChecklistVersion
    else:
        model = TemplateVersion
        extra["kind"] = (
            TemplateKind.SCREENING if loaded.kind == "screening" else TemplateKind.ASSESSMENT
        )
    existing = model.objects.filter(key=loaded.id, version=loaded.version).first()
    snapshot = snapshot_hash(data)
    stored = (existing.content_hash, existing.snapshot_hash) if existing is not None else None
    change = snapshot_change(stored, loaded.content_hash, snapshot)
    if change == "conflict":
        raise ImpactError(
            _(
                "%(key)s version %(version)s is already loaded with different content; "
                "give the changed file a new version number."
            )
            % {"key": loaded.id, "version": loaded.version},
            409,
        )
    if existing is not None:
        if change == "translations":
            _update_translations(existing, data, snapshot)
        return existing, False
    created = model.objects.create(
        key=loaded.id,
        version=loaded.version,
        title=str(loaded.title)[:300],
        content_hash=loaded.content_hash,
        snapshot_hash=snapshot,
        data=data,
        **extra,
    )
    return created, True


def _update_translations(
    version: TemplateVersion | ProcurementChecklistVersion, data: dict[str, Any], snapshot: str
) -> None:
    with transaction.atomic():
        previous = version.snapshot_hash
        version.data = data
        version.snapshot_hash = snapshot
        version.save(update_fields=["data", "snapshot_hash"])
        audit.record(
            actor=None,
            organisation=None,
            action="update",
            obj=version,
            changes={"snapshot_hash": [previous, snapshot]},
        )


def load_shipped_templates() -> list[tuple[TemplateVersion | ProcurementChecklistVersion, bool]]:
    return [load_template_file(path) for path in content.shipped_files()]


def refresh_shipped_translations() -> int:
    """Bring the translations of stored shipped templates up to date with their files.

    Runs after every ``migrate`` (see ``signals.py``), so an upgraded installation shows
    better translations in every assessment, old ones included. Only versions already
    stored are touched, and only when their meaning is the same. Returns how many.
    """
    updated = 0
    for path in content.shipped_files():
        key, _dot, number = path.name.removesuffix(".yaml").rpartition(".v")
        models_ = (TemplateVersion, ProcurementChecklistVersion)
        stored = [m.objects.filter(key=key, version=int(number)).first() for m in models_]
        version = next((item for item in stored if item is not None), None)
        if version is None:
            continue
        raw = read_yaml(str(path), path.read_text(encoding="utf-8"), content.TemplateError)
        if snapshot_hash(stringify_keys(raw)) == version.snapshot_hash:
            continue
        loaded, data = content.load_file(path)
        if loaded.content_hash == version.content_hash:
            _update_translations(version, data, snapshot_hash(data))
            updated += 1
    return updated


def latest_template(kind: str) -> TemplateVersion:
    version = TemplateVersion.objects.filter(kind=kind).order_by("-loaded_at", "-id").first()
    if version is None:
        load_shipped_templates()
        version = TemplateVersion.objects.filter(kind=kind).order_by("-loaded_at", "-id").first()
    if version is None:
        raise ImpactError(_("No %(kind)s template is loaded.") % {"kind": kind}, 409)
    return version


def latest_checklist() -> ProcurementChecklistVersion:
    version = ProcurementChecklistVersion.objects.order_by("-loaded_at", "-id").first()
    if version is None:
        load_shipped_templates()
        version = ProcurementChecklistVersion.objects.order_by("-loaded_at", "-id").first()
    if version is None:
        raise ImpactError(_("No procurement checklist is loaded."), 409)
    return version

"""Template files: snapshots of the shipped and custom assessment and procurement templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from cityrights.core.datafiles import LoadedFile, snapshot_hash, stale_snapshots, store_version

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
    return _store_template(loaded, data)


def _store_template(
    loaded: content.Template, data: dict[str, Any]
) -> tuple[TemplateVersion | ProcurementChecklistVersion, bool]:
    model: type[TemplateVersion] | type[ProcurementChecklistVersion]
    extra: dict[str, Any] = {}
    if loaded.kind == "procurement":
        model = ProcurementChecklistVersion
    else:
        model = TemplateVersion
        extra["kind"] = (
            TemplateKind.SCREENING if loaded.kind == "screening" else TemplateKind.ASSESSMENT
        )

    def conflict(_existing: TemplateVersion | ProcurementChecklistVersion) -> ImpactError:
        return ImpactError(
            _(
                "%(key)s version %(version)s is already loaded with different content; "
                "give the changed file a new version number."
            )
            % {"key": loaded.id, "version": loaded.version},
            409,
        )

    file = LoadedFile(
        id=loaded.id,
        version=loaded.version,
        title=loaded.title,
        content_hash=loaded.content_hash,
        snapshot_hash=snapshot_hash(data),
        data=data,
    )
    version, outcome = store_version(model, file, refuse=conflict, fields=extra)
    return version, outcome == "loaded"


def load_shipped_templates() -> list[tuple[TemplateVersion | ProcurementChecklistVersion, bool]]:
    return [load_template_file(path) for path in content.shipped_files()]


def refresh_shipped_translations() -> int:
    """Bring the translations of stored shipped templates up to date with their files.

    Runs after every ``migrate`` (see ``signals.py``), so an upgraded installation shows
    better translations in every assessment, old ones included. Only versions already
    stored are touched, and only when their meaning is the same. Returns how many.
    """
    updated = 0
    shipped = content.shipped_files()
    for path, stored in stale_snapshots(shipped, _stored_template, content.TemplateError):
        loaded, data = content.load_file(path)
        if loaded.content_hash == stored.content_hash:
            _store_template(loaded, data)
            updated += 1
    return updated


def _stored_template(key: str, number: int) -> TemplateVersion | ProcurementChecklistVersion | None:
    found = TemplateVersion.objects.filter(key=key, version=number).first()
    return found or ProcurementChecklistVersion.objects.filter(key=key, version=number).first()


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

"""Turn entries into plain data: version snapshots (JSON) and ``records.EntryData`` for exports.

Both read only what the public may see; callers pass published entries. Kept apart from the
services so the exports, the API and the benchmarks share one conversion.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings

from cityrights.core.translation import city_languages, translations

from .models import ENTRY_TEXTS, Entry, TermKind
from .records import ALGORITHM_TEXTS, AssessmentFacts, DepartmentData, EntryData, LocationData

SNAPSHOT_FIELDS = (
    "kind",
    "contact_email",
    "provider",
    "status",
    "automation_level",
    "risk_level",
    "source_code_url",
    "domain",
    "algorithm_type",
    "use_type",
)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def snapshot(entry: Entry) -> dict[str, Any]:
    """Everything the public page shows about ``entry``, as JSON-ready data.

    Texts are kept in every language as ``{language: text}`` maps (a version is what the
    city published, in all its languages); ``languages`` are the city's at that moment.
    """
    data: dict[str, Any] = {field: getattr(entry, field) for field in SNAPSHOT_FIELDS}
    data.update({name: translations(entry, name) for name in ENTRY_TEXTS})
    data.update(
        languages=list(entry.organisation.content_languages),
        code=entry.code,
        department=translations(entry.department, "name"),
        department_slug=entry.department.slug,
        start_date=_iso(entry.start_date),
        end_date=_iso(entry.end_date),
        dataset_urls=list(entry.dataset_urls or []),
        purposes=entry.purposes,
        data_categories=entry.data_categories,
        legal_bases=entry.legal_bases,
        areas=entry.areas,
        locations=[
            {
                "code": location.code,
                "lat": float(location.latitude),
                "lon": float(location.longitude),
                "description": translations(location, "description"),
            }
            for location in entry.locations.all()
        ],
    )
    return data


# Fields whose change is worth naming in the public history, with readable names.
def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    if not before:
        return []
    return sorted(
        key
        for key in after
        if key not in ("code", "languages") and not _same(before.get(key), after.get(key))
    )


def _same(before: Any, after: Any) -> bool:
    """Equal, counting a text of a version from before translations as its only language."""
    if isinstance(before, str) and isinstance(after, dict):
        return list(after.values()) == [before] or (not before and not after)
    return bool(before == after)


def contact_text(entry: Entry) -> str:
    name, email = entry.contact_name, entry.contact_email or entry.department.contact_email
    if name and email:
        return f"{name} <{email}>"
    return name or email or entry.department.name


def _own_units(organisation: Any) -> tuple[str, ...]:
    """The organisation's department names, read once per organisation object."""
    cached = organisation.__dict__.get("_own_units")
    if cached is None:
        cached = tuple(
            name
            for department in organisation.departments.all()
            for name in department.every_name()
        )
        organisation.__dict__["_own_units"] = cached
    return cached


def to_record(
    entry: Entry, base_url: str | None = None, assessment: AssessmentFacts | None = None
) -> EntryData:
    """``EntryData`` for the exports. Expects terms, locations and department to be prefetched.

    The plain texts are in the active language with the city's fallback; ``translations``
    and each location's ``descriptions`` carry every language for the exports.
    """
    with city_languages(entry.organisation.content_languages):
        return _record(entry, base_url, assessment)


def _record(entry: Entry, base_url: str | None, assessment: AssessmentFacts | None) -> EntryData:
    base = (base_url if base_url is not None else settings.CITYRIGHTS_BASE_URL).rstrip("/")
    organisation = entry.organisation
    entry_url = base + entry.get_absolute_url()
    locations = tuple(
        LocationData(
            lat=float(location.latitude),
            lon=float(location.longitude),
            description=location.description,
            descriptions=translations(location, "description"),
            id=location.pk,
            short_code=location.code,
            url=base + location.short_url(),
        )
        for location in entry.locations.all()
    )
    return EntryData(
        id=entry.pk,
        short_code=entry.code,
        slug=entry.code,
        name=entry.name,
        kind=entry.kind,
        summary=entry.summary,
        department=DepartmentData(
            name=entry.department.name,
            slug=entry.department.slug,
            organisation=organisation.name,
            organisation_country=organisation.country,
            own_units=_own_units(organisation) if entry.provider else (),
            names=translations(entry.department, "name"),
        ),
        contact=contact_text(entry),
        status=entry.status,
        risk_level=entry.risk_level,
        purposes=tuple(entry.values_of(TermKind.PURPOSE)),
        provider=entry.provider,
        start_date=entry.start_date,
        end_date=entry.end_date,
        legal_bases=tuple(entry.values_of(TermKind.LEGAL_BASIS)),
        data_categories=tuple(entry.values_of(TermKind.DATA_CATEGORY)),
        data_subjects=entry.data_subjects,
        retention=entry.retention,
        recipients=entry.recipients,
        automation_level=entry.automation_level,
        human_oversight=entry.human_oversight,
        source_code_url=entry.source_code_url,
        dataset_urls=tuple(entry.dataset_urls or ()),
        domain=entry.domain,
        algorithm_type=entry.algorithm_type,
        use_type=entry.use_type,
        **{name: getattr(entry, name) for name in ALGORITHM_TEXTS},
        thematic_areas=tuple(entry.values_of(TermKind.AREA)),
        locations=locations,
        published_at=entry.published_at,
        version=entry.version,
        updated_at=entry.last_published_at,
        public_url=entry_url,
        languages=organisation.content_languages,
        translations={name: translations(entry, name) for name in ENTRY_TEXTS},
        assessment=assessment,
    )

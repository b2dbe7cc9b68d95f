"""Open exports of the transparency register: CSV, GeoJSON and algorithm-register shapes.

Why pure functions over ``EntryData``: the same code serves the API, file downloads, the
``export-register`` command and the benchmarks, and each format can be tested by parsing it back
with its standard tool (csv, json). Nothing here touches the database. The register's DCAT-AP
catalogue is built by ``cityrights.core.dcat`` from ``register.datasets``.

Publication rule (defence in depth): every export skips entries that were never published
(``published_at is None``) unless the caller passes ``include_unpublished=True`` for a staff-only
export. The Django layer must still build ``EntryData`` from the published version only.

The field mapping to the three algorithm-register standards is documented in
``docs/register-standards.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, TextIO

from django.utils import translation
from django.utils.translation import gettext_noop

from cityrights.core import vocab
from cityrights.core.translation import labelled
from cityrights.register.records import (
    CONTENT_LANGUAGES,
    CSV_HEADERS,
    DOMAINS,
    MULTI_SEPARATOR,
    TRANSLATED_COLUMNS,
    AssessmentFacts,
    EntryData,
    LocationData,
    format_locations,
)

# --- helpers ---------------------------------------------------------------------------------


def published_only(
    entries: Iterable[EntryData], include_unpublished: bool = False
) -> Iterator[EntryData]:
    """Yield the entries an export may show; drafts and entries in review never leave the house."""
    for entry in entries:
        if include_unpublished or entry.is_published:
            yield entry


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _join(values: Iterable[str]) -> str:
    return MULTI_SEPARATOR.join(values)


_EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")


def contact_email(contact: str) -> str | None:
    """The email address in a contact text: ``a@b.org`` or ``Name <a@b.org>``; else None."""
    text = (contact or "").strip()
    if text.endswith(">") and "<" in text:
        text = text[text.rindex("<") + 1 : -1].strip()
    return text if _EMAIL.fullmatch(text) else None


def _shorten(text: str, limit: int) -> str:
    """Cut at a word boundary and add an ellipsis, for standards with a maximum length."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def _labels(iris: Iterable[str], lang: str) -> list[str]:
    return [vocab.label(iri, lang) for iri in iris]


def _sensitive_labels(entry: EntryData, lang: str) -> list[str]:
    return [
        vocab.label(iri, lang) for iri in entry.data_categories if vocab.get_term(iri).sensitive
    ]


# --- CSV -------------------------------------------------------------------------------------

#: Cells starting with these characters are run as formulas by spreadsheet programs.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Columns whose values are never guarded: coordinates legitimately start with '-'.
_UNGUARDED = frozenset(
    {"locations", "id", "version", *(f"locations_{code}" for code in CONTENT_LANGUAGES)}
)


def guard_formula(value: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula; the importer strips it."""
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def entry_row(entry: EntryData, lang: str = vocab.DEFAULT_LANGUAGE) -> dict[str, str]:
    """One CSV row: every column as text, multiple values joined with `` | ``."""
    row = {
        "id": "" if entry.id is None else str(entry.id),
        "short_code": entry.short_code,
        "slug": entry.slug,
        "name": entry.name,
        "kind": entry.kind,
        "summary": entry.summary,
        "purposes": _join(entry.purposes),
        "department": entry.department.name,
        "contact": entry.contact,
        "provider": entry.provider,
        "status": entry.status,
        "start_date": _iso(entry.start_date),
        "end_date": _iso(entry.end_date),
        "legal_bases": _join(entry.legal_bases),
        "data_categories": _join(entry.data_categories),
        "data_subjects": entry.data_subjects,
        "retention": entry.retention,
        "recipients": entry.recipients,
        "automation_level": entry.automation_level,
        "human_oversight": entry.human_oversight,
        "risk_level": entry.risk_level,
        "domain": entry.domain,
        "decision_making_process": entry.decision_making_process,
        "proportionality": entry.proportionality,
        "algorithm_type": entry.algorithm_type,
        "use_type": entry.use_type,
        "training_data": entry.training_data,
        "data_connections": entry.data_connections,
        "monitoring": entry.monitoring,
        "objection_procedure": entry.objection_procedure,
        "impact_assessment_status": entry.impact_assessment_status,
        "impact_assessment_url": entry.impact_assessment_url,
        "source_code_url": entry.source_code_url,
        "dataset_urls": _join(entry.dataset_urls),
        "thematic_areas": _join(entry.thematic_areas),
        "locations": format_locations(entry.locations),
        "purpose_labels": _join(_labels(entry.purposes, lang)),
        "data_category_labels": _join(_labels(entry.data_categories, lang)),
        "legal_basis_labels": _join(_labels(entry.legal_bases, lang)),
        "sensitive_data": "yes" if _sensitive_labels(entry, lang) else "no",
        "public_url": entry.public_url,
        "version": str(entry.version),
        "published_at": _iso(entry.published_at),
        "updated_at": _iso(entry.updated_at),
    }
    for name in TRANSLATED_COLUMNS:
        for code in CONTENT_LANGUAGES:
            if entry.languages and code not in entry.languages:
                # Only the city's languages (``EntryData.languages``): a department named in
                # a language the city does not publish in would make its own export refused
                # when imported back.
                cell = ""
            elif name == "locations":
                cell = format_locations(entry.locations, code) if _has(entry, code) else ""
            elif name == "department":
                cell = entry.department.names.get(code, "")
            else:
                cell = entry.texts(name).get(code, "")
            row[f"{name}_{code}"] = cell
    return {key: value if key in _UNGUARDED else guard_formula(value) for key, value in row.items()}


def _has(entry: EntryData, language: str) -> bool:
    return any(language in location.descriptions for location in entry.locations)


def write_csv(
    entries: Iterable[EntryData],
    stream: TextIO,
    *,
    lang: str = vocab.DEFAULT_LANGUAGE,
    include_unpublished: bool = False,
) -> int:
    """Write a header and one RFC 4180 row per entry to ``stream``; return the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=CSV_HEADERS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for entry in published_only(entries, include_unpublished):
        writer.writerow(entry_row(entry, lang))
        count += 1
    return count


def iter_csv(
    entries: Iterable[EntryData],
    *,
    lang: str = vocab.DEFAULT_LANGUAGE,
    include_unpublished: bool = False,
    batch: int = 500,
) -> Iterator[str]:
    """The CSV in chunks, for a streaming HTTP response that never holds the whole file."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_HEADERS, lineterminator="\r\n")
    writer.writeheader()
    pending = 0
    for entry in published_only(entries, include_unpublished):
        writer.writerow(entry_row(entry, lang))
        pending += 1
        if pending >= batch:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def to_csv(
    entries: Iterable[EntryData],
    *,
    lang: str = vocab.DEFAULT_LANGUAGE,
    include_unpublished: bool = False,
) -> str:
    """The whole CSV as one string (small registers, tests)."""
    return "".join(iter_csv(entries, lang=lang, include_unpublished=include_unpublished))


# --- GeoJSON (RFC 7946) ----------------------------------------------------------------------

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
GEOJSON_MEDIA_TYPE = "application/geo+json"


def _json(value: Any) -> str:
    """Compact JSON that is also safe inside an HTML <script> block (no raw < > &)."""
    text = _ENCODER.encode(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _feature_id(entry: EntryData, location: LocationData, index: int) -> str | int:
    if location.id is not None:
        return location.id
    return f"{entry.short_code or entry.slug or entry.id}-{index + 1}"


def _feature_properties(entry: EntryData, location: LocationData) -> dict[str, Any]:
    return {
        "name": entry.name,
        "names": dict(entry.texts("name")),
        "kind": entry.kind,
        "status": entry.status,
        "entry": entry.short_code,
        "description": location.description,
        "descriptions": dict(location.descriptions),
        "url": location.url or entry.public_url,
    }


def location_features(
    entries: Iterable[EntryData], *, include_unpublished: bool = False
) -> Iterator[dict[str, Any]]:
    """One GeoJSON Feature per location, coordinates in RFC 7946 order: [longitude, latitude]."""
    for entry in published_only(entries, include_unpublished):
        for index, location in enumerate(entry.locations):
            yield {
                "type": "Feature",
                "id": _feature_id(entry, location, index),
                "geometry": {"type": "Point", "coordinates": [location.lon, location.lat]},
                "properties": _feature_properties(entry, location),
            }


def to_geojson(
    entries: Iterable[EntryData], *, include_unpublished: bool = False
) -> dict[str, Any]:
    """A FeatureCollection as Python data (for the API layer or tests)."""
    return {
        "type": "FeatureCollection",
        "features": list(location_features(entries, include_unpublished=include_unpublished)),
    }


def iter_geojson(
    entries: Iterable[EntryData],
    *,
    include_unpublished: bool = False,
    batch: int = 1000,
    map_layer: bool = False,
) -> Iterator[str]:
    """Compact GeoJSON text in chunks, built without an intermediate FeatureCollection.

    The properties shared by all locations of an entry are encoded once per entry and the
    per-location parts are spliced in, which keeps 20,000 features well under the 500 ms budget.

    ``map_layer``: only what the map shows (name, description and link, in the reader's
    language), for the map page; the open-data file has every language, the kind, status
    and entry too. For 20,000 places that is 4.5 MB instead of 7.5 (507 KB gzipped instead
    of 682), which a phone opening the map downloads and a spike serves far more often.
    """
    yield '{"type":"FeatureCollection","features":['
    chunk: list[str] = []
    first = True
    for entry in published_only(entries, include_unpublished):
        if map_layer:
            shared = _json({"name": entry.name})[1:-1]
        else:
            shared = _json(
                {
                    "name": entry.name,
                    "names": dict(entry.texts("name")),
                    "kind": entry.kind,
                    "status": entry.status,
                    "entry": entry.short_code,
                }
            )[1:-1]
        for index, location in enumerate(entry.locations):
            feature = (
                '{"type":"Feature","id":'
                + _json(_feature_id(entry, location, index))
                + ',"geometry":{"type":"Point","coordinates":['
                + repr(float(location.lon))
                + ","
                + repr(float(location.lat))
                + ']},"properties":{'
                + shared
                + ',"description":'
                + _json(location.description)
                + ("" if map_layer else ',"descriptions":' + _json(dict(location.descriptions)))
                + ',"url":'
                + _json(location.url or entry.public_url)
                + "}}"
            )
            chunk.append(feature if first else "," + feature)
            first = False
            if len(chunk) >= batch:
                yield "".join(chunk)
                chunk = []
    if chunk:
        yield "".join(chunk)
    yield "]}"


def geojson_text(
    entries: Iterable[EntryData], *, include_unpublished: bool = False, map_layer: bool = False
) -> str:
    """The whole compact GeoJSON document as one string."""
    return "".join(
        iter_geojson(entries, include_unpublished=include_unpublished, map_layer=map_layer)
    )


# --- Algorithm-register standards ------------------------------------------------------------

ATRS_VERSION = "3.0"
EUROCITIES_VERSION = "0.3.1"
ALGORITMEREGISTER_VERSION = "1.0"


class NotAnAlgorithmError(ValueError):
    """The algorithm-register standards describe algorithms only; other kinds are refused."""


def _require_algorithm(entry: EntryData, standard: str) -> None:
    if not entry.is_algorithm:
        raise NotAnAlgorithmError(
            f"{standard} describes algorithms only; entry {entry.short_code or entry.name!r} "
            f"is of kind {entry.kind!r}."
        )


_AUTOMATION_TEXT = MappingProxyType(
    {
        "none": "No automation: people take every decision.",
        "assisted": "The tool gives information to staff, who decide.",
        "partly_automated": "The tool takes some steps automatically; staff decide the outcome.",
        "fully_automated": "The tool decides automatically, without a person in each decision.",
    }
)

_ATRS_PHASE = MappingProxyType(
    {
        "planned": "Pre-deployment",
        "pilot": "Beta/Pilot",
        "in_use": "Production",
        "retired": "Retired",
    }
)


def _in(labels: Mapping[str, str], lang: str) -> str:
    """A ``{language: label}`` in ``lang``, else English, else any."""
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()), "")


def assessment_sentence(facts: AssessmentFacts, lang: str) -> str:
    """One sentence naming a decided impact assessment and its decision, in ``lang``."""
    with translation.override(lang):
        text = translation.gettext(
            "Impact assessment “%(title)s” (%(kind)s), decided on %(date)s: %(decision)s."
        )
    return text % {
        "kind": _in(facts.kind, lang).lower(),
        "title": facts.title,
        "date": facts.decided_on.isoformat(),
        "decision": _in(facts.decision, lang).lower(),
    }


def _risk_lines(facts: AssessmentFacts, lang: str) -> list[str]:
    lines = []
    with translation.override(lang):
        for risk in facts.risks:
            line = labelled(_in(risk.right, lang), " ".join(risk.description.split()))
            if risk.mitigations:
                measures = "; ".join(" ".join(m.split()) for m in risk.mitigations)
                line += " " + translation.gettext("Measures: %(measures)s.") % {
                    "measures": measures.rstrip(".")
                }
            lines.append(line)
    return lines


def assessment_text(facts: AssessmentFacts, lang: str, *, risks: bool = True) -> str:
    """The assessment, its decision, its published summary and (``risks``) its risks."""
    parts = [assessment_sentence(facts, lang)]
    if facts.summary:
        parts.append(" ".join(facts.summary.split()))
    if risks:
        parts += _risk_lines(facts, lang)
    return "\n".join(parts)


def _impact_assessment_items(entry: EntryData, lang: str) -> list[dict[str, str | None]]:
    facts = entry.assessment
    if facts is not None:
        return [
            {
                "assessment_title": facts.title,
                "assessment_description": assessment_text(facts, lang, risks=False),
                "assessment_date": facts.decided_on.isoformat(),
                "assessment_link": facts.summary_url or None,
            }
        ]
    if not (entry.impact_assessment_status or entry.impact_assessment_url):
        return []
    return [
        {
            "assessment_title": "Human-rights and data-protection impact assessment",
            "assessment_description": entry.impact_assessment_status or None,
            "assessment_date": None,
            "assessment_link": entry.impact_assessment_url or None,
        }
    ]


def to_atrs(entry: EntryData, lang: str = "en") -> dict[str, Any]:
    """The entry in the shape of the UK Algorithmic Transparency Recording Standard v3.0.

    Keys are snake_case renderings of the template's field names; fields we do not record are
    present with ``None`` so a reviewer sees what is missing (see docs/register-standards.md).
    """
    _require_algorithm(entry, "The ATRS")
    department = entry.department
    email = contact_email(entry.contact)
    phase = _ATRS_PHASE.get(entry.status)
    return {
        "standard": "UK Algorithmic Transparency Recording Standard",
        "standard_version": ATRS_VERSION,
        "metadata": {
            "title": entry.name,
            "reference": entry.short_code or None,
            "organisation": department.organisation or None,
            "phase": phase,
            "date_published": _iso(entry.published_at) or None,
            "date_updated": _iso(entry.updated_at) or None,
        },
        "tier_1": {
            "name": entry.name,
            "description": entry.summary,
            "website_url": entry.public_url or None,
            "contact_email": email,
        },
        "tier_2": {
            "owner_and_responsibility": {
                "organisation_or_department": department.organisation or department.name,
                "team": department.name,
                "senior_responsible_owner": None,
                "external_supplier_involvement": "Yes" if entry.provider_is_external else "No",
                "external_supplier": entry.provider if entry.provider_is_external else None,
                "companies_house_number": None,
                "external_supplier_role": None,
                "procurement_procedure_type": None,
                "data_access_terms": None,
            },
            "description_and_rationale": {
                "detailed_description": entry.summary,
                "scope": "; ".join(_labels(entry.purposes, lang)) or None,
                "benefit": None,
                "previous_process": None,
                "alternatives_considered": None,
            },
            "decision_making_process": {
                "process_integration": " ".join(
                    text
                    for text in (
                        entry.decision_making_process,
                        _AUTOMATION_TEXT.get(entry.automation_level, ""),
                    )
                    if text
                )
                or None,
                "provided_information": None,
                "frequency_and_scale_of_usage": None,
                "human_decisions_and_review": entry.human_oversight or None,
                "required_training": None,
                "appeals_and_review": entry.objection_procedure or None,
            },
            "tool_specification": {
                "system_architecture": None,
                "phase": phase,
                "maintenance": entry.monitoring or None,
                "models": [],
                "data_specification": {
                    "source_data_name": None,
                    "data_modality": None,
                    "data_description": "; ".join(_labels(entry.data_categories, lang)) or None,
                    "data_quantity": None,
                    "sensitive_attributes": "; ".join(_sensitive_labels(entry, lang)) or None,
                    "data_completeness_and_representativeness": None,
                    "source_data_url": list(entry.dataset_urls),
                    "data_collection": entry.data_subjects or None,
                    "data_cleaning": None,
                    "data_sharing_agreements": entry.recipients or None,
                    "data_access_and_storage": entry.retention or None,
                },
            },
            "risks_mitigations_and_impact_assessments": {
                "impact_assessments": _impact_assessment_items(entry, lang),
                "risks": [
                    {
                        "risk_name": "Overall risk level assessed by the city",
                        "risk_description": entry.risk_level,
                        "risk_mitigation": entry.human_oversight or None,
                    },
                    *(
                        {
                            "risk_name": _in(risk.right, lang),
                            "risk_description": risk.description,
                            "risk_mitigation": "; ".join(risk.mitigations) or None,
                        }
                        for risk in (entry.assessment.risks if entry.assessment else ())
                    ),
                ],
            },
        },
    }


_EUROCITIES_STATUS = MappingProxyType(
    {"planned": "planned", "pilot": "pilot", "in_use": "operational", "retired": "retired"}
)
#: Our local risk levels mapped onto the EU AI Act tiers used by the Eurocities schema.
#: An approximation: the city's level is not a legal AI Act classification (see the docs).
_EUROCITIES_RISK = MappingProxyType(
    {"low": "minimal risk", "medium": "limited risk", "high": "high risk"}
)
_EUROCITIES_ALGORITHM_TYPE = MappingProxyType(
    {"rule_based": "rule-based", "self_learning": "self-learning", "hybrid": "hybrid"}
)


def _risk_without_assessment(entry: EntryData, lang: str) -> str:
    """What the register can say of the risks when no impact assessment has been decided."""
    sentences = {
        "low": gettext_noop(
            "No impact assessment of this algorithm has been decided. The city rates its "
            "risk as low."
        ),
        "medium": gettext_noop(
            "No impact assessment of this algorithm has been decided. The city rates its "
            "risk as medium."
        ),
        "high": gettext_noop(
            "No impact assessment of this algorithm has been decided. The city rates its "
            "risk as high."
        ),
    }
    with translation.override(lang):
        return translation.gettext(sentences.get(entry.risk_level, sentences["high"]))


#: Namespace for the deterministic UUIDs the Eurocities schema asks for.
_UUID_NAMESPACE = uuid.UUID("2b1d7c0e-4a57-5b8e-9c51-6f1f0f3b7a10")


def _covers(facts: AssessmentFacts, data_protection: bool | None) -> bool:
    if data_protection is None:
        return True
    return facts.data_protection if data_protection else facts.human_rights


def _assessment_of_kind(entry: EntryData, lang: str, *, data_protection: bool) -> str | None:
    """The decided assessment if it covers data protection (DPIA) or human rights (AIA)."""
    facts = entry.assessment
    if facts is not None:
        return assessment_text(facts, lang) if _covers(facts, data_protection) else None
    return entry.impact_assessment_status or None


def _assessment_url(entry: EntryData, *, data_protection: bool | None = None) -> str:
    """The published summary of the decided assessment (of that kind), else the stored link."""
    facts = entry.assessment
    if facts is not None:
        return facts.summary_url if _covers(facts, data_protection) else ""
    return entry.impact_assessment_url


def registration_uuid(entry: EntryData) -> str:
    """A stable UUID per entry, derived from its public URL (or short code)."""
    key = entry.public_url or f"cityrights:{entry.short_code or entry.slug or entry.name}"
    return str(uuid.uuid5(_UUID_NAMESPACE, key))


def to_eurocities(entry: EntryData, lang: str = "en") -> dict[str, Any]:
    """The entry in the shape of the Eurocities Algorithmic Transparency Standard v0.3.1."""
    _require_algorithm(entry, "The Eurocities standard")
    department = entry.department
    last_change = entry.updated_at or entry.published_at
    revision = (last_change.date() + timedelta(days=365)) if last_change else None
    data_text = "; ".join(_labels(entry.data_categories, lang))
    return {
        "standard_version": EUROCITIES_VERSION,
        "uuid": registration_uuid(entry),
        "lang": lang,
        "publication_date": entry.published_at.date().isoformat() if entry.published_at else None,
        "last_change_date": last_change.date().isoformat() if last_change else None,
        "revision_date": revision.isoformat() if revision else None,
        "revision_note": "yearly review" if revision else None,
        "keywords": ", ".join(
            [
                *_labels(entry.purposes, lang),
                *(area.replace("_", " ") for area in entry.thematic_areas),
            ]
        )
        or None,
        "name": entry.name,
        "organization": department.organisation or None,
        "department": department.name,
        "contact_email": contact_email(entry.contact),
        "contact_phone": None,
        "contact_name": None,
        "description_short": _shorten(entry.summary, 150),
        "website": entry.public_url or None,
        "status": _EUROCITIES_STATUS.get(entry.status),
        "remark": None,
        "decision_making_process": entry.decision_making_process or None,
        "domain": DOMAINS.get(entry.domain),
        "area": department.organisation or None,
        "goal": "; ".join(_labels(entry.purposes, lang)) or None,
        "impact": entry.data_subjects or None,
        "risks": (
            assessment_text(entry.assessment, lang)
            if entry.assessment
            else entry.impact_assessment_status or _risk_without_assessment(entry, lang)
        ),
        "risk_category": _EUROCITIES_RISK.get(entry.risk_level),
        "proportionality": entry.proportionality or None,
        "lawful_basis": "; ".join(_labels(entry.legal_bases, lang)) or None,
        "documentation": _assessment_url(entry) or None,
        "training_data": entry.training_data or None,
        "source_data": data_text or None,
        "data_bias": None,
        "connected_data_sources": _join(
            [text for text in (entry.data_connections, *entry.dataset_urls) if text]
        )
        or None,
        "DPIA_description": _assessment_of_kind(entry, lang, data_protection=True),
        "DPIA_url": _assessment_url(entry, data_protection=True) or None,
        "description": entry.summary,
        "algorithm_type": _EUROCITIES_ALGORITHM_TYPE.get(entry.algorithm_type),
        "methods_and_models": None,
        "performance": None,
        "alternatives_considered": None,
        "product_information": None,
        "codebase_url": entry.source_code_url or None,
        "product_page": entry.public_url or None,
        "AIA_description": _assessment_of_kind(entry, lang, data_protection=False),
        "AIA_url": _assessment_url(entry, data_protection=False) or None,
        "type": entry.use_type or None,
        "monitoring": entry.monitoring or None,
        "human_intervention": entry.human_oversight or None,
        "objection_procedure": entry.objection_procedure or None,
        "rollback": None,
    }


_NL_STATUS = MappingProxyType(
    {
        "planned": "In ontwikkeling",
        "pilot": "In ontwikkeling",
        "in_use": "In gebruik",
        "retired": "Buiten gebruik",
    }
)
#: Category A (high-risk AI system under the AI Act) is a legal classification we never infer.
_NL_PUBLICATION_CATEGORY = MappingProxyType(
    {
        "low": "Overige algoritmes",
        "medium": "Impactvolle algoritmes",
        "high": "Impactvolle algoritmes",
    }
)


#: The theme of the Dutch register closest to each domain; a domain without a clear match
#: (defence; families, young people and households) gives no theme rather than a wrong one.
_NL_CATEGORY = MappingProxyType(
    {
        "taxes": "Overheidsfinanciën",
        "housing": "Wonen",
        "culture": "Cultuur en recreatie",
        "economy": "Economie",
        "finance": "Overheidsfinanciën",
        "generic": "Organisatie en bedrijfsvoering",
        "health": "Zorg en gezondheid",
        "immigration": "Migratie en integratie",
        "international": "Internationaal",
        "agriculture": "Natuur en milieu",
        "environment": "Natuur en milieu",
        "education": "Onderwijs en wetenschap",
        "public_safety": "Openbare orde en veiligheid",
        "government": "Organisatie en bedrijfsvoering",
        "justice": "Recht",
        "abroad": "Internationaal",
        "benefits": "Sociale zekerheid",
        "traffic": "Verkeer",
        "work": "Werk",
    }
)
#: The algorithm type in the Dutch words of the Eurocities standard (``lang`` is ``nld``).
_NL_ALGORITHM_TYPE = MappingProxyType(
    {"rule_based": "Regelgebaseerd", "self_learning": "Zelflerend", "hybrid": "Hybride"}
)


#: The longest text the Dutch register takes in its text fields.
_NL_TEXT = 2500


def _year_month(value: date | None) -> str | None:
    return value.strftime("%Y-%m") if value else None


def _links(items: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"title": title, "link": link} for title, link in items]


def to_algoritmeregister(entry: EntryData) -> dict[str, Any]:
    """The entry in the shape of the Dutch Algoritmeregister publication standard 1.0.

    Labels are Dutch because the standard only accepts ``lang = "nld"``; the free text (name,
    summary, oversight) stays as the city wrote it.
    """
    _require_algorithm(entry, "The Algoritmeregister standard")
    department = entry.department
    tags = [*_labels(entry.purposes, "nl"), *(a.replace("_", " ") for a in entry.thematic_areas)]
    facts = entry.assessment
    link = _assessment_url(entry)
    assessment_links = (
        _links([(_shorten(facts.title if facts else "Impact assessment", 100), link)])
        if link
        else []
    )
    return {
        "name": _shorten(entry.name, 100),
        "description_short": _shorten(entry.summary, 400),
        "organization": _shorten(department.organisation or department.name, 100),
        "category": [_NL_CATEGORY[entry.domain]] if entry.domain in _NL_CATEGORY else [],
        "status": _NL_STATUS.get(entry.status),
        "begin_date": _year_month(entry.start_date),
        "end_date": _year_month(entry.end_date),
        "contact_email": entry.contact or None,
        "website": entry.public_url or None,
        "publication_category": _NL_PUBLICATION_CATEGORY.get(entry.risk_level),
        "url": entry.public_url or None,
        "goal": "; ".join(_labels(entry.purposes, "nl")) or None,
        "proportionality": _shorten(entry.proportionality, 2500) or None,
        "human_intervention": entry.human_oversight or None,
        "risks": _shorten("\n".join(_risk_lines(facts, "nl")), _NL_TEXT)
        if facts and facts.risks
        else (None if facts else entry.impact_assessment_status or None),
        "lawful_basis": "; ".join(_labels(entry.legal_bases, "nl")) or None,
        "lawful_basis_grouping": _links(
            (vocab.label(iri, "nl"), vocab.get_term(iri).iri) for iri in entry.legal_bases
        ),
        "process_index_url": None,
        "impacttoetsen": _shorten(assessment_text(facts, "nl", risks=False), _NL_TEXT)
        if facts
        else entry.impact_assessment_status or None,
        "impacttoetsen_grouping": assessment_links,
        "source_data": "; ".join(_labels(entry.data_categories, "nl")) or None,
        "source_data_grouping": _links((url, url) for url in entry.dataset_urls),
        "methods_and_models": _NL_ALGORITHM_TYPE.get(entry.algorithm_type),
        "provider": entry.provider or None,
        "publiccode": entry.source_code_url or None,
        "lang": "nld",
        "standard_version": ALGORITMEREGISTER_VERSION,
        "source_id": entry.short_code or None,
        "tags": ", ".join(tags) or None,
    }


STANDARD_EXPORTERS = MappingProxyType(
    {
        "atrs": to_atrs,
        "eurocities": to_eurocities,
        "algoritmeregister": to_algoritmeregister,
    }
)


def export_standard(
    entries: Iterable[EntryData],
    standard: str,
    *,
    lang: str = "en",
    include_unpublished: bool = False,
) -> list[dict[str, Any]]:
    """All published algorithm entries in one standard's shape; other kinds are left out.

    ``lang`` is the language of the labels and sentences (ATRS, Eurocities); build the
    records in the same language (``snapshots.to_record`` under ``translation.override``).
    The Algoritmeregister is always Dutch (its only ``lang`` is ``nld``).
    """
    if standard not in STANDARD_EXPORTERS:
        raise ValueError(f"Unknown standard {standard!r}; use one of {sorted(STANDARD_EXPORTERS)}.")
    chosen = [e for e in published_only(entries, include_unpublished) if e.is_algorithm]
    if standard == "algoritmeregister":
        return [to_algoritmeregister(entry) for entry in chosen]
    exporter = to_atrs if standard == "atrs" else to_eurocities
    return [exporter(entry, lang) for entry in chosen]

"""Plain, immutable records of register entries, independent of Django.

Why: the exports (CSV, GeoJSON, DCAT, algorithm-register standards) and the bulk importer are
pure functions. They take and return these records, so they can be tested without a database
and reused by the API, the management command and the benchmarks. The Django layer converts
model instances to ``EntryData`` (from the *published* version only) before exporting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

ENTRY_KINDS: tuple[str, ...] = ("algorithm", "sensor", "service", "platform", "dataset")
STATUSES: tuple[str, ...] = ("planned", "pilot", "in_use", "retired")
AUTOMATION_LEVELS: tuple[str, ...] = ("none", "assisted", "partly_automated", "fully_automated")
RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high")
#: Keys of the six thematic areas of the Digital Rights Governance Guide.
THEMATIC_AREAS: tuple[str, ...] = (
    "inclusion",
    "autonomy",
    "transparency",
    "participation",
    "privacy",
    "public_goods",
)

#: Policy domains of an algorithm (``models.Domain``), each with its value in the Eurocities
#: standard 0.3.1 (its ``domain`` enum, spelling included).
DOMAINS: Mapping[str, str] = {
    "taxes": "taxes",
    "housing": "housing, living and living environment",
    "culture": "culture, sports and leisure",
    "defence": "defence",
    "economy": "economy and entrepreneurship",
    "family": "family, youth and households",
    "finance": "finance",
    "generic": "generic",
    "health": "health and health care",
    "immigration": "immigration and integration",
    "international": "international collaboration and development aid",
    "agriculture": "agriculture, nature and food",
    "environment": "environment, spacial planning and water",
    "education": "education and science",
    "public_safety": "public safety",
    "government": "government",
    "justice": "justice",
    "abroad": "travel, living and working abroad",
    "benefits": "subsidies, benefits and allowances",
    "traffic": "traffic and transportation",
    "work": "work and career",
}
#: How an algorithm came to its rules (``models.AlgorithmType``).
ALGORITHM_TYPES: tuple[str, ...] = ("rule_based", "self_learning", "hybrid")
#: What an algorithm's results do (``models.UseType``; the Eurocities ``type``).
USE_TYPES: tuple[str, ...] = ("descriptive", "diagnostic", "predictive", "prescriptive")

LAT_RANGE = (-90.0, 90.0)
LON_RANGE = (-180.0, 180.0)


def check_coordinates(lat: float, lon: float) -> None:
    """Raise ``ValueError`` unless (lat, lon) is a finite WGS 84 position.

    Shared by the records, the importer and (later) the model forms so every path rejects the
    same inputs with the same wording.
    """
    if isinstance(lat, bool) or isinstance(lon, bool):
        raise ValueError(_("Coordinates must be numbers."))
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(_("Coordinates must be finite numbers."))
    if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
        raise ValueError(_("Latitude %(value)s is outside -90 to 90.") % {"value": lat})
    if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
        raise ValueError(_("Longitude %(value)s is outside -180 to 180.") % {"value": lon})


@dataclass(frozen=True, slots=True)
class LocationData:
    """A point where a sensor or camera is installed, with a description of the place."""

    lat: float
    lon: float
    description: str = ""
    id: int | None = None
    #: Short, stable code of the location (for its QR code and short URL), if it has one.
    short_code: str = ""
    #: Public URL of the location (falls back to the entry URL in exports when empty).
    url: str = ""
    #: The description in every language that has one (``description`` is the one shown).
    descriptions: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        check_coordinates(self.lat, self.lon)


@dataclass(frozen=True, slots=True)
class DepartmentData:
    """The department accountable for an entry, and the organisation (city) it belongs to."""

    name: str
    slug: str = ""
    organisation: str = ""
    #: Country of the organisation (ISO code).
    organisation_country: str = ""
    #: Names of the organisation's own departments: a provider among them is not a supplier.
    own_units: tuple[str, ...] = ()
    #: The department's name in every language that has one (``name`` is the one shown).
    names: Mapping[str, str] = field(default_factory=dict, compare=False)


#: The facts (``core.registry`` facts provider) about an entry's impact assessment: for a
#: register entry id, :class:`AssessmentFacts` of its decided assessments. The impact app
#: answers, so the register never imports it.
ASSESSMENT_FACTS = "register.entry.assessment_facts"


@dataclass(frozen=True, slots=True)
class AssessmentRisk:
    """One risk of a published impact assessment and what the city does about it."""

    #: The right at risk, ``{language: label}``.
    right: Mapping[str, str]
    description: str
    mitigations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AssessmentFacts:
    """What the exports may say of a register entry's impact assessment.

    Only a *decided* assessment has facts (a draft, or one still in review, has none). Its
    public summary, the summary's address and its risks are given only once the city has
    published the summary; before that the exports name the assessment and its decision only.
    """

    title: str
    #: ``{language: label}`` of the kind of assessment and of the decision.
    kind: Mapping[str, str]
    decision: Mapping[str, str]
    decided_on: date
    #: It covers data protection (a DPIA), human rights (a fundamental-rights assessment), or both.
    data_protection: bool = False
    human_rights: bool = False
    reassess_by: date | None = None
    summary: str = ""
    summary_url: str = ""
    risks: tuple[AssessmentRisk, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryData:
    """One register entry as residents and exports see it.

    Multi-valued fields are tuples so an ``EntryData`` is hashable and safely shareable between
    threads. Vocabulary fields hold full DPV IRIs (see ``cityrights.core.vocab``).
    """

    name: str
    kind: str
    summary: str
    department: DepartmentData
    contact: str
    status: str
    risk_level: str
    purposes: tuple[str, ...] = ()
    id: int | None = None
    short_code: str = ""
    slug: str = ""
    provider: str = ""
    start_date: date | None = None
    end_date: date | None = None
    legal_bases: tuple[str, ...] = ()
    data_categories: tuple[str, ...] = ()
    #: Whose data, in plain words (e.g. "passers-by, drivers").
    data_subjects: str = ""
    retention: str = ""
    recipients: str = ""
    automation_level: str = "none"
    human_oversight: str = ""
    impact_assessment_status: str = ""
    impact_assessment_url: str = ""
    source_code_url: str = ""
    dataset_urls: tuple[str, ...] = ()
    #: What the algorithm-register standards ask about an algorithm (empty when not given).
    domain: str = ""
    algorithm_type: str = ""
    use_type: str = ""
    decision_making_process: str = ""
    proportionality: str = ""
    training_data: str = ""
    data_connections: str = ""
    monitoring: str = ""
    objection_procedure: str = ""
    thematic_areas: tuple[str, ...] = ()
    locations: tuple[LocationData, ...] = field(default=())
    published_at: datetime | None = None
    version: int = 0
    updated_at: datetime | None = None
    public_url: str = ""
    #: The city's languages, first one first: the languages an export writes texts in.
    languages: tuple[str, ...] = ()
    #: The latest decided impact assessment of the entry, if any (``ASSESSMENT_FACTS``).
    assessment: AssessmentFacts | None = field(default=None, compare=False)
    #: Every language of each translated text, ``{"name": {"fr": …, "nl": …}, …}``; the
    #: plain fields hold the text in the export's language (with the city's fallback).
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)

    def texts(self, name: str) -> Mapping[str, str]:
        """``{language: text}`` of a translated text (just the plain one if none are known)."""
        known = self.translations.get(name)
        if known:
            return known
        value = getattr(self, name, "")
        return {self.languages[0]: value} if value and self.languages else {}

    @property
    def is_published(self) -> bool:
        """Exports leave out entries that were never published (drafts, entries in review)."""
        return self.published_at is not None

    @property
    def provider_is_external(self) -> bool:
        """A provider that is neither the city nor one of its departments (ATRS: a supplier)."""
        provider = " ".join(self.provider.split()).casefold()
        if not provider:
            return False
        own = {self.department.name, self.department.organisation, *self.department.own_units}
        return provider not in {" ".join(name.split()).casefold() for name in own if name}

    @property
    def is_algorithm(self) -> bool:
        """Only algorithms go into the algorithm-register standards."""
        return self.kind == "algorithm"


# --- Tabular shape shared by the CSV export and the bulk import ---------------------------------

#: Separator between values of a multi-valued cell (IRIs, URLs, area keys).
MULTI_SEPARATOR = " | "

#: Columns an inventory spreadsheet may fill; the CSV export writes them too (round trip).
TEMPLATE_HEADERS: tuple[str, ...] = (
    "name",
    "kind",
    "summary",
    "purposes",
    "department",
    "contact",
    "provider",
    "status",
    "start_date",
    "end_date",
    "legal_bases",
    "data_categories",
    "data_subjects",
    "retention",
    "recipients",
    "automation_level",
    "human_oversight",
    "risk_level",
    "domain",
    "decision_making_process",
    "proportionality",
    "algorithm_type",
    "use_type",
    "training_data",
    "data_connections",
    "monitoring",
    "objection_procedure",
    "impact_assessment_status",
    "impact_assessment_url",
    "source_code_url",
    "dataset_urls",
    "thematic_areas",
    "locations",
)

#: The languages city texts may be written in (``settings.LANGUAGES``; a test keeps them equal).
CONTENT_LANGUAGES: tuple[str, ...] = ("en", "fr", "nl")
#: Texts about an algorithm that the algorithm-register standards ask for
#: (docs/register-standards.md).
ALGORITHM_TEXTS: tuple[str, ...] = (
    "decision_making_process",
    "proportionality",
    "training_data",
    "data_connections",
    "monitoring",
    "objection_procedure",
)
#: Texts a city writes per language; the export adds a column per language (``name_fr``).
TRANSLATED_COLUMNS: tuple[str, ...] = (
    "name",
    "summary",
    "department",
    "data_subjects",
    "retention",
    "recipients",
    "human_oversight",
    *ALGORITHM_TEXTS,
    "locations",
)
LANGUAGE_HEADERS: tuple[str, ...] = tuple(
    f"{name}_{code}" for name in TRANSLATED_COLUMNS for code in CONTENT_LANGUAGES
)

#: Columns only the export writes (identifiers, labels, publication data); the importer skips them.
EXPORT_ONLY_HEADERS: tuple[str, ...] = (
    "id",
    "short_code",
    "slug",
    "purpose_labels",
    "data_category_labels",
    "legal_basis_labels",
    "sensitive_data",
    "public_url",
    "version",
    "published_at",
    "updated_at",
    *LANGUAGE_HEADERS,
)

CSV_HEADERS: tuple[str, ...] = (
    "id",
    "short_code",
    "slug",
    *TEMPLATE_HEADERS,
    "purpose_labels",
    "data_category_labels",
    "legal_basis_labels",
    "sensitive_data",
    "public_url",
    "version",
    "published_at",
    "updated_at",
    *LANGUAGE_HEADERS,
)


def format_number(value: float) -> str:
    """Shortest decimal that reads back as exactly the same float (Python's float repr)."""
    return repr(float(value))


def _safe_description(text: str) -> str:
    """Descriptions sit inside parentheses; unbalanced ones are turned into brackets."""
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        text = text.replace("(", "[").replace(")", "]")
    return " ".join(text.split())


def format_location(location: LocationData, language: str = "") -> str:
    """``lat,lon (description)``: the cell syntax the importer parses.

    With ``language``, the description in that language only (empty if it has none).
    """
    text = f"{format_number(location.lat)},{format_number(location.lon)}"
    shown = location.descriptions.get(language, "") if language else location.description
    description = _safe_description(shown)
    return f"{text} ({description})" if description else text


def format_locations(
    locations: tuple[LocationData, ...] | list[LocationData], language: str = ""
) -> str:
    """All locations of an entry in one cell, separated by ``; ``."""
    return "; ".join(format_location(location, language) for location in locations)

"""DCAT-AP 3.0 descriptions of a city's open data: one typed builder every app uses.

Apps describe what they publish as plain records (:class:`Dataset`, :class:`Distribution`,
texts as ``{language: text}``) in a small ``datasets.py`` and offer them through
``core.registry.add_open_datasets``; :func:`catalogue_graph` turns a :class:`Catalogue` into
an rdflib graph, :func:`to_turtle` and :func:`to_jsonld` serialise it. The register's own
catalogue and the city's open-data catalogue (``/cities/<org>/open-data/``) both come from
here, so both conform to the same shapes.

Why the graph states so much about the resources it only points at: the official DCAT-AP
3.0.0 SHACL shapes (``dcat-ap-SHACL.ttl``, ``mdr-vocabularies.shape.ttl``,
``shapes_recommended.ttl``; copies in ``../shared/standards/dcat-ap-3.0.0/``) check the
*class* of every value (``sh:class``) in the data graph itself, with no inference and no
download of the EU vocabularies. So a licence is written as a ``dct:LicenseDocument``, a
landing page as a ``foaf:Document``, a theme, language, file type, frequency, availability or
country as a ``skos:Concept`` with its ``skos:inScheme`` and ``skos:prefLabel`` (the scheme
being a ``skos:ConceptScheme`` with a ``dct:title``), as the EU Publications Office's own
tables state them. The labels are the authority tables' labels (facts, not our prose).

IRIs: every IRI we write goes through :func:`iri`, which percent-encodes what an IRI may not
contain (spaces, a second ``#``): a distribution's IRI is its dataset's IRI with a suffix in
the same fragment (``…#dataset-csv``), never ``…#dataset#distribution-csv``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

__all__ = [
    "AUTHORITY",
    "FILE_TYPES",
    "Agent",
    "Catalogue",
    "Contact",
    "Dataset",
    "Distribution",
    "FileType",
    "catalogue_graph",
    "child_iri",
    "iri",
    "pick_text",
    "to_jsonld",
    "to_turtle",
]

AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
PUBLISHER_TYPE_SCHEME = "http://purl.org/adms/publishertype/1.0"
DCATAP = "http://data.europa.eu/r5r/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

Texts = Mapping[str, str]

# --- EU vocabularies -------------------------------------------------------------------------
#
# ``{code: {language: label}}`` per authority table, as the Publications Office labels them.

_SCHEME_TITLES: Mapping[str, str] = MappingProxyType(
    {
        "data-theme": "Data theme",
        "language": "Language",
        "file-type": "File type",
        "frequency": "Frequency",
        "planned-availability": "Planned availability",
        "access-right": "Access right",
        "country": "Country",
        "licence": "Licence",
    }
)

THEMES: Mapping[str, Texts] = MappingProxyType(
    {
        "GOVE": {
            "en": "Government and public sector",
            "fr": "Gouvernement et secteur public",
            "nl": "Overheid en publieke sector",
        },
        "TECH": {
            "en": "Science and technology",
            "fr": "Science et technologie",
            "nl": "Wetenschap en technologie",
        },
        "SOCI": {
            "en": "Population and society",
            "fr": "Population et société",
            "nl": "Bevolking en samenleving",
        },
        "REGI": {"en": "Regions and cities", "fr": "Régions et villes", "nl": "Regio's en steden"},
        "EDUC": {
            "en": "Education, culture and sport",
            "fr": "Éducation, culture et sport",
            "nl": "Onderwijs, cultuur en sport",
        },
    }
)

#: ISO 639-1 codes the interface offers (and German) to the EU language table.
LANGUAGES: Mapping[str, tuple[str, Texts]] = MappingProxyType(
    {
        "en": ("ENG", {"en": "English", "fr": "anglais", "nl": "Engels"}),
        "fr": ("FRA", {"en": "French", "fr": "français", "nl": "Frans"}),
        "nl": ("NLD", {"en": "Dutch", "fr": "néerlandais", "nl": "Nederlands"}),
        "de": ("DEU", {"en": "German", "fr": "allemand", "nl": "Duits"}),
    }
)

FREQUENCIES: Mapping[str, Texts] = MappingProxyType(
    {
        "CONT": {"en": "continuous", "fr": "continu", "nl": "voortdurend"},
        "ANNUAL": {"en": "annual", "fr": "annuel", "nl": "jaarlijks"},
        "IRREG": {"en": "irregular", "fr": "irrégulier", "nl": "onregelmatig"},
        "NEVER": {"en": "never", "fr": "jamais", "nl": "nooit"},
    }
)

AVAILABILITY: Mapping[str, Texts] = MappingProxyType(
    {
        "STABLE": {"en": "stable", "fr": "stable", "nl": "stabiel"},
        "AVAILABLE": {"en": "available", "fr": "disponible", "nl": "beschikbaar"},
    }
)

ACCESS_RIGHTS: Mapping[str, Texts] = MappingProxyType(
    {"PUBLIC": {"en": "public", "fr": "public", "nl": "publiek"}}
)

LICENCES: Mapping[str, Texts] = MappingProxyType(
    {
        "CC_BY_4_0": {"en": "Creative Commons Attribution 4.0 International"},
        "CC0": {"en": "Creative Commons CC0 1.0 Universal"},
    }
)
#: Each licence's type in the ADMS licence-type vocabulary: ``(code, label)``.
LICENCE_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {"CC_BY_4_0": ("Attribution", "Attribution"), "CC0": ("PublicDomain", "Public domain")}
)
LICENCE_TYPE_SCHEME = "http://purl.org/adms/licencetype/1.0"
LICENCE_TYPE = "http://purl.org/adms/licencetype/"

#: ISO 3166-1 alpha-2 codes of European countries to the EU country table (alpha-3).
COUNTRIES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "AT": ("AUT", "Austria"),
        "BE": ("BEL", "Belgium"),
        "BG": ("BGR", "Bulgaria"),
        "CH": ("CHE", "Switzerland"),
        "CY": ("CYP", "Cyprus"),
        "CZ": ("CZE", "Czechia"),
        "DE": ("DEU", "Germany"),
        "DK": ("DNK", "Denmark"),
        "EE": ("EST", "Estonia"),
        "ES": ("ESP", "Spain"),
        "FI": ("FIN", "Finland"),
        "FR": ("FRA", "France"),
        "GB": ("GBR", "United Kingdom"),
        "GR": ("GRC", "Greece"),
        "HR": ("HRV", "Croatia"),
        "HU": ("HUN", "Hungary"),
        "IE": ("IRL", "Ireland"),
        "IS": ("ISL", "Iceland"),
        "IT": ("ITA", "Italy"),
        "LI": ("LIE", "Liechtenstein"),
        "LT": ("LTU", "Lithuania"),
        "LU": ("LUX", "Luxembourg"),
        "LV": ("LVA", "Latvia"),
        "MT": ("MLT", "Malta"),
        "NL": ("NLD", "Netherlands"),
        "NO": ("NOR", "Norway"),
        "PL": ("POL", "Poland"),
        "PT": ("PRT", "Portugal"),
        "RO": ("ROU", "Romania"),
        "SE": ("SWE", "Sweden"),
        "SI": ("SVN", "Slovenia"),
        "SK": ("SVK", "Slovakia"),
        "UA": ("UKR", "Ukraine"),
    }
)

#: Organisation kinds (``core.models.OrganisationKind``) to the ADMS publisher types.
PUBLISHER_TYPE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "LocalAuthority": "Local Authority",
        "NationalAuthority": "National authority",
        "Company": "Company",
        "NonProfitOrganisation": "Non-Profit Organisation",
        "PrivateIndividual(s)": "Private Individual(s)",
    }
)
PUBLISHER_TYPES_BY_KIND: Mapping[str, str] = MappingProxyType(
    {
        "city": "LocalAuthority",
        "public_body": "NationalAuthority",
        "company": "Company",
        "ngo": "NonProfitOrganisation",
        "coalition": "NonProfitOrganisation",
    }
)


@dataclass(frozen=True, slots=True)
class FileType:
    """A format as DCAT-AP names it: the EU file type, the IANA media type, a short label."""

    code: str
    media_type: str
    label: str


FILE_TYPES: Mapping[str, FileType] = MappingProxyType(
    {
        "csv": FileType("CSV", "text/csv", "CSV"),
        "json": FileType("JSON", "application/json", "JSON"),
        "geojson": FileType("GEOJSON", "application/geo+json", "GeoJSON"),
        "turtle": FileType("RDF_TURTLE", "text/turtle", "Turtle"),
        "jsonld": FileType("JSON_LD", "application/ld+json", "JSON-LD"),
        "html": FileType("HTML", "text/html", "HTML"),
        "pdf": FileType("PDF", "application/pdf", "PDF"),
        "atom": FileType("ATOM", "application/atom+xml", "Atom"),
    }
)


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


# --- Records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agent:
    """Who publishes: an IRI, a name, and the kind of organisation (``OrganisationKind``)."""

    iri: str
    name: str
    kind: str = "city"
    homepage: str = ""


@dataclass(frozen=True)
class Contact:
    """A contact point (a vCard organisation): a name and an e-mail address or a page."""

    name: str
    email: str = ""
    url: str = ""


@dataclass(frozen=True)
class Distribution:
    """One way to get a dataset: a download (``download=True``) or a page or API to use.

    ``key`` is unique within the dataset and becomes part of the distribution's IRI.
    ``languages`` names the language of a file that exists once per language.
    """

    key: str
    url: str
    format: str
    title: Texts
    description: Texts
    download: bool = True
    languages: tuple[str, ...] = ()
    conforms_to: str = ""
    availability: str = "STABLE"

    def __post_init__(self) -> None:
        if self.format not in FILE_TYPES:
            raise ValueError(f"Unknown format {self.format!r}; use one of {sorted(FILE_TYPES)}.")

    @property
    def file_type(self) -> FileType:
        return FILE_TYPES[self.format]


@dataclass(frozen=True)
class Dataset:
    """A dataset of the city's catalogue, its texts in every language the city publishes in.

    ``app`` (an app label) and ``group`` (a short text) let the open-data page group the
    datasets; the RDF does not carry them.
    """

    iri: str
    title: Texts
    description: Texts
    landing_page: str
    distributions: tuple[Distribution, ...]
    keywords: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    themes: tuple[str, ...] = ("GOVE",)
    languages: tuple[str, ...] = ()
    issued: date | datetime | None = None
    modified: date | datetime | None = None
    temporal_start: date | None = None
    temporal_end: date | None = None
    frequency: str = ""
    contact: Contact | None = None
    app: str = ""
    order: int = 100

    @property
    def period(self) -> tuple[date | None, date | None]:
        """The time the data covers: as given, else from its first publication to its
        latest change (what a published file can vouch for)."""
        start = self.temporal_start or _day(self.issued)
        end = self.temporal_end or _day(self.modified or self.issued)
        if start and end and end < start:
            end = start
        return start, end

    def __post_init__(self) -> None:
        keys = [distribution.key for distribution in self.distributions]
        if len(keys) != len(set(keys)):
            raise ValueError(f"Distribution keys repeat in dataset {self.iri!r}: {keys}.")
        for theme in self.themes:
            if theme not in THEMES:
                raise ValueError(f"Unknown data theme {theme!r}; use one of {sorted(THEMES)}.")
        if self.frequency and self.frequency not in FREQUENCIES:
            raise ValueError(f"Unknown frequency {self.frequency!r}.")


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue: who publishes it, where, in which languages, and its datasets."""

    iri: str
    title: Texts
    description: Texts
    homepage: str
    publisher: Agent
    languages: tuple[str, ...]
    datasets: tuple[Dataset, ...]
    contact: Contact | None = None
    country: str = ""
    licence: str = "CC_BY_4_0"
    issued: date | datetime | None = None
    modified: date | datetime | None = None

    def __post_init__(self) -> None:
        if self.licence not in LICENCES:
            raise ValueError(f"Unknown licence {self.licence!r}; use one of {sorted(LICENCES)}.")


# --- IRIs and texts --------------------------------------------------------------------------

# Characters an IRI may hold unencoded outside letters and digits (plus '%' of existing
# escapes); everything else, a space or a second '#' included, is percent-encoded as UTF-8.
_IRI_SAFE = ":/?@!$&'()*+,;=-._~%"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def iri(value: str) -> str:
    """``value`` as a valid absolute IRI: unsafe characters and any second '#' escaped.

    Refuses a relative reference (an IRI in a catalogue must say where it lives).
    """
    value = _LONE_PERCENT.sub("%25", value.strip())
    if not _SCHEME.match(value):
        raise ValueError(f"Not an absolute IRI: {value!r}.")
    head, hash_, fragment = value.partition("#")
    safe = quote(head, safe=_IRI_SAFE)
    return safe + "#" + quote(fragment, safe=_IRI_SAFE) if hash_ else safe


def child_iri(parent: str, suffix: str) -> str:
    """An IRI for a part of ``parent``: ``…#dataset`` + ``csv`` gives ``…#dataset-csv``."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", suffix).strip("-") or "part"
    parent = iri(parent)
    return f"{parent}-{slug}" if "#" in parent else f"{parent}#{slug}"


def pick_text(texts: Texts, language: str, fallbacks: Sequence[str] = ()) -> tuple[str, str]:
    """``(text, language)`` in ``language``, else the first of ``fallbacks``, else any."""
    for code in (language, *fallbacks):
        if texts.get(code):
            return texts[code], code
    for code, text in texts.items():
        if text:
            return text, code
    return "", language


def in_languages(languages: Iterable[str], make: Callable[[], str]) -> dict[str, str]:
    """``{language: make()}`` with each language active: gettext texts in every language."""
    from django.utils import translation

    texts = {}
    for code in languages:
        with translation.override(code):
            texts[code] = str(make())
    return texts


def words_in(languages: Iterable[str], words: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    """``{language: (word, …)}`` of lazily translated ``words``, for ``dcat:keyword``."""
    from django.utils import translation

    words = tuple(words)
    found = {}
    for code in languages:
        with translation.override(code):
            found[code] = tuple(str(word) for word in words)
    return found


# --- The graph -------------------------------------------------------------------------------


def _rdflib() -> Any:
    """rdflib on first use: pages that only list datasets do not need it."""
    import rdflib

    return rdflib


class _Builder:
    """Adds the catalogue's triples, each EU concept and scheme once, typed as the shapes ask."""

    def __init__(self) -> None:
        rdflib = _rdflib()
        self.rdf = rdflib
        self.graph = rdflib.Graph()
        ns = rdflib.namespace
        self.RDF, self.DCAT, self.DCT, self.FOAF, self.XSD = (
            ns.RDF,
            ns.DCAT,
            ns.DCTERMS,
            ns.FOAF,
            ns.XSD,
        )
        self.SKOS = ns.SKOS
        self.VCARD = rdflib.Namespace(VCARD)
        self.DCATAP = rdflib.Namespace(DCATAP)
        self.RDFS = ns.RDFS
        for prefix, namespace in (
            ("dcat", self.DCAT),
            ("dct", self.DCT),
            ("foaf", self.FOAF),
            ("skos", self.SKOS),
            ("vcard", self.VCARD),
            ("dcatap", self.DCATAP),
            ("xsd", self.XSD),
        ):
            self.graph.bind(prefix, namespace, override=True)
        self._done: set[str] = set()

    def ref(self, value: str) -> Any:
        return self.rdf.URIRef(iri(value))

    def add(self, s: Any, p: Any, o: Any) -> None:
        self.graph.add((s, p, o))

    def texts(self, subject: Any, predicate: Any, texts: Texts) -> None:
        for lang, text in texts.items():
            if text:
                self.add(subject, predicate, self.rdf.Literal(text, lang=lang))

    def when(self, subject: Any, predicate: Any, value: date | datetime | None) -> None:
        if value is None:
            return
        datatype = self.XSD.dateTime if isinstance(value, datetime) else self.XSD.date
        self.add(subject, predicate, self.rdf.Literal(value, datatype=datatype))

    def typed(self, value: str, *classes: Any) -> Any:
        node = self.ref(value)
        for cls in classes:
            self.add(node, self.RDF.type, cls)
        return node

    def concept(self, table: str, code: str, labels: Texts, *classes: Any) -> Any:
        """An EU authority concept with its scheme and labels (once per graph)."""
        scheme = AUTHORITY + table
        node = self.ref(f"{scheme}/{code}")
        if node not in self._done:
            self._done.add(node)
            self.typed(f"{scheme}/{code}", self.SKOS.Concept, *classes)
            self.add(node, self.SKOS.inScheme, self.scheme(scheme, _SCHEME_TITLES[table]))
            self.texts(node, self.SKOS.prefLabel, labels)
        return node

    def scheme(self, value: str, title: str) -> Any:
        node = self.ref(value)
        if node not in self._done:
            self._done.add(node)
            self.add(node, self.RDF.type, self.SKOS.ConceptScheme)
            self.add(node, self.DCT.title, self.rdf.Literal(title, lang="en"))
        return node

    def document(self, url: str) -> Any:
        return self.typed(url, self.FOAF.Document)

    def language(self, code: str) -> Any | None:
        if code not in LANGUAGES:
            return None
        eu_code, labels = LANGUAGES[code]
        return self.concept("language", eu_code, labels, self.DCT.LinguisticSystem)

    def licence(self, code: str) -> Any:
        node = self.concept("licence", code, LICENCES[code], self.DCT.LicenseDocument)
        type_code, label = LICENCE_TYPES[code]
        kind = self.typed(LICENCE_TYPE + type_code, self.SKOS.Concept)
        self.add(kind, self.SKOS.prefLabel, self.rdf.Literal(label, lang="en"))
        self.add(kind, self.SKOS.inScheme, self.scheme(LICENCE_TYPE_SCHEME, "Licence type"))
        self.add(node, self.DCT.type, kind)
        return node

    def country(self, code: str) -> Any | None:
        found = COUNTRIES.get(code.upper())
        if found is None:
            return None
        eu_code, label = found
        return self.concept("country", eu_code, {"en": label}, self.DCT.Location)

    def agent(self, agent: Agent) -> Any:
        node = self.typed(agent.iri, self.FOAF.Agent, self.FOAF.Organization)
        if node in self._done:
            return node
        self._done.add(node)
        self.add(node, self.FOAF.name, self.rdf.Literal(agent.name))
        kind = PUBLISHER_TYPES_BY_KIND.get(agent.kind, "LocalAuthority")
        kind_node = self.typed(PUBLISHER_TYPES + kind, self.SKOS.Concept)
        self.add(kind_node, self.SKOS.prefLabel, self.rdf.Literal(PUBLISHER_TYPE_LABELS[kind]))
        self.add(
            kind_node, self.SKOS.inScheme, self.scheme(PUBLISHER_TYPE_SCHEME, "Publisher type")
        )
        self.add(node, self.DCT.type, kind_node)
        if agent.homepage:
            self.add(node, self.FOAF.homepage, self.document(agent.homepage))
        return node

    def contact(self, contact: Contact, owner: Any) -> Any:
        node = self.rdf.URIRef(child_iri(str(owner), "contact"))
        self.add(node, self.RDF.type, self.VCARD.Kind)
        self.add(node, self.RDF.type, self.VCARD.Organization)
        self.add(node, self.VCARD.fn, self.rdf.Literal(contact.name or contact.email))
        if contact.email:
            self.add(node, self.VCARD.hasEmail, self.rdf.URIRef("mailto:" + quote(contact.email)))
        if contact.url:
            self.add(node, self.VCARD.hasURL, self.ref(contact.url))
        return node

    def period(self, owner: Any, start: date | None, end: date | None) -> Any:
        node = self.rdf.URIRef(child_iri(str(owner), "period"))
        self.add(node, self.RDF.type, self.DCT.PeriodOfTime)
        self.when(node, self.DCAT.startDate, start)
        self.when(node, self.DCAT.endDate, end)
        return node


def _distribution(
    b: _Builder, dataset: Any, item: Distribution, licence: Any, publisher: Any
) -> None:
    node = b.rdf.URIRef(child_iri(str(dataset), item.key))
    b.add(dataset, b.DCAT.distribution, node)
    b.add(node, b.RDF.type, b.DCAT.Distribution)
    b.texts(node, b.DCT.title, item.title)
    b.texts(node, b.DCT.description, item.description)
    url = b.typed(item.url, b.RDFS.Resource)
    b.add(node, b.DCAT.accessURL, url)
    if item.download:
        b.add(node, b.DCAT.downloadURL, url)
    file_type = item.file_type
    b.add(
        node,
        b.DCT["format"],
        b.concept("file-type", file_type.code, {"en": file_type.label}, b.DCT.MediaTypeOrExtent),
    )
    b.add(node, b.DCAT.mediaType, b.typed(IANA_MEDIA_TYPES + file_type.media_type, b.DCT.MediaType))
    b.add(node, b.DCT.license, licence)
    b.add(
        node,
        b.DCATAP.availability,
        b.concept("planned-availability", item.availability, AVAILABILITY[item.availability]),
    )
    for code in item.languages:
        language = b.language(code)
        if language is not None:
            b.add(node, b.DCT.language, language)
    if item.conforms_to:
        b.add(node, b.DCT.conformsTo, b.typed(item.conforms_to, b.DCT.Standard))


def _dataset(
    b: _Builder,
    catalogue: Catalogue,
    item: Dataset,
    publisher: Any,
    licence: Any,
    spatial: Any | None,
) -> Any:
    node = b.typed(item.iri, b.DCAT.Dataset)
    b.texts(node, b.DCT.title, item.title)
    b.texts(node, b.DCT.description, item.description)
    b.add(node, b.DCT.publisher, publisher)
    b.add(node, b.DCAT.landingPage, b.document(item.landing_page))
    b.add(
        node,
        b.DCT.accessRights,
        b.concept("access-right", "PUBLIC", ACCESS_RIGHTS["PUBLIC"], b.DCT.RightsStatement),
    )
    for theme in item.themes:
        b.add(node, b.DCAT.theme, b.concept("data-theme", theme, THEMES[theme]))
    for lang, words in item.keywords.items():
        for word in words:
            b.add(node, b.DCAT.keyword, b.rdf.Literal(word, lang=lang))
    for code in item.languages or catalogue.languages:
        language = b.language(code)
        if language is not None:
            b.add(node, b.DCT.language, language)
    if spatial is not None:
        b.add(node, b.DCT.spatial, spatial)
    start, end = item.period
    if start or end:
        b.add(node, b.DCT.temporal, b.period(node, start, end))
    if item.frequency:
        frequency = b.concept(
            "frequency", item.frequency, FREQUENCIES[item.frequency], b.DCT.Frequency
        )
        b.add(node, b.DCT.accrualPeriodicity, frequency)
    contact = item.contact or catalogue.contact
    if contact is not None:
        b.add(node, b.DCAT.contactPoint, b.contact(contact, node))
    b.when(node, b.DCT.issued, item.issued)
    b.when(node, b.DCT.modified, item.modified)
    for distribution in item.distributions:
        _distribution(b, node, distribution, licence, publisher)
    return node


def _latest(values: Iterable[date | datetime | None], *, first: bool) -> date | datetime | None:
    found = [v for v in values if v is not None]
    if not found:
        return None

    def key(value: date | datetime) -> tuple[date, str]:
        # Dates and datetimes compare by day first, then by time (a date counts as midnight).
        day = value.date() if isinstance(value, datetime) else value
        return (day, value.isoformat() if isinstance(value, datetime) else "")

    return min(found, key=key) if first else max(found, key=key)


def catalogue_graph(catalogue: Catalogue) -> Any:
    """The catalogue as an rdflib graph that conforms to the DCAT-AP 3.0.0 shapes."""
    b = _Builder()
    node = b.typed(catalogue.iri, b.DCAT.Catalog)
    publisher = b.agent(catalogue.publisher)
    licence = b.licence(catalogue.licence)
    spatial = b.country(catalogue.country) if catalogue.country else None
    b.texts(node, b.DCT.title, catalogue.title)
    b.texts(node, b.DCT.description, catalogue.description)
    b.add(node, b.DCT.publisher, publisher)
    b.add(node, b.FOAF.homepage, b.document(catalogue.homepage))
    b.add(node, b.DCT.license, licence)
    b.add(
        node,
        b.DCAT.themeTaxonomy,
        b.scheme(AUTHORITY + "data-theme", _SCHEME_TITLES["data-theme"]),
    )
    for code in catalogue.languages:
        language = b.language(code)
        if language is not None:
            b.add(node, b.DCT.language, language)
    if spatial is not None:
        b.add(node, b.DCT.spatial, spatial)
    issued = catalogue.issued or _latest((d.issued for d in catalogue.datasets), first=True)
    modified = catalogue.modified or _latest(
        (d.modified or d.issued for d in catalogue.datasets), first=False
    )
    b.when(node, b.DCT.issued, issued)
    b.when(node, b.DCT.modified, modified)
    for dataset in catalogue.datasets:
        b.add(node, b.DCAT.dataset, _dataset(b, catalogue, dataset, publisher, licence, spatial))
    return b.graph


#: A small context so the JSON-LD reads with the usual prefixes.
JSONLD_CONTEXT: Mapping[str, str] = MappingProxyType(
    {
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "skos": SKOS,
        "vcard": VCARD,
        "dcatap": DCATAP,
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }
)


def to_turtle(catalogue: Catalogue) -> str:
    return str(catalogue_graph(catalogue).serialize(format="turtle"))


def to_jsonld(catalogue: Catalogue) -> str:
    graph = catalogue_graph(catalogue)
    return str(graph.serialize(format="json-ld", context=dict(JSONLD_CONTEXT), indent=2))

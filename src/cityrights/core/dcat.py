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
tables state them. The labels are the authority tables' labels (facts, not our prose), in
English, French and Dutch; the ADMS publisher and licence types have English labels only, as
ADMS gives them. Every text of a dataset is a literal tagged with its language.

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

from .dcat_vocabularies import (
    ACCESS_RIGHTS,
    AUTHORITY,
    AVAILABILITY,
    COUNTRIES,
    DCATAP,
    FILE_TYPES,
    FREQUENCIES,
    IANA_MEDIA_TYPES,
    LANGUAGES,
    LICENCE_TYPE,
    LICENCE_TYPE_SCHEME,
    LICENCE_TYPES,
    LICENCES,
    PUBLISHER_TYPE_LABELS,
    PUBLISHER_TYPE_SCHEME,
    PUBLISHER_TYPES,
    PUBLISHER_TYPES_BY_KIND,
    SCHEME_TITLES,
    SKOS,
    THEMES,
    VCARD,
    FileType,
    Texts,
)

__all__ = [
    "AUTHORITY",
    "DCATAP",
    "FILE_TYPES",
    "Agent",
    "Catalogue",
    "Contact",
    "Dataset",
    "Distribution",
    "FileType",
    "Texts",
    "catalogue_graph",
    "child_iri",
    "iri",
    "pick_text",
    "to_jsonld",
    "to_turtle",
]


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
            self.add(node, self.SKOS.inScheme, self.scheme(scheme, SCHEME_TITLES[table]))
            self.texts(node, self.SKOS.prefLabel, labels)
        return node

    def scheme(self, value: str, title: Texts) -> Any:
        node = self.ref(value)
        if node not in self._done:
            self._done.add(node)
            self.add(node, self.RDF.type, self.SKOS.ConceptScheme)
            self.texts(node, self.DCT.title, title)
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
        self.add(kind, self.SKOS.inScheme, self.scheme(LICENCE_TYPE_SCHEME, {"en": "Licence type"}))
        self.add(node, self.DCT.type, kind)
        return node

    def country(self, code: str) -> Any | None:
        found = COUNTRIES.get(code.upper())
        if found is None:
            return None
        eu_code, labels = found
        return self.concept("country", eu_code, labels, self.DCT.Location)

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
            kind_node,
            self.SKOS.inScheme,
            self.scheme(PUBLISHER_TYPE_SCHEME, {"en": "Publisher type"}),
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
        b.scheme(AUTHORITY + "data-theme", SCHEME_TITLES["data-theme"]),
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

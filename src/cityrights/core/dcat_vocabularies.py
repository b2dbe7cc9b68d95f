"""The EU and W3C vocabularies a DCAT-AP 3.0 catalogue uses, as ``core.dcat`` states them.

Each table maps our code to the concept of an authority table of the EU Publications Office
(data themes, languages, file types, frequencies, planned availability, access rights,
licences, countries) or of ADMS (publisher and licence types), with the labels that table
gives it (facts, not our prose). ``core.dcat`` writes each concept used with its
``skos:inScheme`` and ``skos:prefLabel``, which the official ``mdr-vocabularies.shape.ttl``
and ``dcat-ap-SHACL.ttl`` ask for. A code missing here is refused by the records of
``core.dcat`` rather than written as an unknown IRI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

Texts = Mapping[str, str]

AUTHORITY = "http://publications.europa.eu/resource/authority/"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
PUBLISHER_TYPE_SCHEME = "http://purl.org/adms/publishertype/1.0"
DCATAP = "http://data.europa.eu/r5r/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


# ``{code: {language: label}}`` per authority table, as the Publications Office labels them.

SCHEME_TITLES: Mapping[str, str] = MappingProxyType(
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

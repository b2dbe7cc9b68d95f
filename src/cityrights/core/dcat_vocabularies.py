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

SCHEME_TITLES: Mapping[str, Texts] = MappingProxyType(
    {
        "data-theme": {"en": "Data theme", "fr": "Thème des données", "nl": "Gegevensthema"},
        "language": {"en": "Language", "fr": "Langue", "nl": "Taal"},
        "file-type": {"en": "File type", "fr": "Type de fichier", "nl": "Bestandstype"},
        "frequency": {"en": "Frequency", "fr": "Fréquence", "nl": "Frequentie"},
        "planned-availability": {
            "en": "Planned availability",
            "fr": "Disponibilité prévue",
            "nl": "Geplande beschikbaarheid",
        },
        "access-right": {"en": "Access right", "fr": "Droit d’accès", "nl": "Toegangsrecht"},
        "country": {"en": "Country", "fr": "Pays", "nl": "Land"},
        "licence": {"en": "Licence", "fr": "Licence", "nl": "Licentie"},
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

#: ISO 3166-1 alpha-2 codes of European countries to the EU country table (alpha-3), with its
#: labels.
COUNTRIES: Mapping[str, tuple[str, Texts]] = MappingProxyType(
    {
        "AT": ("AUT", {"en": "Austria", "fr": "Autriche", "nl": "Oostenrijk"}),
        "BE": ("BEL", {"en": "Belgium", "fr": "Belgique", "nl": "België"}),
        "BG": ("BGR", {"en": "Bulgaria", "fr": "Bulgarie", "nl": "Bulgarije"}),
        "CH": ("CHE", {"en": "Switzerland", "fr": "Suisse", "nl": "Zwitserland"}),
        "CY": ("CYP", {"en": "Cyprus", "fr": "Chypre", "nl": "Cyprus"}),
        "CZ": ("CZE", {"en": "Czechia", "fr": "Tchéquie", "nl": "Tsjechië"}),
        "DE": ("DEU", {"en": "Germany", "fr": "Allemagne", "nl": "Duitsland"}),
        "DK": ("DNK", {"en": "Denmark", "fr": "Danemark", "nl": "Denemarken"}),
        "EE": ("EST", {"en": "Estonia", "fr": "Estonie", "nl": "Estland"}),
        "ES": ("ESP", {"en": "Spain", "fr": "Espagne", "nl": "Spanje"}),
        "FI": ("FIN", {"en": "Finland", "fr": "Finlande", "nl": "Finland"}),
        "FR": ("FRA", {"en": "France", "fr": "France", "nl": "Frankrijk"}),
        "GB": ("GBR", {"en": "United Kingdom", "fr": "Royaume-Uni", "nl": "Verenigd Koninkrijk"}),
        "GR": ("GRC", {"en": "Greece", "fr": "Grèce", "nl": "Griekenland"}),
        "HR": ("HRV", {"en": "Croatia", "fr": "Croatie", "nl": "Kroatië"}),
        "HU": ("HUN", {"en": "Hungary", "fr": "Hongrie", "nl": "Hongarije"}),
        "IE": ("IRL", {"en": "Ireland", "fr": "Irlande", "nl": "Ierland"}),
        "IS": ("ISL", {"en": "Iceland", "fr": "Islande", "nl": "IJsland"}),
        "IT": ("ITA", {"en": "Italy", "fr": "Italie", "nl": "Italië"}),
        "LI": ("LIE", {"en": "Liechtenstein", "fr": "Liechtenstein", "nl": "Liechtenstein"}),
        "LT": ("LTU", {"en": "Lithuania", "fr": "Lituanie", "nl": "Litouwen"}),
        "LU": ("LUX", {"en": "Luxembourg", "fr": "Luxembourg", "nl": "Luxemburg"}),
        "LV": ("LVA", {"en": "Latvia", "fr": "Lettonie", "nl": "Letland"}),
        "MT": ("MLT", {"en": "Malta", "fr": "Malte", "nl": "Malta"}),
        "NL": ("NLD", {"en": "Netherlands", "fr": "Pays-Bas", "nl": "Nederland"}),
        "NO": ("NOR", {"en": "Norway", "fr": "Norvège", "nl": "Noorwegen"}),
        "PL": ("POL", {"en": "Poland", "fr": "Pologne", "nl": "Polen"}),
        "PT": ("PRT", {"en": "Portugal", "fr": "Portugal", "nl": "Portugal"}),
        "RO": ("ROU", {"en": "Romania", "fr": "Roumanie", "nl": "Roemenië"}),
        "SE": ("SWE", {"en": "Sweden", "fr": "Suède", "nl": "Zweden"}),
        "SI": ("SVN", {"en": "Slovenia", "fr": "Slovénie", "nl": "Slovenië"}),
        "SK": ("SVK", {"en": "Slovakia", "fr": "Slovaquie", "nl": "Slowakije"}),
        "UA": ("UKR", {"en": "Ukraine", "fr": "Ukraine", "nl": "Oekraïne"}),
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

"""API routes of the register app, mounted at /api/v1/register/.

Public and read-only: the list (with the catalogue's search, filters and pagination) and the
detail of published entries. Drafts, entries in review and working copies never appear here;
the same selectors as the public pages are used.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, gettext_noop
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from cityrights.core.models import Organisation
from cityrights.core.permissions import membership_for
from cityrights.core.translation import city_languages, shown, translations

from . import selectors
from .models import ENTRY_TEXTS, AlgorithmType, Domain, Entry, Kind, TermKind, UseType
from .records import ALGORITHM_TEXTS
from .terms import term_label

router = Router(tags=["register"])

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000
TEXT_LIMIT = selectors.MAX_QUERY_LENGTH


class TermOut(Schema):
    iri: str
    label: str


class EntryDepartmentOut(Schema):
    """The department an entry names (its own name in the OpenAPI document: core.api has
    the departments' own ``DepartmentOut``, and two schemas of one name overwrite each
    other there)."""

    slug: str
    name: str
    #: The name in every language that has one.
    names: dict[str, str] = {}


class LocationOut(Schema):
    code: str
    lat: float
    lon: float
    description: str
    #: The description in every language that has one.
    descriptions: dict[str, str]
    url: str


class EntrySummaryOut(Schema):
    code: str
    #: The language of the texts below: the one asked for (``?lang=`` or the request's),
    #: else the city's first language where a text is not translated.
    language: str
    name: str
    kind: str
    summary: str
    department: EntryDepartmentOut
    status: str
    risk_level: str
    withdrawn: bool
    url: str
    purposes: list[TermOut]


class EntryOut(EntrySummaryOut):
    details: str
    contact: str
    provider: str
    start_date: date | None
    end_date: date | None
    data_categories: list[TermOut]
    legal_bases: list[TermOut]
    data_subjects: str
    retention: str
    recipients: str
    automation_level: str
    human_oversight: str
    source_code_url: str
    dataset_urls: list[str]
    areas: list[TermOut]
    locations: list[LocationOut]
    version: int
    published_at: datetime | None
    updated_at: datetime | None
    short_url: str
    #: The city's languages, its first language first.
    languages: list[str]
    #: Every text in every language that has one: ``{"summary": {"fr": …, "nl": …}, …}``.
    translations: dict[str, dict[str, str]]
    algorithm: AlgorithmOut | None


class ChoiceOut(Schema):
    """A value from a fixed list: its code, and its label in the reader's language."""

    code: str
    label: str


class AlgorithmOut(Schema):
    """What the algorithm-register standards ask about an algorithm (Eurocities, ATRS,
    Algoritmeregister; docs/register-standards.md), the texts in the reader's language. Empty
    where the city has not said; ``null`` for an entry that is not an algorithm."""

    domain: ChoiceOut | None
    algorithm_type: ChoiceOut | None
    use_type: ChoiceOut | None
    decision_making_process: str
    proportionality: str
    training_data: str
    data_connections: str
    monitoring: str
    objection_procedure: str


class EntryPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    results: list[EntrySummaryOut]


def _organisation(request: HttpRequest, org: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=org).first()
    if organisation is None or (
        not organisation.is_public and membership_for(request.user, organisation) is None
    ):
        raise HttpError(404, f"No public city with the slug '{org}'.")
    return organisation


def _terms(entry: Entry, kind: str) -> list[TermOut]:
    lang = get_language()
    return [TermOut(iri=v, label=term_label(kind, v, lang)) for v in entry.values_of(kind)]


def _base() -> str:
    return settings.CITYRIGHTS_BASE_URL.rstrip("/")


def _summary(entry: Entry) -> dict:
    return {
        "code": entry.code,
        "language": shown(entry, "name").language or entry.organisation.default_language,
        "name": entry.name,
        "kind": entry.kind,
        "summary": entry.summary,
        "department": EntryDepartmentOut(
            slug=entry.department.slug,
            name=entry.department.name,
            names=translations(entry.department, "name"),
        ),
        "status": entry.status,
        "risk_level": entry.risk_level,
        "withdrawn": entry.state == "retired",
        "url": _base() + entry.get_absolute_url(),
        "purposes": _terms(entry, TermKind.PURPOSE),
    }


@router.get(
    "/{org}/entries",
    response=EntryPage,
    auth=None,
    summary=gettext_noop("Published register entries, with search, filters and pagination"),
    description=gettext_noop(
        "Filters take the same values as the catalogue page (purposes and categories as IRIs)."
        "\n\nAn unknown kind, status, risk or area is ignored, as on the page."
    ),
)
def list_entries(
    request: HttpRequest,
    org: str,
    q: str = Query("", max_length=TEXT_LIMIT),
    kind: str = Query("", max_length=TEXT_LIMIT),
    department: str = Query("", max_length=TEXT_LIMIT),
    purpose: str = Query("", max_length=TEXT_LIMIT),
    category: str = Query("", max_length=TEXT_LIMIT),
    status: str = Query("", max_length=TEXT_LIMIT),
    risk: str = Query("", max_length=TEXT_LIMIT),
    area: str = Query("", max_length=TEXT_LIMIT),
    retired: bool = False,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
) -> EntryPage:
    organisation = _organisation(request, org)
    filters = selectors.Filters.from_query(
        {
            "q": q,
            "kind": kind,
            "department": department,
            "purpose": purpose,
            "category": category,
            "status": status,
            "risk": risk,
            "area": area,
            "retired": "1" if retired else "",
        }
    )
    with city_languages(organisation.content_languages):
        entries = selectors.catalogue(organisation, filters)
        count = entries.count()
        start = (page - 1) * page_size
        rows = list(entries.select_related("organisation")[start : start + page_size])
        return EntryPage(
            count=count,
            page=page,
            pages=max(1, math.ceil(count / page_size)),
            page_size=page_size,
            results=[EntrySummaryOut(**_summary(entry)) for entry in rows],
        )


@router.get(
    "/{org}/entries/{code}",
    response=EntryOut,
    auth=None,
    summary=gettext_noop("One published register entry"),
)
def entry_detail(request: HttpRequest, org: str, code: str) -> EntryOut:
    organisation = _organisation(request, org)
    entry = selectors.public_entry(organisation, code)
    if entry is None:
        raise HttpError(404, f"No published entry with the code '{code}'.")
    with city_languages(organisation.content_languages):
        return _detail(entry)


def _choice(choices: type[AlgorithmType | Domain | UseType], value: str) -> ChoiceOut | None:
    if not value:
        return None
    labels = dict(choices.choices)
    return ChoiceOut(code=value, label=str(labels.get(value, value)))


def _algorithm(entry: Entry) -> AlgorithmOut | None:
    if entry.kind != Kind.ALGORITHM:
        return None
    return AlgorithmOut(
        domain=_choice(Domain, entry.domain),
        algorithm_type=_choice(AlgorithmType, entry.algorithm_type),
        use_type=_choice(UseType, entry.use_type),
        **{name: getattr(entry, name) for name in ALGORITHM_TEXTS},
    )


def _detail(entry: Entry) -> EntryOut:
    from .snapshots import contact_text

    return EntryOut(
        **_summary(entry),
        details=entry.details,
        contact=contact_text(entry),
        provider=entry.provider,
        start_date=entry.start_date,
        end_date=entry.end_date,
        data_categories=_terms(entry, TermKind.DATA_CATEGORY),
        legal_bases=_terms(entry, TermKind.LEGAL_BASIS),
        data_subjects=entry.data_subjects,
        retention=entry.retention,
        recipients=entry.recipients,
        automation_level=entry.automation_level,
        human_oversight=entry.human_oversight,
        source_code_url=entry.source_code_url,
        dataset_urls=list(entry.dataset_urls or []),
        areas=_terms(entry, TermKind.AREA),
        locations=[
            LocationOut(
                code=location.code,
                lat=float(location.latitude),
                lon=float(location.longitude),
                description=location.description,
                descriptions=translations(location, "description"),
                url=_base() + location.short_url(),
            )
            for location in entry.locations.all()
        ],
        version=entry.version,
        published_at=entry.published_at,
        updated_at=entry.last_published_at,
        short_url=_base() + entry.short_url(),
        languages=list(entry.organisation.content_languages),
        translations={name: translations(entry, name) for name in ENTRY_TEXTS},
        algorithm=_algorithm(entry),
    )

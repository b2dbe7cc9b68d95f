"""Reads of the register: the public catalogue with search and filters, staff lists, exports.

Public reads start from ``Entry.objects.public()`` or ``.listed()``, which never include drafts,
entries in review or revisions; every public channel (pages, API, feed, GeoJSON, exports, QR
codes, short URLs) goes through one of the functions below.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, FloatField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from cityrights.core.prepared import PreparedQuery, stand_in_slots
from cityrights.core.publiccache import VERSIONS_BY_CITY_ID_SQL, local_values
from cityrights.core.registry import registry
from cityrights.core.translation import (
    city_languages,
    current_language,
    fallback_order,
    field_names,
    in_any_language,
    interface_languages,
    order_text,
    shown_from_mapping,
)

from . import snapshots
from .models import (
    Area,
    Entry,
    EntryQuerySet,
    EntryTerm,
    EntryVersion,
    Kind,
    Location,
    Question,
    QuestionStatus,
    Risk,
    State,
    Status,
    TermKind,
)
from .records import ASSESSMENT_FACTS, DepartmentData, EntryData, LocationData

if TYPE_CHECKING:
    from cityrights.core.models import Organisation, User

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Filters:
    """The catalogue's filters, parsed from a query string; unknown values are ignored."""

    q: str = ""
    kind: str = ""
    department: str = ""
    purpose: str = ""
    category: str = ""
    status: str = ""
    risk: str = ""
    area: str = ""
    retired: bool = False

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> Filters:
        def pick(name: str, allowed: list[str] | None = None) -> str:
            value = str(params.get(name) or "").strip()[:MAX_QUERY_LENGTH]
            if allowed is not None and value not in allowed:
                return ""
            return value

        return cls(
            q=" ".join(pick("q").split()),
            kind=pick("kind", Kind.values),
            department=pick("department"),
            purpose=pick("purpose"),
            category=pick("category"),
            status=pick("status", Status.values),
            risk=pick("risk", Risk.values),
            area=pick("area", Area.values),
            retired=str(params.get("retired") or "") in {"1", "on", "true"},
        )

    def as_query(self) -> str:
        """The filters as a query string for pagination links (without ``page``)."""
        from urllib.parse import urlencode

        pairs = [(key, value) for key, value in self.__dict__.items() if value and key != "retired"]
        if self.retired:
            pairs.append(("retired", "1"))
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return any(self.__dict__.values())

    @property
    def on_own_columns(self) -> bool:
        """Whether only the entry's own columns are filtered (kind, status, risk level,
        withdrawn): no search words, department or vocabulary term, which need the database
        (the catalogue's kept SQL and its counts from the facets serve the rest)."""
        return not (self.q or self.department or self.purpose or self.category or self.area)

    @property
    def narrowed(self) -> int:
        """How many filters (beyond the search words) are chosen: the catalogue opens its
        folded filter panel when there are any, so a person sees what limits the list."""
        return sum(1 for key, value in self.__dict__.items() if value and key != "q")


def _with_details(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    return queryset.select_related("department", "organisation").prefetch_related(
        Prefetch("terms", queryset=EntryTerm.objects.order_by("kind", "position")),
        Prefetch("locations", queryset=Location.objects.order_by("id")),
    )


def catalogue(organisation: Organisation, filters: Filters) -> QuerySet[Entry]:
    """Public entries matching ``filters``; best matches first when there is a search text."""
    entries = Entry.objects.filter(organisation=organisation)
    entries = entries.public() if filters.retired else entries.listed()
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.department:
        entries = entries.filter(department__slug=filters.department)
    if filters.status:
        entries = entries.filter(status=filters.status)
    if filters.risk:
        entries = entries.filter(risk_level=filters.risk)
    for kind, value in (
        (TermKind.PURPOSE, filters.purpose),
        (TermKind.DATA_CATEGORY, filters.category),
        (TermKind.AREA, filters.area),
    ):
        if value:
            entries = entries.filter(
                pk__in=EntryTerm.objects.filter(kind=kind, value=value).values("entry_id")
            )
    if filters.q:
        entries = search(entries, filters.q, organisation)
    else:
        entries = entries.order_by(order_text("name"), "id")
    return entries.select_related("department").prefetch_related(
        Prefetch("terms", queryset=EntryTerm.objects.order_by("kind", "position"))
    )


Slots = tuple[tuple[str, tuple[int, ...]], ...]
#: Stand-ins for the values a catalogue page's SQL is written with (never sent).
_ORG_STAND_IN = -987_654_320_000
_TEXT_STAND_IN = "\x00catalogue-{}\x00"
#: The SQL of catalogue pages by database, language order, filters chosen and columns.
_PAGE_SQL: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], Slots]] = {}


class CataloguePage:
    """The rows (``columns``) of an unsearched catalogue, a page at a time, from SQL that
    Django writes once per database, language order and choice of filters.

    Building the catalogue's query (a COALESCE ordering over a dozen columns) cost more CPU
    than PostgreSQL needs to answer it from its index. Only the filters on the entry's own
    columns (kind, status, risk level, withdrawn) qualify; their values, the city and the
    page's bounds are put into the kept SQL on each call. Slicing it, as ``Paginator`` does,
    runs one query; ``count()`` counts with the ORM. Whatever else :func:`catalogue` writes
    into its SQL is kept for every city and request, so it must depend on nothing but the
    language order (tests/register/test_catalogue_order.py compares pages with the ORM's).
    """

    FILTERS = ("kind", "status", "risk")

    def __init__(self, organisation: Organisation, filters: Filters, columns: tuple[str, ...]):
        self.organisation = organisation
        self.filters = filters
        self.columns = columns

    @classmethod
    def fits(cls, filters: Filters) -> bool:
        return filters.on_own_columns

    def count(self) -> int:
        return catalogue(self.organisation, self.filters).count()

    def _sql(self) -> tuple[str, tuple[Any, ...], Slots]:
        chosen = tuple(name for name in self.FILTERS if getattr(self.filters, name))
        key = (connection.vendor, fallback_order(), chosen, self.filters.retired, self.columns)
        found = _PAGE_SQL.get(key)
        if found is not None:
            return found
        stand_ins: dict[str, Any] = {name: _TEXT_STAND_IN.format(name) for name in chosen}
        shape = Filters(retired=self.filters.retired, **stand_ins)
        stand_ins["organisation"] = _ORG_STAND_IN
        from cityrights.core.models import Organisation as City

        queryset = (
            catalogue(City(pk=_ORG_STAND_IN), shape)
            .prefetch_related(None)
            .select_related(None)
            .values_list(*self.columns)
        )
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        if compiler.get_converters([column[0] for column in compiler.select]):
            raise ValueError("a catalogue page's columns need no conversion")
        slots = stand_in_slots(params, stand_ins)
        found = _PAGE_SQL[key] = (f"{sql} LIMIT %s OFFSET %s", tuple(params), slots)
        return found

    def __getitem__(self, bounds: slice) -> list[tuple[Any, ...]]:
        sql, template, slots = self._sql()
        params = list(template)
        for name, positions in slots:
            value = self.organisation.pk if name == "organisation" else getattr(self.filters, name)
            for position in positions:
                params[position] = value
        start = bounds.start or 0
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, bounds.stop - start, start])
            return cursor.fetchall()


def search(entries: EntryQuerySet, text: str, organisation: Organisation) -> EntryQuerySet:
    """Full-text search on PostgreSQL (GIN index); word-by-word ``icontains`` on SQLite."""
    if connection.vendor == "postgresql":
        from .services import search_config

        query = SearchQuery(text, search_type="websearch", config=search_config(organisation))
        return (
            entries.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", order_text("name"), "id")
        )
    for word in text.split()[:10]:
        entries = entries.filter(
            in_any_language("name", word)
            | in_any_language("summary", word)
            | in_any_language("details", word)
            | Q(provider__icontains=word)
            | in_any_language("name", word, prefix="department__")
            | in_any_language("description", word, prefix="locations__")
        )
    return entries.distinct().order_by(order_text("name"), "id")


# The entry page's reads, as _with_details loads them, with their SQL written once
# (core.prepared): the page runs them for every visitor with only the code changing.
_PUBLIC_ENTRY = PreparedQuery(
    lambda organisation_id, code: (
        Entry.objects.public()
        .filter(organisation_id=organisation_id, code=code)
        .select_related("department")
        .order_by()
    ),  # the code is unique: no ordering to compile
    organisation_id=int,
    code=str,
)
_TERMS_OF = PreparedQuery(
    lambda entry_id: EntryTerm.objects.filter(entry_id=entry_id).order_by("kind", "position"),
    entry_id=int,
)
_LOCATIONS_OF = PreparedQuery(
    lambda entry_id: Location.objects.filter(entry_id=entry_id).order_by("id"),
    entry_id=int,
)
_VERSIONS_OF = PreparedQuery(
    lambda entry_id: (
        EntryVersion.objects.filter(entry_id=entry_id).defer("snapshot").order_by("-number")[:50]
    ),  # Meta.ordering, without the join its "entry" needs
    entry_id=int,
)


def _prefetched(entry: Entry, name: str, rows: list[Any]) -> None:
    """Attach ``rows`` as ``prefetch_related(name)`` would: ``entry.<name>.all()`` gives them
    without a query, and a further ``filter()`` still queries this entry's rows only."""
    related = getattr(entry, name)
    # As Django's prefetch does; the relation's filter is built only if someone chains one.
    queryset = related._apply_rel_filters(related.model._base_manager.all())
    queryset._result_cache = rows
    queryset._prefetch_done = True
    cache = entry.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[related.field.remote_field.cache_name] = queryset


def public_entry(organisation: Organisation, code: str) -> Entry | None:
    """A published or withdrawn entry of ``organisation`` with its department, terms and
    locations loaded (as ``_with_details``), or None."""
    found = _PUBLIC_ENTRY(organisation_id=organisation.pk, code=code)
    if not found:
        return None
    entry = found[0]
    entry.organisation = organisation  # the row the query was filtered on
    _prefetched(entry, "terms", _TERMS_OF(entry_id=entry.pk))
    _prefetched(entry, "locations", _LOCATIONS_OF(entry_id=entry.pk))
    return entry


def public_versions(entry: Entry) -> list[EntryVersion]:
    """The entry's published versions, newest first (at most 50), without their snapshots."""
    return _VERSIONS_OF(entry_id=entry.pk)


def short_code_target(code: str) -> Entry | Location | None:
    """The public entry or location behind a short code, or None (drafts included)."""
    code = code.strip().lower()
    entry = Entry.objects.public().filter(code=code, organisation__is_public=True).first()
    if entry is not None:
        return entry
    return (
        Location.objects.select_related("entry__organisation")
        .filter(
            code=code,
            entry__state__in=(State.PUBLISHED, State.RETIRED),
            entry__revision_of__isnull=True,
            entry__organisation__is_public=True,
        )
        .first()
    )


def public_location(organisation: Organisation, code: str) -> Location | None:
    return (
        Location.objects.select_related("entry__department", "entry__organisation")
        .filter(
            code=code,
            entry__organisation=organisation,
            entry__state__in=(State.PUBLISHED, State.RETIRED),
            entry__revision_of__isnull=True,
        )
        .first()
    )


def listed_records(
    organisation: Organisation, filters: Filters | None = None, base_url: str | None = None
) -> Iterator[EntryData]:
    """``EntryData`` of the listed (published) entries, for the exports. Streams in chunks."""
    if filters is not None:
        entries = catalogue(organisation, filters).prefetch_related(None)
    else:
        entries = (
            Entry.objects.filter(organisation=organisation)
            .listed()
            .order_by(order_text("name"), "id")
        )
    entries = _with_details(entries)
    chunk: list[Entry] = []
    for entry in entries.iterator(chunk_size=500):
        chunk.append(entry)
        if len(chunk) == 500:
            yield from _records_of(chunk, base_url)
            chunk = []
    yield from _records_of(chunk, base_url)


def _records_of(entries: list[Entry], base_url: str | None) -> Iterator[EntryData]:
    """Records of ``entries`` with their impact-assessment facts, asked for all at once."""
    facts = registry.facts_for(ASSESSMENT_FACTS, [entry.pk for entry in entries])
    for entry in entries:
        found = facts.get(entry.pk) or []
        latest = max(found, key=lambda fact: fact.decided_on, default=None)
        yield snapshots.to_record(entry, base_url, latest)


def map_records(organisation: Organisation, base_url: str | None = None) -> list[EntryData]:
    """Listed entries with their locations, light: only what the GeoJSON map layer needs.

    Two flat queries (entries, then locations with coordinates cast to floats in SQL) instead
    of full records, so 20,000 points stay well within the map's time budget.
    """
    base = (base_url if base_url is not None else settings.CITYRIGHTS_BASE_URL).rstrip("/")
    listed = Entry.objects.filter(organisation=organisation).listed()
    # Every listed entry is published; one timestamp stands in for each entry's own date,
    # which the map does not show (it saves converting 10,000 dates).
    published = timezone.now()
    languages = organisation.content_languages
    names = field_names("name")
    heads = {
        row[0]: row
        for row in listed.values_list(
            "id", "code", "kind", "status", "risk_level", *names
        ).order_by()
    }
    descriptions = field_names("description")
    rows = (
        Location.objects.filter(entry__in=listed.values("id"))
        .annotate(lat=Cast("latitude", FloatField()), lon=Cast("longitude", FloatField()))
        .order_by("entry_id", "id")
        .values_list("entry_id", "id", "code", "lat", "lon", *descriptions)
    )
    codes = interface_languages()
    points: dict[int, list[LocationData]] = {}
    with city_languages(languages):
        for entry_id, pk, code, lat, lon, *texts in rows.iterator(chunk_size=5000):
            known = {c: t for c, t in zip(codes, texts, strict=True) if t and t.strip()}
            points.setdefault(entry_id, []).append(
                LocationData(
                    lat=lat,
                    lon=lon,
                    description=shown_from_mapping(known).text,
                    descriptions=known,
                    id=pk,
                    short_code=code,
                    url=f"{base}/r/{code}",
                )
            )
    department = DepartmentData(name="")
    records = []
    for entry_id, places in points.items():
        _pk, code, kind, status, risk, *texts = heads[entry_id]
        known = {c: t for c, t in zip(codes, texts, strict=True) if t and t.strip()}
        with city_languages(languages):
            name = shown_from_mapping(known).text
        records.append(
            EntryData(
                id=entry_id,
                short_code=code,
                name=name,
                kind=kind,
                summary="",
                department=department,
                contact="",
                status=status,
                risk_level=risk,
                published_at=published,
                public_url=f"{base}/r/{code}",
                locations=tuple(places),
                languages=languages,
                translations={"name": known},
            )
        )
    records.sort(key=lambda record: (record.name, record.id or 0))
    return records


def content_stamp(organisation: Organisation) -> str:
    """Changes whenever the city's public register data may have changed: a cache key for
    data derived from it (facets, counts, the map layer).

    Two things move it. The content versions of the installation and of the city
    (``core.publiccache``) move on every committed write to a table a public page reads,
    whoever writes (a publication, an import, a queryset update, a command), so nothing
    cached under the stamp is older than the database. The newest ``last_published_at``
    (publishing and withdrawing set it to now) moves at once, inside the transaction that
    publishes, before any commit. One statement, read from an index and two small tables.
    """
    meta = Entry._meta
    column = meta.get_field("last_published_at").column
    owner = meta.get_field("organisation").column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX({column}) FROM {meta.db_table} WHERE {owner} = %s), "  # noqa: S608
            + VERSIONS_BY_CITY_ID_SQL,
            [organisation.pk, organisation.pk],
        )
        latest, everywhere, city = cursor.fetchone() or (None, None, None)
    # A datetime on PostgreSQL, its text on SQLite (the column's type is lost in MAX): a
    # cache key has no spaces.
    if latest is None:
        text = "-"
    else:
        text = latest.isoformat() if hasattr(latest, "isoformat") else str(latest).replace(" ", "T")
    return f"{organisation.pk}:{text}:{everywhere or 0}:{city or 0}"


def places_geojson(organisation: Organisation, *, map_layer: bool = False) -> str:
    """Every published place as GeoJSON text: the open-data file, or with ``map_layer`` the
    map's lean layer (``exports.iter_geojson``); cached until the city's public content next
    changes."""
    stamp = content_stamp(organisation)
    kind = "layer" if map_layer else "full"
    key = f"cityrights:register:geojson:{kind}:{current_language()}:{stamp}"
    text = cache.get(key)
    if text is None:
        from .exports import geojson_text

        text = geojson_text(map_records(organisation), map_layer=map_layer)
        cache.set(key, text, 3600)
    return text


def department_signs(organisation: Organisation, department_slug: str) -> list[Entry]:
    """The listed entries of one department, for the batch sign PDF."""
    return list(
        _with_details(
            Entry.objects.filter(organisation=organisation, department__slug=department_slug)
            .listed()
            .order_by(order_text("name"), "id")
        )
    )


def sign_counts(organisation: Organisation) -> dict[int, int]:
    """How many signs the batch PDF of each department would print (department id → count).

    One per place, or one per entry without places, as ``signs.signs_for`` lays them out; the
    print form offers only departments that have something to print and says how many sheets.
    """
    rows = (
        Entry.objects.filter(organisation=organisation)
        .listed()
        .annotate(places=Count("locations"))
        .values_list("department_id", "places")
    )
    counts: dict[int, int] = {}
    for department_id, places in rows:
        counts[department_id] = counts.get(department_id, 0) + max(places, 1)
    return counts


def facets(organisation: Organisation) -> dict[str, Any]:
    """Which departments, purposes, categories and areas occur, so filters offer only those.

    Cached until the city's public content next changes: the catalogue and the city home ask
    on every request. Each worker keeps the facets it read under the same key
    (``core.publiccache.local_values``), so a visit costs the stamp's query alone instead of
    a round trip to the shared cache and unpickling the facets. Do not change what it returns.
    Its ``"key"`` names it: a key for what a page derives from the facets alone (the
    catalogue's filter lists).
    """
    key = f"cityrights:register:facets:4:{content_stamp(organisation)}"

    def shared() -> dict[str, Any]:
        found: dict[str, Any] | None = cache.get(key)
        if found is None:
            found = {**_facets(organisation), "key": key}
            cache.set(key, found, 3600)
        return found

    facets: dict[str, Any] = local_values().get_or_set(key, shared)
    return facets


def _facets(organisation: Organisation) -> dict[str, Any]:
    listed = Entry.objects.filter(organisation=organisation).listed()
    terms = (
        EntryTerm.objects.filter(entry__in=listed)
        .values_list("kind", "value")
        .distinct()
        .order_by()
    )
    by_kind: dict[str, set[str]] = {}
    for kind, value in terms:
        by_kind.setdefault(kind, set()).add(value)
    departments = organisation.departments.filter(pk__in=listed.values("department_id")).order_by(
        order_text("name"), "id"
    )
    counts = (
        Entry.objects.filter(organisation=organisation)
        .public()
        .values_list("state", "kind", "status", "risk_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "departments": list(departments),
        "terms": by_kind,
        "counts": [tuple(row) for row in counts],
    }


def catalogue_count(filters: Filters, facets: Mapping[str, Any]) -> int | None:
    """How many entries :func:`catalogue` finds, from the counts :func:`facets` keeps, or
    None when the filters need the database (search words, department, vocabulary terms).

    Counting 10,000 rows on every catalogue page cost more than reading the page itself;
    the facets' cache key moves on with every committed write to the register's tables
    (:func:`content_stamp`), so the counts are never older than the database.
    """
    if not filters.on_own_columns:
        return None
    if not facets["counts"]:
        # Nothing published yet: count, it costs nothing.
        return None
    states = (State.PUBLISHED, State.RETIRED) if filters.retired else (State.PUBLISHED,)
    return sum(
        n
        for state, kind, status, risk, n in facets["counts"]
        if state in states
        and (not filters.kind or kind == filters.kind)
        and (not filters.status or status == filters.status)
        and (not filters.risk or risk == filters.risk)
    )


def listed_count(organisation: Organisation) -> int:
    """How many entries the catalogue lists (published, not withdrawn), from the counts
    :func:`facets` keeps: the city home asks on every visit, and counting 10,000 rows cost
    more than the rest of the page's queries together."""
    return sum(
        n
        for state, _kind, _status, _risk, n in facets(organisation)["counts"]
        if state == State.PUBLISHED
    )


# --- Staff -----------------------------------------------------------------------------------


def staff_entries(
    organisation: Organisation, *, state: str = "", mine_of: User | None = None, q: str = ""
) -> QuerySet[Entry]:
    entries = Entry.objects.filter(organisation=organisation).select_related(
        "department", "author", "revision_of"
    )
    if state in State.values:
        entries = entries.filter(state=state)
    if mine_of is not None:
        entries = entries.filter(Q(author=mine_of) | Q(last_edited_by=mine_of))
    if q:
        entries = entries.filter(in_any_language("name", q) | Q(code__iexact=q))
    return entries.order_by("-updated_at", "-id")


def staff_entry(organisation: Organisation, pk: int) -> Entry | None:
    return _with_details(
        Entry.objects.filter(organisation=organisation, pk=pk).select_related(
            "author", "revision_of", "last_edited_by", "submitted_by"
        )
    ).first()


def my_drafts(organisation: Organisation, user: User) -> QuerySet[Entry]:
    return Entry.objects.filter(organisation=organisation, state=State.DRAFT).filter(
        Q(author=user) | Q(last_edited_by=user)
    )


def review_queue(organisation: Organisation, user: User) -> QuerySet[Entry]:
    """Entries in review that ``user`` may publish (not their own)."""
    return (
        Entry.objects.filter(organisation=organisation, state=State.IN_REVIEW)
        .exclude(author=user)
        .exclude(last_edited_by=user)
        .exclude(submitted_by=user)
        .order_by("submitted_at")
    )


def open_questions(organisation: Organisation) -> QuerySet[Question]:
    return Question.objects.filter(organisation=organisation, status=QuestionStatus.OPEN)


def questions(organisation: Organisation, status: str = "") -> QuerySet[Question]:
    found = Question.objects.filter(organisation=organisation).select_related("entry", "handled_by")
    if status in QuestionStatus.values:
        found = found.filter(status=status)
    return found


def recent_versions(organisation: Organisation, limit: int = 50) -> list[Any]:
    from .models import EntryVersion

    return list(
        EntryVersion.objects.filter(
            entry__organisation=organisation,
            entry__state__in=(State.PUBLISHED, State.RETIRED),
            entry__revision_of__isnull=True,
        )
        .select_related("entry")
        # What the feed shows of each change (not the snapshot, not the entry's other texts;
        # the feed knows the city, so not each entry's organisation either).
        .only(
            "entry",
            "number",
            "change_summary",
            "published_at",
            "entry__code",
            "entry__created_at",
            *(f"entry__{column}" for column in field_names("name")),
        )
        .order_by("-published_at", "-id")[:limit]
    )

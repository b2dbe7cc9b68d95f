"""Anonymous public pages from the shared cache, with conditional requests.

A QR code on a camera pole or a news story sends thousands of people to the same few
public pages at once. Rendering each visit costs tens of database queries; serving the
page a previous anonymous visitor got costs two (the content version and the cache).

**What is cached.** Only ``GET`` and ``HEAD`` of the pages apps list with
``registry.add_cached_pages`` (public pages that show every anonymous visitor the same
thing), only for a visitor without a session or a pending message (staff and logged-in
residents always get a fresh page), and only a ``200`` that set no cookie, embedded no
CSRF token (a page with a form), stored nothing in the session, showed no message and did
not say ``private`` or ``no-store``. The key holds the address (scheme, host, path, the
query in a stable order), the interface language and the **content version**.

**The content version** (:class:`~cityrights.core.models.PublishedContentVersion`, one
row in the database) goes up after every committed write to a table a public page may
read. Writes are seen where they happen, in the database connection (an execute wrapper
that reads the statement's verb and table), not in each app's services: a queryset
``update()``, a ``bulk_create`` or raw SQL in any app, present or future, cannot forget
to announce itself. Tables that no anonymous page reads (sessions, the audit trail, the
consent ledger and its check log, the cache table) are left out so that residents'
consents and partners' checks keep pages cached; apps name theirs with
``registry.add_private_tables``. A write inside a transaction raises the version once,
when the transaction commits (a rolled-back draft changes nothing); a write outside one
raises it at once. A page is looked up under the version read *before* it is rendered,
so a render that raced a publication is stored under the old version, never the new one.
**One version per city.** A write made for one city raises that city's version
(:class:`~cityrights.core.models.CityContentVersion`) instead of the installation's, so a
publication in one city leaves every other city's cached pages valid. A write counts as
one city's when it is made inside :func:`city_scope` (``core.tenancy.org_view`` opens it for
the city of every page, staff pages included) and its table holds rows the city owns: the
model has a foreign key ``organisation``, or a foreign key to such a model (a register
place belongs to its entry). Anything else raises the installation's version, which every
cached page's key holds too: writes outside a city's page (commands, the demo, the API of
a partner organisation), tables shared by cities (people, organisations, content files)
and tables an app names with ``registry.add_shared_tables`` because one city's public pages
show other cities' rows (a coalition's benchmark shows its members' scores). A statement
whose table cannot be read from its text (``WITH``, ``MERGE``, ``COPY``) counts as the
installation's too. A city page's key holds its city's version; a page that is no city's
holds the highest of all cities' versions.

Because the version lives in the database, a restarted worker or a Redis that outlived
the application never serves a page from before the latest change; the cache entries of
earlier versions simply expire. The version is at least the change's time in
microseconds, so it never goes back to an earlier value (a restored backup, a lost row).

**Conditional requests.** Every cached page carries a strong ``ETag`` (SHA-256 of its
body) and ``Last-Modified`` (the content version's time); ``If-None-Match`` and
``If-Modified-Since`` get ``304 Not Modified``. ``Cache-Control: public, max-age=…``
(``CITYRIGHTS_PUBLIC_MAX_AGE``) lets a city's proxy or CDN keep them briefly, and
``Vary: Accept-Language, Cookie`` keeps languages and logged-in people apart there too.

**Two levels.** Each worker keeps the pages it served most recently in its own memory
(``CITYRIGHTS_PUBLIC_CACHE_LOCAL_BYTES``, least recently used out first), under the same
key as the shared cache, so a spike on a few pages is answered with one query, the content
version, and no round trip to the shared cache. A changed version is a different key: the
worker's copy of an older page is simply never asked for again.

**Compressed once.** A text page of at least ``GZIP_MIN_BYTES`` is also kept gzipped,
compressed when it is stored, and sent so to a client that accepts gzip (every browser),
with its own strong ``ETag`` and ``Vary: Accept-Encoding``. A 7 MB map layer or register
export reaches a phone as a fraction of that. Compressing cannot leak a secret (BREACH):
a stored page holds none (no CSRF token, no session, nobody's own data).

Operators: ``cityrights purge-public-cache`` raises the version (every cached page is
rendered again on its next visit); ``docs/operations.md`` has the settings.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from django.utils.translation import get_language

import cityrights

from .registry import registry

logger = logging.getLogger(__name__)

VERSION_TABLE = "core_publishedcontentversion"
CITY_VERSION_TABLE = "core_citycontentversion"
#: Core's own tables that no public page reads.
CORE_PRIVATE_TABLES = frozenset(
    {
        VERSION_TABLE,
        CITY_VERSION_TABLE,
        "django_session",
        "core_auditevent",
        "core_contribution",
        "core_apikey",
    }
)
HEADER = "X-Cityrights-Cache"

_WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
# Schema changes (CREATE, ALTER, DROP) change no content by themselves.
_OTHER_WRITE = re.compile(r"^\s*(?:WITH|MERGE|TRUNCATE|COPY)\b", re.IGNORECASE)
_WRITE_IN_CTE = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
#: Logging in records the time on the account; no public page shows it.
_LAST_LOGIN = re.compile(r'^\s*UPDATE\s+"?core_user"?\s+SET\s+"?last_login"?\s*=\s*%s\s+WHERE')


# --- the content version ----------------------------------------------------------------


@cache
def _private_tables() -> frozenset[str]:
    # Computed once, after every app has registered its tables (the first write comes later).
    tables = set(CORE_PRIVATE_TABLES) | registry.private_tables
    for backend in settings.CACHES.values():
        if str(backend.get("BACKEND", "")).endswith("DatabaseCache"):
            tables.add(str(backend["LOCATION"]))
    return frozenset(tables)


#: The installation's version, in the set of versions a transaction raises at its commit.
EVERYWHERE = 0


def changed_table(sql: str) -> str | None:
    """The table a statement may change what a public page shows in: its name, ``""`` when
    it cannot be read from the statement (conservative: when unsure, a change), ``None``
    for no change."""
    match = _WRITE.match(sql)
    if match is not None:
        table = match.group(1).lower()
        if table == "core_user" and _LAST_LOGIN.match(sql):
            return None
        return None if table in _private_tables() else table
    other = _OTHER_WRITE.match(sql)
    if other is None:
        return None
    if other.group(0).strip().upper() == "WITH" and not _WRITE_IN_CTE.search(sql, other.end()):
        return None
    return ""


def changes_public_content(sql: str) -> bool:
    """Whether a statement may change what a public page shows (conservative: when unsure, yes)."""
    return changed_table(sql) is not None


_scope: ContextVar[int | None] = ContextVar("cityrights_public_cache_city", default=None)


@contextmanager
def city_scope(organisation: Any) -> Iterator[None]:
    """Count the writes made inside as made for ``organisation`` when it is a city."""
    city = organisation.pk if organisation is not None and organisation.is_city else None
    token = _scope.set(city)
    try:
        yield
    finally:
        _scope.reset(token)


@cache
def city_tables() -> frozenset[str]:
    """Tables whose rows belong to one city: a model with a foreign key ``organisation`` to an
    organisation, or with a foreign key to such a model; less the shared tables."""
    from django.apps import apps

    from .models import Organisation

    def owned(model: Any) -> bool:
        field = next((f for f in model._meta.concrete_fields if f.name == "organisation"), None)
        return field is not None and field.related_model is Organisation

    direct = {model for model in apps.get_models() if owned(model)}
    tables = {model._meta.db_table for model in direct}
    for model in apps.get_models():
        if any(
            field.many_to_one and field.related_model in direct
            for field in model._meta.concrete_fields
        ):
            tables.add(model._meta.db_table)
    return frozenset(tables - registry.shared_tables)


def _target(table: str) -> int:
    """Whose version a write to ``table`` raises: the city in scope, or the installation's."""
    city = _scope.get()
    if city is not None and table and table in city_tables():
        return city
    return EVERYWHERE


def read_version(using: str = DEFAULT_DB_ALIAS) -> int:
    """The installation's content version (0 before the first change)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def read_versions(city_slug: str | None, using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """The installation's version and the version of the city ``city_slug`` (without a city:
    the highest of every city's), in one query."""
    if city_slug is None:
        city_sql = f"SELECT max(version) FROM {CITY_VERSION_TABLE}"  # noqa: S608
        params: list[Any] = []
    else:
        city_sql = (
            f"SELECT v.version FROM {CITY_VERSION_TABLE} v "  # noqa: S608
            "JOIN core_organisation o ON o.id = v.organisation_id WHERE o.slug = %s"
        )
        params = [city_slug]
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT version FROM {VERSION_TABLE} WHERE id = 1), ({city_sql})",  # noqa: S608
            params,
        )
        row = cursor.fetchone()
    return (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)


#: Two columns, the installation's content version and that of the city whose id is the one
#: ``%s`` parameter (NULL before their first change), for a caller that reads them in the
#: same statement as its own data (``register.selectors.content_stamp``): the tables' shape
#: stays in this module.
VERSIONS_BY_CITY_ID_SQL = (
    f"(SELECT version FROM {VERSION_TABLE} WHERE id = 1), "  # noqa: S608
    f"(SELECT version FROM {CITY_VERSION_TABLE} WHERE organisation_id = %s)"
)


def read_city_version(city_id: int, using: str = DEFAULT_DB_ALIAS) -> int:
    """The content version of one city (0 before its first change)."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT version FROM {CITY_VERSION_TABLE} WHERE organisation_id = %s",  # noqa: S608
            [city_id],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise the installation's version now: every cached public page is rendered again."""
    _bump_on(connections[using], {EVERYWHERE})


def _bump_on(connection: BaseDatabaseWrapper, targets: set[int]) -> None:
    now = time.time_ns() // 1000
    if connection.in_atomic_block:
        # Inside a transaction a failed statement would break the caller's transaction.
        _upsert(connection, now, targets)
        return
    try:
        _upsert(connection, now, targets)
    except DatabaseError:
        # Before core's migration 0006 (a data migration of an earlier app) there is no
        # version to raise; any other failure is worth an operator's attention.
        if VERSION_TABLE in connection.introspection.table_names():
            raise


def _upsert(connection: BaseDatabaseWrapper, now: int, targets: set[int]) -> None:
    with connection.cursor() as cursor:
        if EVERYWHERE in targets:
            cursor.execute(
                f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, %s) "  # noqa: S608
                "ON CONFLICT (id) DO UPDATE SET version = CASE "
                f"WHEN {VERSION_TABLE}.version >= excluded.version "
                f"THEN {VERSION_TABLE}.version + 1 ELSE excluded.version END",
                [now],
            )
        for city in sorted(targets - {EVERYWHERE}):
            cursor.execute(
                f"INSERT INTO {CITY_VERSION_TABLE} (organisation_id, version) "  # noqa: S608
                "VALUES (%s, %s) ON CONFLICT (organisation_id) DO UPDATE SET version = CASE "
                f"WHEN {CITY_VERSION_TABLE}.version >= excluded.version "
                f"THEN {CITY_VERSION_TABLE}.version + 1 ELSE excluded.version END",
                [city, now],
            )


def _pending(connection: BaseDatabaseWrapper) -> set[int]:
    """The versions this connection's transaction raises at its commit."""
    pending: set[int] | None = getattr(connection, "_cityrights_pending", None)
    if pending is None:
        pending = set()
        connection._cityrights_pending = pending  # type: ignore[attr-defined]
    return pending


def _bump_callback(connection: BaseDatabaseWrapper) -> Callable[[], None]:
    # One callable per connection, so a transaction's queue holds it at most once.
    callback: Callable[[], None] | None = getattr(connection, "_cityrights_bump", None)
    if callback is None:

        def bump_after_commit() -> None:
            pending = _pending(connection)
            targets = set(pending)
            pending.clear()
            if targets:
                _bump_on(connection, targets)

        callback = bump_after_commit
        connection._cityrights_bump = callback  # type: ignore[attr-defined]
    return callback


def _schedule_bump(connection: BaseDatabaseWrapper, target: int = EVERYWHERE) -> None:
    callback = _bump_callback(connection)
    pending = _pending(connection)
    if connection.in_atomic_block:
        if not any(queued[1] is callback for queued in connection.run_on_commit):
            pending.clear()  # left by a transaction rolled back (its callbacks were dropped)
            connection.on_commit(callback, robust=True)
        pending.add(target)
        return
    pending.add(target)
    callback()


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Execute wrapper: after a statement that changes public content, raise the version."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str):
        table = changed_table(sql)
        if table is not None:
            _schedule_bump(context["connection"], _target(table))
    return result


def install_write_watch(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` handler: watch every connection's writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


# --- the page cache ---------------------------------------------------------------------


@dataclass(frozen=True)
class CachedPage:
    status: int
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: str
    # What the view opened in the Content-Security-Policy (the map's tile server), which the
    # policy middleware outside this one adds to the stored page's answer too.
    csp_extra: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The same body gzipped, for clients that accept it (None: not worth compressing).
    gzipped: bytes | None = None

    @property
    def size(self) -> int:
        # getattr: a page stored before the field existed has none.
        return len(self.content) + len(getattr(self, "gzipped", None) or b"")


#: Smaller bodies fit in a packet or two anyway: compressing them gains nothing.
GZIP_MIN_BYTES = 1024
#: From this size on, the body is compressed at gzip's best level. A whole-register file
#: (the map layer, the CSV) is stored rarely and sent often, so the few hundred milliseconds
#: spent once buy a body about 6 % smaller on every visit (a 7.5 MB map layer: 729 KB at the
#: default level, 682 KB at the best). Pages below it keep the default level, cheaper to store.
GZIP_BEST_BYTES = 256 << 10
_COMPRESSIBLE = re.compile(
    r"^(?:text/|application/(?:[\w.+-]*\+)?(?:json|xml|javascript)\b|image/svg\+xml)", re.I
)


def _gzipped(content: bytes, content_type: str) -> bytes | None:
    if len(content) < GZIP_MIN_BYTES or not _COMPRESSIBLE.match(content_type):
        return None
    # mtime=0: the same body always compresses to the same bytes, so its ETag is stable.
    level = 9 if len(content) >= GZIP_BEST_BYTES else 6
    packed = gzip.compress(content, compresslevel=level, mtime=0)
    return packed if len(packed) < len(content) else None


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client accepts a gzipped body (``Accept-Encoding`` lists gzip, q > 0)."""
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        coding, _, params = part.partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            quality = params.strip().lower()
            if quality.startswith("q="):
                try:
                    return float(quality[2:]) > 0
                except ValueError:
                    return False
            return True
    return False


class LocalPages:
    """The pages one worker served most recently, in its own memory, at most ``limit``
    bytes of bodies in all; the least recently used go first. Entries expire like the
    shared cache's. Safe to share between a worker's threads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._pages: OrderedDict[str, tuple[float, CachedPage]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            expires, page = found
            if expires <= time.monotonic():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: CachedPage, timeout: float) -> None:
        if page.size > self.limit // 4:
            return  # one large export must not push every page out
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (time.monotonic() + timeout, page)
            self._size += page.size
            while self._size > self.limit:
                self._drop(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._size = 0

    def _drop(self, key: str) -> None:
        _expires, page = self._pages.pop(key)
        self._size -= page.size

    def __len__(self) -> int:
        return len(self._pages)


_local: LocalPages | None = None


def local_pages() -> LocalPages:
    """This worker's own store (its size from ``CITYRIGHTS_PUBLIC_CACHE_LOCAL_BYTES``)."""
    global _local
    limit = int(getattr(settings, "CITYRIGHTS_PUBLIC_CACHE_LOCAL_BYTES", 32 << 20))
    if _local is None or _local.limit != limit:
        _local = LocalPages(limit)
    return _local


class LocalValues:
    """Small values worked out from public content (a catalogue's facets), kept by each
    worker under a key that holds the content's stamp, at most ``limit`` of them (the least
    recently used go first).

    The key changes whenever the content does (the caller reads the stamp from the
    database on each request), so a kept value is never older than the database; what this
    saves is the shared cache's round trip and unpickling on every visit. Callers must not
    change a value they got: the next request gets the same object. Safe to share between a
    worker's threads."""

    def __init__(self, limit: int = 256) -> None:
        self.limit = limit
        self._values: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_set(self, key: str, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = make()  # outside the lock: it may query the database
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.limit:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)


_values = LocalValues()


def local_values() -> LocalValues:
    """This worker's store of values derived from public content (see :class:`LocalValues`)."""
    return _values


@dataclass
class Visit:
    """What the middleware knows about one anonymous request for a cacheable page."""

    key: str
    version: int
    hit: bool = False


def _enabled() -> bool:
    return bool(getattr(settings, "CITYRIGHTS_PUBLIC_CACHE", True))


def _cache() -> Any:
    return caches[getattr(settings, "CITYRIGHTS_PUBLIC_CACHE_ALIAS", "default")]


def is_anonymous_visit(request: HttpRequest) -> bool:
    """No session, no pending message, no credentials: the page cannot be personal."""
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def page_key(request: HttpRequest, version: int, city_version: int = 0) -> str:
    query = urlencode(sorted(parse_qsl(request.META.get("QUERY_STRING", ""), True)))
    parts = (
        cityrights.__version__,
        str(version),
        str(city_version),
        get_language() or "",
        request.scheme or "",
        request.get_host(),
        request.path,
        query,
    )
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"cityrights:publicpage:{digest}"


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page embeds a CSRF token: it belongs to one browser
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (
        getattr(storage, "_queued_messages", None) or getattr(storage, "_loaded_data", None)
    ):
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _body(response: HttpResponseBase, limit: int) -> tuple[bytes | None, HttpResponseBase]:
    """The response's body when it is at most ``limit`` bytes, and the response to send."""
    if not response.streaming:
        content = response.content  # type: ignore[attr-defined]
        return (content if len(content) <= limit else None), response
    if getattr(response, "file_to_stream", None) is not None:
        return None, response  # a file download: sent as it is, never held in memory
    assert isinstance(response, StreamingHttpResponse)
    stream: Iterator[bytes] = iter(response.streaming_content)  # type: ignore[arg-type]
    parts: list[bytes] = []
    size = 0
    for part in stream:
        parts.append(part)
        size += len(part)
        if size > limit:
            # Too large to keep: send what was read followed by the rest, still streaming.
            response.streaming_content = _chain(parts, stream)
            return None, response
    content = b"".join(parts)
    plain = HttpResponse(content, status=response.status_code)
    for name, value in response.items():
        plain[name] = value
    return content, plain


def _chain(parts: list[bytes], rest: Iterator[bytes]) -> Iterator[bytes]:
    yield from parts
    yield from rest


def _timeout() -> int:
    return int(getattr(settings, "CITYRIGHTS_PUBLIC_CACHE_SECONDS", 300))


def _public_headers(response: HttpResponseBase, etag: str, last_modified: str) -> None:
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = last_modified
    max_age = int(getattr(settings, "CITYRIGHTS_PUBLIC_MAX_AGE", 60))
    response["Cache-Control"] = f"public, max-age={max_age}"
    patch_vary_headers(response, ("Accept-Language", "Accept-Encoding", "Cookie"))


def _answer(request: HttpRequest, page: CachedPage) -> HttpResponseBase:
    gzipped = getattr(page, "gzipped", None)
    if gzipped is not None and not accepts_gzip(request):
        gzipped = None
    content = page.content if gzipped is None else gzipped
    etag = page.etag if gzipped is None else page.etag[:-1] + '-gzip"'
    response = HttpResponse(b"" if request.method == "HEAD" else content, status=page.status)
    for name, value in page.headers:
        response[name] = value
    response["Content-Length"] = str(len(content))
    if gzipped is not None:
        response["Content-Encoding"] = "gzip"
        response["ETag"] = etag
    extra = getattr(page, "csp_extra", ())  # pages stored before the field existed have none
    if extra:
        response.csp_extra = {directive: list(sources) for directive, sources in extra}  # type: ignore[attr-defined]
    conditional = get_conditional_response(
        request,
        etag=etag,
        last_modified=_timestamp(page.last_modified),
        response=response,
    )
    return conditional if conditional is not None else response


def _timestamp(http_time: str) -> int | None:
    return parse_http_date_safe(http_time) if http_time else None


def _version_time(version: int) -> str:
    # A version is at least its change's time in microseconds; small ones (tests, a
    # purge on a clock set back) would claim 1970, so they give no Last-Modified.
    seconds = version // 1_000_000
    return http_date(seconds) if seconds > 1_000_000_000 else ""


class PublicPageCacheMiddleware:
    """Serve listed public pages to anonymous visitors from the shared cache.

    Put it last in ``MIDDLEWARE``: what it stores is the view's response alone, and the
    outer middleware (security headers, language, CSRF, sessions) runs on every answer,
    cached or not.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        visit: Visit | None = getattr(request, "_public_visit", None)
        if visit is None or visit.hit:
            return response
        return self._store(request, response, visit)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if not _enabled() or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        if match is None or match.view_name not in registry.cached_pages:
            return None
        if not is_anonymous_visit(request):
            return None
        everywhere, city = read_versions(match.kwargs.get("org"))
        visit = Visit(key=page_key(request, everywhere, city), version=max(everywhere, city))
        request._public_visit = visit  # type: ignore[attr-defined]
        local = local_pages()
        page = local.get(visit.key)
        if page is None:
            page = _cache().get(visit.key)
            if not isinstance(page, CachedPage):
                return None
            local.put(visit.key, page, _timeout())
        visit.hit = True
        response = _answer(request, page)
        response[HEADER] = "hit"
        return response

    def _store(
        self, request: HttpRequest, response: HttpResponseBase, visit: Visit
    ) -> HttpResponseBase:
        if not _storable(request, response):
            return response
        limit = int(getattr(settings, "CITYRIGHTS_PUBLIC_CACHE_MAX_BYTES", 8 * 1024 * 1024))
        content, response = _body(response, limit)
        if content is None:
            return response
        etag = '"' + hashlib.sha256(content).hexdigest()[:40] + '"'
        last_modified = _version_time(visit.version)
        _public_headers(response, etag, last_modified)
        page = CachedPage(
            status=response.status_code,
            content=content,
            headers=tuple((name, value) for name, value in response.items()),
            etag=etag,
            last_modified=last_modified,
            csp_extra=tuple(
                (directive, tuple(sources))
                for directive, sources in (getattr(response, "csp_extra", None) or {}).items()
            ),
            gzipped=_gzipped(content, response.get("Content-Type", "")),
        )
        timeout = _timeout()
        _cache().set(visit.key, page, timeout)
        local_pages().put(visit.key, page, timeout)
        answer = _answer(request, page)
        answer[HEADER] = "miss"
        return answer

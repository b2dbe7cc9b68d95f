"""Anonymous public pages come from the shared cache, and never a draft or a personal page.

The cache is switched on here (the test settings leave it off elsewhere). Tests that write
run in real transactions, as production does: the content version goes up when a write
commits.
"""

from __future__ import annotations

import gzip
import re
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cityrights.core import publiccache
from cityrights.core.registry import registry
from cityrights.register import services as register_services
from tests.register.conftest import make_entry

HEADER = "X-Cityrights-Cache"


@contextmanager
def committed(capture):
    """Inside a test's transaction, run what a commit would run and forget it, as a commit does."""
    with capture(execute=True):
        yield
    connection.run_on_commit.clear()


@pytest.fixture(autouse=True)
def _public_cache(settings):
    settings.CITYRIGHTS_PUBLIC_CACHE = True
    cache.clear()


def forget_every_page() -> None:
    """Empty the shared cache and this worker's own copies."""
    cache.clear()
    publiccache.local_pages().clear()


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


# --- which statements change public content -------------------------------------------


@pytest.mark.parametrize(
    ("sql", "changes"),
    [
        ('INSERT INTO "register_entry" ("name") VALUES (%s)', True),
        ('UPDATE "register_entry" SET "name" = %s WHERE "register_entry"."id" = %s', True),
        ('DELETE FROM "register_location" WHERE "register_location"."id" IN (%s)', True),
        ("  update participation_comment set body = %s", True),
        ("WITH moved AS (DELETE FROM register_entry RETURNING id) SELECT 1", True),
        ("WITH counts AS (SELECT 1) SELECT * FROM counts", False),
        ('SELECT "register_entry"."id" FROM "register_entry"', False),
        ('INSERT INTO "django_session" ("session_key") VALUES (%s)', False),
        ('INSERT INTO "core_auditevent" ("action") VALUES (%s)', False),
        ('INSERT INTO "consent_consentcheck" ("answer") VALUES (%s)', False),
        ('INSERT INTO "consent_ledgerevent" ("kind") VALUES (%s)', False),
        ('UPDATE "core_user" SET "last_login" = %s WHERE "core_user"."id" = %s', False),
        ('UPDATE "core_user" SET "name" = %s WHERE "core_user"."id" = %s', True),
        ('UPDATE "core_publishedcontentversion" SET "version" = 2', False),
        ("TRUNCATE register_entry", True),
    ],
)
def test_statements_that_change_public_content(sql, changes):
    assert publiccache.changes_public_content(sql) is changes


@pytest.mark.django_db(transaction=True)
def test_the_version_goes_up_once_per_committed_transaction_and_never_on_rollback(city_a):
    from django.db import transaction

    before = publiccache.read_version()
    with transaction.atomic():
        make_entry(city_a, state="draft", name="One")
        make_entry(city_a, state="draft", name="Two")
        assert publiccache.read_version() == before  # not before the commit
    after = publiccache.read_version()
    assert after > before
    with pytest.raises(RuntimeError), transaction.atomic():
        make_entry(city_a, state="draft", name="Three")
        raise RuntimeError
    assert publiccache.read_version() == after


@pytest.mark.django_db(transaction=True)
def test_the_version_never_goes_back_even_when_its_row_is_lost():
    publiccache.bump()
    first = publiccache.read_version()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_publishedcontentversion")
    assert publiccache.read_version() == 0
    publiccache.bump()
    assert publiccache.read_version() > first
    publiccache.bump()
    assert publiccache.read_version() > first + 1


# --- the cache at work on a page ------------------------------------------------------

CATALOGUE = "/cities/city-a/register/"


@pytest.fixture
def public_entry(city_a, django_capture_on_commit_callbacks):
    with committed(django_capture_on_commit_callbacks):
        entry = make_entry(city_a, name="Published camera")
    return entry


def test_a_second_anonymous_visit_is_served_from_the_cache(public_entry):
    first = Client().get(CATALOGUE)
    second = Client().get(CATALOGUE)
    assert first.status_code == second.status_code == 200
    assert first[HEADER] == "miss"
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert "Published camera" in second.content.decode()
    for response in (first, second):
        assert re.fullmatch(r'"[0-9a-f]{40}"', response["ETag"])
        assert response["Cache-Control"] == "public, max-age=60"
        assert {"accept-language", "cookie"} <= {
            part.strip().lower() for part in response["Vary"].split(",")
        }
        # What the outer middleware adds is there on a cached answer too.
        assert response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
    assert second["ETag"] == first["ETag"]


def test_conditional_requests_get_304_and_head_gets_no_body(public_entry, settings):
    settings.CITYRIGHTS_PUBLIC_MAX_AGE = 15
    first = Client().get(CATALOGUE)
    assert first["Cache-Control"] == "public, max-age=15"
    etag = first["ETag"]
    for client_headers in ({"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_NONE_MATCH": f'"x", {etag}'}):
        again = Client().get(CATALOGUE, **client_headers)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
    assert Client().get(CATALOGUE, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    modified = first.get("Last-Modified")
    assert modified
    assert Client().get(CATALOGUE, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    head = Client().head(CATALOGUE)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(first.content))
    assert head["ETag"] == etag


def test_the_language_is_part_of_the_key(public_entry):
    english = Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en")
    french = Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="fr")
    assert french[HEADER] == "miss"
    assert french.content != english.content
    assert Client().get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="fr").content == french.content
    assert Client().get(CATALOGUE + "?kind=sensor")[HEADER] == "miss"


@pytest.mark.parametrize("role", ["admin", "editor", "reviewer", "viewer"])
def test_staff_never_get_or_leave_a_cached_page(public_entry, city_a, role):
    staff = city_a.client_for(role)
    Client().get(CATALOGUE)  # an anonymous visitor fills the cache
    for _ in range(2):
        response = staff.get(CATALOGUE)
        assert response.status_code == 200
        assert HEADER not in response
        assert "ETag" not in response
    forget_every_page()
    staff.get(CATALOGUE)
    assert Client().get(CATALOGUE)[HEADER] == "miss"  # the staff member's page was not kept


def test_a_logged_in_resident_never_gets_a_cached_page(public_entry, resident):
    Client().get(CATALOGUE)
    client = Client()
    client.force_login(resident)
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert HEADER not in response


def test_a_page_with_a_pending_message_or_a_form_is_not_served_from_the_cache(public_entry):
    Client().get(CATALOGUE)
    with_message = Client()
    with_message.cookies["messages"] = "anything"
    assert HEADER not in with_message.get(CATALOGUE)
    # The question form carries a CSRF token: never kept, even if a page were listed.
    code = public_entry.code
    form_page = f"/cities/city-a/register/{code}/ask/"
    registry.cached_pages.add("register:ask")
    try:
        for _ in range(2):
            response = Client().get(form_page)
            assert response.status_code == 200
            assert HEADER not in response
    finally:
        registry.cached_pages.discard("register:ask")


def test_a_cookie_for_csrf_alone_still_gets_the_cached_page(public_entry):
    Client().get(CATALOGUE)
    client = Client()
    client.cookies["csrftoken"] = "x" * 32
    assert client.get(CATALOGUE)[HEADER] == "hit"


def test_a_hit_costs_one_query(city_a, django_capture_on_commit_callbacks):
    with committed(django_capture_on_commit_callbacks):
        make_entry(city_a, name="First")
    Client().get(CATALOGUE)
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(CATALOGUE)[HEADER] == "hit"
    assert len(queries) == 1  # the content version; the page comes from the cache


def test_a_page_in_the_workers_memory_costs_one_query_and_no_cache_round_trip(
    public_entry, city_a, settings, django_capture_on_commit_callbacks
):
    first = Client().get(CATALOGUE)
    assert first[HEADER] == "miss"
    cache.clear()  # the shared cache lost it: the worker's copy still answers
    with CaptureQueriesContext(connection) as queries:
        again = Client().get(CATALOGUE)
    assert again[HEADER] == "hit"
    assert again.content == first.content
    assert len(queries) == 1
    # A change is a new version, so a new key: the worker's copy is never asked for again.
    with committed(django_capture_on_commit_callbacks):
        register_services.retire(public_entry, actor=city_a.users["reviewer"], reason="Off.")
    changed = Client().get(CATALOGUE)
    assert changed[HEADER] == "miss"
    assert "Published camera" not in changed.content.decode()
    # Switched off, a worker keeps nothing of its own.
    settings.CITYRIGHTS_PUBLIC_CACHE_LOCAL_BYTES = 0
    cache.clear()
    assert Client().get(CATALOGUE)[HEADER] == "miss"
    assert Client().get(CATALOGUE)[HEADER] == "hit"  # from the shared cache
    assert len(publiccache.local_pages()) == 0


def _stored_page(size: int) -> publiccache.CachedPage:
    return publiccache.CachedPage(200, b"x" * size, (), '"e"', "")


def test_the_workers_memory_is_bounded_and_forgets_the_least_recently_used(monkeypatch):
    pages = publiccache.LocalPages(limit=4000)
    for key in ("a", "b", "c"):
        pages.put(key, _stored_page(1000), timeout=60)
    assert pages.get("a") is not None  # "a" is now the most recently used
    pages.put("d", _stored_page(1000), timeout=60)
    pages.put("e", _stored_page(1000), timeout=60)
    assert pages.get("b") is None  # the least recently used went first
    assert [key for key in "acde" if pages.get(key) is not None] == list("acde")
    pages.put("huge", _stored_page(1001), timeout=60)  # over a quarter of the bound: never kept
    assert pages.get("huge") is None
    assert len(pages) == 4
    # An entry lapses after the shared cache's timeout, like the shared cache's own.
    now = publiccache.time.monotonic()
    monkeypatch.setattr(publiccache.time, "monotonic", lambda: now + 61)
    assert pages.get("a") is None
    assert len(pages) == 3


@pytest.mark.parametrize(
    ("header", "gzip"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("gzip;q=nonsense", False),
        ("br", False),
        ("", False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(rf, header, gzip):
    assert publiccache.accepts_gzip(rf.get("/", HTTP_ACCEPT_ENCODING=header)) is gzip


def test_a_client_accepting_gzip_gets_the_page_compressed_once_with_its_own_etag(public_entry):
    import gzip

    plain = Client().get(CATALOGUE)
    for visit in ("miss", "hit"):
        if visit == "miss":
            forget_every_page()
        packed = Client().get(CATALOGUE, HTTP_ACCEPT_ENCODING="gzip, br")
        assert packed[HEADER] == visit
        assert packed["Content-Encoding"] == "gzip"
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content)
        assert packed["Content-Length"] == str(len(packed.content))
        assert packed["ETag"] == plain["ETag"][:-1] + '-gzip"'
        assert "accept-encoding" in packed["Vary"].lower()
    assert "Content-Encoding" not in plain
    assert "accept-encoding" in plain["Vary"].lower()
    # Each representation is revalidated with its own ETag.
    etag = packed["ETag"]
    assert (
        Client().get(CATALOGUE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag).status_code
        == 304
    )
    assert Client().get(CATALOGUE, HTTP_IF_NONE_MATCH=etag).status_code == 200
    head = Client().head(CATALOGUE, HTTP_ACCEPT_ENCODING="gzip")
    assert head.content == b""
    assert head["Content-Length"] == str(len(packed.content))


def test_small_or_binary_bodies_are_not_compressed():
    assert publiccache._gzipped(b"<p>short</p>", "text/html; charset=utf-8") is None
    assert publiccache._gzipped(b"\x89PNG" + bytes(4000), "image/png") is None
    body = b"<li>entry</li>" * 400
    for content_type in (
        "text/html; charset=utf-8",
        "application/geo+json",
        "application/ld+json",
        "application/atom+xml",
        "text/csv",
        "image/svg+xml",
    ):
        assert publiccache._gzipped(body, content_type) is not None, content_type


def test_large_bodies_are_compressed_at_the_best_level():
    # A whole-register file is stored rarely and sent often: its body is packed as tightly
    # as gzip can; a page keeps the default level, cheaper to compress on each store.
    rows = "".join(f"{n},sensor {n % 97},{n * 7919 % 100003}\n" for n in range(40000)).encode()
    assert len(rows) >= publiccache.GZIP_BEST_BYTES
    large = publiccache._gzipped(rows, "text/csv")
    assert large == gzip.compress(rows, compresslevel=9, mtime=0)
    assert len(large) < len(gzip.compress(rows, compresslevel=6, mtime=0))
    page = rows[: publiccache.GZIP_BEST_BYTES - 1]
    assert publiccache._gzipped(page, "text/csv") == gzip.compress(page, compresslevel=6, mtime=0)


def test_the_production_database_cache_serves_pages_too(public_entry, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cityrights_cache",
        }
    }
    call_command("createcachetable", verbosity=0)
    version = publiccache.read_version()
    assert Client().get(CATALOGUE)[HEADER] == "miss"
    assert Client().get(CATALOGUE)[HEADER] == "hit"
    # Storing a page writes the cache table, which must not count as a change of content.
    assert publiccache.read_version() == version


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_from_any_worker_shows_at_once(city_a):
    entry = make_entry(city_a, name="Old name")
    assert "Old name" in Client().get(CATALOGUE).content.decode()
    assert Client().get(CATALOGUE)[HEADER] == "hit"
    # Raw SQL, as another worker or a command might write: no service, no signal.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE register_entry SET name_en = %s WHERE id = %s", ["New name", entry.pk]
        )
    page = Client().get(CATALOGUE)
    assert page[HEADER] == "miss"
    assert "New name" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_restarted_worker_with_a_surviving_cache_serves_nothing_stale(city_a):
    entry = make_entry(city_a, name="Before restart")
    Client().get(CATALOGUE)
    kept = dict(cache._cache)  # what a shared cache (Redis) keeps across the restart
    register_services.retire(entry, actor=city_a.users["reviewer"], reason="Switched off.")
    # The worker restarts: the process forgets everything, the shared cache does not.
    publiccache.local_pages().clear()
    cache._cache.update(kept)
    page = Client().get(CATALOGUE).content.decode()
    assert "Before restart" not in page


@pytest.mark.django_db(transaction=True)
def test_the_purge_command_renders_every_page_again(city_a):
    from io import StringIO

    make_entry(city_a, name="Purged camera")
    Client().get(CATALOGUE)
    assert Client().get(CATALOGUE)[HEADER] == "hit"
    out = StringIO()
    call_command("purge-public-cache", stdout=out)
    assert "content version" in out.getvalue()
    assert Client().get(CATALOGUE)[HEADER] == "miss"


# --- every cached page of the demo city: never a draft, never stale -------------------

HREF = re.compile(r'(?:href|src|data-geojson)="(/cities/demo-city/[^"#]*)"')
#: Pages the demo city has no record for (no published annual report, no badge).
NOT_IN_DEMO = {"reporting:report", "reporting:version", "reporting:json", "reporting:pdf"}
NOT_IN_DEMO |= {"reporting:section_data", "capacity:achievement"}
FORM_PAGES = {"participation:section", "participation:questions", "capacity:public_programme"}


def _crawl(client: Client, *start: str, per_page: int = 3) -> dict[str, str]:
    """Pages reachable from ``start`` anonymously, ``per_page`` of each cached page at most."""
    from html import unescape

    from django.urls import Resolver404, resolve

    seen: dict[str, str] = {}
    queue, visited = list(start), set()
    while queue:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        try:
            name = resolve(url.split("?")[0]).view_name
        except Resolver404:
            continue
        if name not in registry.cached_pages or list(seen.values()).count(name) >= per_page:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen[url] = name
        if response.get("Content-Type", "").startswith("text/html"):
            queue.extend(unescape(link) for link in HREF.findall(body(response)))
    return seen


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
#: When an export was produced (its "generated" stamp) is the one thing that may differ.
#: So may the random names of RDF blank nodes.
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00|_:N[0-9a-f]{32}")


def _page(url: str) -> str:
    """The page an anonymous visitor gets, its CSRF token (new on every render) left out."""
    return STAMP.sub("", TOKEN.sub("", body(Client().get(url))))


def _binary(url: str) -> bool:
    return url.endswith((".pdf", ".png", ".svg"))


def _fresh(url: str, settings) -> str:
    settings.CITYRIGHTS_PUBLIC_CACHE = False
    try:
        return _page(url)
    finally:
        settings.CITYRIGHTS_PUBLIC_CACHE = True


@pytest.mark.django_db
def test_every_cached_page_shows_no_draft_and_the_latest_publication(
    settings, django_capture_on_commit_callbacks
):
    from cityrights.core import demo
    from cityrights.register.models import Entry

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    with committed(django_capture_on_commit_callbacks):
        context = demo.load()
    pages = _crawl(
        Client(),
        "/cities/demo-city/",
        "/cities/demo-city/reports/",
        "/cities/demo-city/reports/how-to-verify/",
        "/cities/demo-city/capacity/issuer",
    )
    missing = registry.cached_pages - set(pages.values()) - NOT_IN_DEMO
    assert not missing, f"cached pages the crawl did not reach: {sorted(missing)}"
    not_kept = {url: name for url, name in pages.items() if HEADER not in Client().get(url)}
    # Pages with a form (a CSRF token) are rendered for each visitor; all others are kept.
    assert set(not_kept.values()) <= FORM_PAGES, not_kept

    # A draft and a working copy of a published entry: no public page may show them.
    editor, reviewer = context.users["editor"], context.users["reviewer"]
    published = Entry.objects.filter(organisation=context.city, state="published").first()
    assert published is not None
    with committed(django_capture_on_commit_callbacks):
        make_entry_in(context, "Zanzibar draft gadget", editor)
        revision = register_services.start_revision(published, actor=editor)
        register_services.update_entry(
            revision, actor=editor, data={"name": "Zanzibar revision name"}
        )
    # Forms carry per-render tokens, PDFs their time of printing: the rest must be the same.
    kept = [url for url in pages if url not in not_kept and not _binary(url)]
    for url in pages:
        assert "Zanzibar" not in _page(url), url
    for url in kept:
        assert _page(url) == _fresh(url, settings), url

    # Publishing the working copy changes every page that names the entry, at once.
    with committed(django_capture_on_commit_callbacks):
        register_services.submit(revision, actor=editor)
        register_services.publish(revision, actor=reviewer, change_summary="Renamed.")
    shown = 0
    for url in kept:
        page = _page(url)
        assert page == _fresh(url, settings), url
        shown += "Zanzibar revision name" in page
    assert shown >= 3  # catalogue, entry page, feed, exports …


def make_entry_in(context, name: str, editor) -> None:
    department = next(iter(context.departments.values()))
    register_services.create_entry(
        organisation=context.city,
        actor=editor,
        data={
            "kind": "sensor",
            "name": name,
            "summary": "Not yet public.",
            "department": department,
            "status": "in_use",
            "risk_level": "low",
            "automation_level": "none",
            "contact_email": "draft@example.org",
        },
        terms={"purpose": ["dpv:CombatClimateChange"]},
    )


@pytest.mark.parametrize("path", ["/cities/city-a/", CATALOGUE, CATALOGUE + "?kind=sensor"])
def test_an_uncached_render_costs_as_many_queries_for_many_entries_as_for_few(
    city_a, settings, path
):
    settings.CITYRIGHTS_PUBLIC_CACHE = False

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(path).status_code == 200
        return len(captured)

    make_entry(city_a, name="Entry 0", locations=2)
    few = queries()
    for n in range(1, 6):
        make_entry(city_a, name=f"Entry {n}", locations=2, areas=["privacy"])
    assert queries() == few


def test_a_cached_map_page_keeps_the_policy_opened_for_its_tiles(public_entry, settings):
    settings.CITYRIGHTS_MAP_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    first = Client().get(public_entry.get_absolute_url())
    second = Client().get(public_entry.get_absolute_url())
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    for response in (first, second):
        policy = response["Content-Security-Policy"]
        assert "img-src 'self' data: https://tile.openstreetmap.org" in policy

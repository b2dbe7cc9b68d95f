"""The catalogue as its indexes and cached counts serve it: the same order, count and cards.

The catalogue reads its page from an expression index per language order
(``register.models.name_order_indexes``) and its count from the facets' cached counts
(``selectors.catalogue_count``); these tests hold both to what the page showed before:
entries sorted by the name each reader reads (their language, then the city's, then any),
the number of entries the filters find, and links to each entry's page.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.core.translation import city_languages, fallback_order
from cityrights.register import selectors, services
from cityrights.register.models import Entry
from cityrights.register.views import public

from .conftest import entry_data

pytestmark = pytest.mark.django_db

#: Names with gaps: Brussels writes French first, then Dutch; English only now and then.
NAMES = [
    {"fr": "delta", "nl": "alfa"},
    {"fr": "bravo"},
    {"fr": "echo", "nl": "charlie", "en": "foxtrot"},
    {"fr": "alpha", "en": "zulu"},
    {"fr": "golf", "nl": "hotel"},
    {"fr": "bravo", "nl": "bravo"},  # the same name as another: the id decides
]

CARD = re.compile(r'<h3><a href="([^"]+)">(?:<span lang="(\w+)">)?([^<]*)(?:</span>)?</a></h3>')


def publish(city, names, **fields):
    fields.setdefault("kind", "service")
    summary = {city.city.content_languages[0]: "Un résumé."}
    data = entry_data(city.department, name=names, summary=summary, **fields)
    entry = services.create_entry(
        organisation=city.city,
        actor=city.users["editor"],
        data=data,
        terms={"purpose": ["dpv:CombatClimateChange"]},
    )
    entry = services.submit(entry, actor=city.users["editor"])
    seen = services.missing_fingerprint(services.missing_translations(entry))
    return services.publish(entry, actor=city.users["reviewer"], missing_seen=seen)


@pytest.fixture
def entries(brussels):
    found = [publish(brussels, names) for names in NAMES]
    # Other kinds, statuses and risk levels for the counts, and one withdrawn entry.
    found.append(publish(brussels, {"fr": "india"}, kind="platform", risk_level="high"))
    found.append(publish(brussels, {"fr": "juliett"}, kind="algorithm", status="planned"))
    retired = publish(brussels, {"fr": "kilo", "nl": "lima"})
    services.retire(retired, actor=brussels.users["reviewer"], reason="Gone.")
    return found


def expected_order(entries, language, city_languages_):
    """Names as a reader of ``language`` reads them, sorted as the page must sort them."""
    with translation.override(language), city_languages(city_languages_):
        order = fallback_order()

    def read(entry):
        for code in order:
            text = getattr(entry, f"name_{code}")
            if text:
                return text, code
        return "", ""

    rows = sorted((*read(entry), entry.pk, entry.code) for entry in entries)
    return [(text, code, entry_code) for text, code, _pk, entry_code in rows]


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_every_reader_gets_the_entries_sorted_by_the_name_they_read(
    entries, brussels, language, monkeypatch
):
    monkeypatch.setattr(public, "PAGE_SIZE", 3)  # three pages: the order holds across pages
    url = reverse("register:catalogue", kwargs={"org": brussels.city.slug})
    seen = []
    for number in (1, 2, 3):
        html = Client().get(f"{url}?page={number}", HTTP_ACCEPT_LANGUAGE=language)
        seen += CARD.findall(html.content.decode())
    expected = expected_order(entries, language, brussels.city.content_languages)
    assert [(text, lang or language) for _href, lang, text in seen] == [
        (text, code) for text, code, _code in expected
    ]
    # Each card links to its entry's page, and a name in another language says which.
    assert [href for href, _lang, _text in seen] == [
        reverse("register:entry", kwargs={"org": brussels.city.slug, "code": code})
        for _text, _code, code in expected
    ]
    assert all(lang != language for _href, lang, _text in seen)


#: Filters on the entry's own columns: counted from the facets, paged from the kept SQL.
QUERIES = [
    {},
    {"retired": "1"},
    {"kind": "service"},
    {"kind": "platform", "retired": "1"},
    {"risk": "high"},
    {"status": "planned"},
    {"kind": "service", "status": "in_use", "risk": "low"},
    {"kind": "dataset"},
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_count_from_the_facets_is_what_the_database_counts(entries, brussels, query):
    organisation = brussels.city
    filters = selectors.Filters.from_query(query)
    counted = selectors.catalogue_count(filters, selectors.facets(organisation))
    assert counted == selectors.catalogue(organisation, filters).count()
    html = Client().get(
        reverse("register:catalogue", kwargs={"org": organisation.slug}),
        query,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    noun = "entry" if counted == 1 else "entries"
    assert f'<h2 id="results">{counted} {noun}</h2>' in html.content.decode()


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("query", QUERIES)
def test_a_page_from_the_kept_sql_is_the_page_the_orm_reads(entries, brussels, query, language):
    organisation = brussels.city
    filters = selectors.Filters.from_query(query)
    assert selectors.CataloguePage.fits(filters)
    with translation.override(language), city_languages(organisation.content_languages):
        for _twice in range(2):  # written once, then reused
            kept = selectors.CataloguePage(organisation, filters, public.CARD_COLUMNS)
            orm = selectors.catalogue(organisation, filters).values_list(*public.CARD_COLUMNS)
            for bounds in (slice(0, 3), slice(3, 6), slice(6, 30)):
                assert kept[bounds] == list(orm[bounds])
            assert kept.count() == orm.count()


def test_the_kept_sql_serves_each_city_its_own_entries(entries, brussels, city_b):
    publish(city_b, {"en": "november"})
    publish(city_b, {"en": "oscar"}, kind="platform")
    for query in ({}, {"kind": "platform"}):
        filters = selectors.Filters.from_query(query)
        for city in (brussels.city, city_b.city, brussels.city):
            with translation.override("en"), city_languages(city.content_languages):
                kept = selectors.CataloguePage(city, filters, public.CARD_COLUMNS)[0:30]
                orm = selectors.catalogue(city, filters).values_list(*public.CARD_COLUMNS)
                assert kept == list(orm) and kept


def test_only_filters_on_the_entrys_own_columns_use_the_kept_sql():
    for query in (
        {"q": "golf"},
        {"purpose": "dpv:x"},
        {"department": "x"},
        {"area": "public_goods"},
    ):
        assert not selectors.CataloguePage.fits(selectors.Filters.from_query(query))


def test_a_publication_moves_the_count_on(entries, brussels):
    organisation = brussels.city
    filters = selectors.Filters()
    before = selectors.catalogue_count(filters, selectors.facets(organisation))
    publish(brussels, {"fr": "mike"})
    assert selectors.catalogue_count(filters, selectors.facets(organisation)) == before + 1
    services.retire(Entry.objects.get(name_fr="mike"), actor=brussels.users["reviewer"], reason="-")
    assert selectors.catalogue_count(filters, selectors.facets(organisation)) == before


def test_a_worker_keeps_the_facets_it_read_until_the_register_changes(entries, brussels):
    """The second visit reads the stamp alone: no round trip to the shared cache, whose
    loss changes nothing; a publication's new stamp reads the facets afresh."""
    organisation = brussels.city
    first = selectors.facets(organisation)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        again = selectors.facets(organisation)
    assert again is first
    assert len(queries) == 1 and "cache" not in queries[0]["sql"]
    publish(brussels, {"fr": "mike"}, kind="platform")
    after = selectors.facets(organisation)
    assert after is not first
    assert (
        sum(n for _s, kind, _st, _r, n in after["counts"] if kind == "platform")
        == sum(n for _s, kind, _st, _r, n in first["counts"] if kind == "platform") + 1
    )


def test_searches_and_term_filters_are_counted_in_the_database(entries, brussels):
    facets = selectors.facets(brussels.city)
    for query in ({"q": "golf"}, {"purpose": "dpv:CombatClimateChange"}, {"department": "x"}):
        assert selectors.catalogue_count(selectors.Filters.from_query(query), facets) is None


def plan(queryset=None, sql: str = "", params=()) -> str:
    if queryset is not None:
        sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test city has a handful of rows, which PostgreSQL would rather scan: forbid
        # that, so the plan shows whether an index *can* give the order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres  # PostgreSQL's EXPLAIN shows the index; the SQLite pass deselects it
@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_postgresql_reads_the_page_from_the_index_of_the_readers_order(entries, brussels, language):
    organisation = brussels.city
    with translation.override(language), city_languages(organisation.content_languages):
        index = "register_entry_name_" + "".join(fallback_order())
        for query in ({}, {"kind": "service"}, {"retired": "1"}):
            found = plan(
                selectors.catalogue(organisation, selectors.Filters.from_query(query))[:20]
            )
            assert index in found, found
            assert "Sort" not in found, found


@pytest.mark.postgres
def test_postgresql_reads_the_feed_from_its_index(entries, brussels):
    with CaptureQueriesContext(connection) as queries:
        selectors.recent_versions(brussels.city)
    found = plan(sql=queries.captured_queries[-1]["sql"])
    assert "register_version_pub_id" in found, found
    assert "Sort" not in found, found


@pytest.mark.django_db(transaction=True)  # the content versions move when a write commits
def test_a_write_without_a_publication_moves_the_count_on(entries, brussels):
    """A queryset update, a command or raw SQL changes what the public sees without a
    publication: once it commits, the counts and the filters offered follow it."""
    organisation = brussels.city
    sensors = selectors.Filters.from_query({"kind": "sensor"})
    before = selectors.catalogue_count(sensors, selectors.facets(organisation))
    entry = selectors.catalogue(organisation, selectors.Filters()).exclude(kind="sensor").first()
    Entry.objects.filter(pk=entry.pk).update(kind="sensor")
    assert selectors.catalogue_count(sensors, selectors.facets(organisation)) == before + 1
    assert before + 1 == selectors.catalogue(organisation, sensors).count()


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab é\n\t\u00a0<&\"'"), max_size=200))
def test_a_cards_summary_is_cut_as_truncatewords_cuts_it(text):
    """The card writes its summary with ``first_words``, which must give what the template's
    ``truncatewords:40`` gave (whitespace of any kind joined by one space, " …" when cut)."""
    from django.template.defaultfilters import truncatewords

    for count in (1, 3, 40):
        assert public.first_words(text, count) == truncatewords(text, count)


@pytest.mark.parametrize(
    "language, badge", [("en", "Withdrawn"), ("fr", "Retirée"), ("nl", "Ingetrokken")]
)
def test_a_withdrawn_entry_is_marked_in_the_readers_language(entries, brussels, language, badge):
    url = reverse("register:catalogue", kwargs={"org": brussels.city.slug})
    shown = Client().get(url, {"retired": "1"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    card = next(
        part for part in shown.split('<li class="card">') if ">kilo<" in part or ">lima<" in part
    )
    assert f'<span class="badge">{badge}</span>' in card
    hidden = Client().get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<span class="badge">{badge}</span>' not in hidden

"""The register's change feed follows RFC 4287 (Atom) and its ids never change."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.test import Client

from cityrights.register import services

from .conftest import make_entry

pytestmark = pytest.mark.django_db

ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED = "/cities/city-a/register/feed/"
#: RFC 3339 date-time, as RFC 4287 section 3.3 requires (upper-case T and Z allowed only).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
#: tag URI (RFC 4151): tag:authority,date:specific
TAG = re.compile(r"^tag:[A-Za-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:\S+$")


def fetch_feed() -> ElementTree.Element:
    response = Client().get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own feed, in a test


def check_common(element: ElementTree.Element, where: str) -> None:
    """Section 4.1.1/4.1.2: exactly one id, title and updated; links well formed."""
    for name in ("id", "title", "updated"):
        assert len(element.findall(f"a:{name}", NS)) == 1, (where, name)
    ident = element.findtext("a:id", namespaces=NS) or ""
    assert urlsplit(ident).scheme, (where, "atom:id must be an absolute IRI", ident)
    assert RFC3339.match(element.findtext("a:updated", namespaces=NS) or ""), where
    alternates = set()
    for link in element.findall("a:link", NS):
        assert link.get("href"), (where, "atom:link needs href")
        if link.get("rel", "alternate") == "alternate":
            key = (link.get("type"), link.get("hreflang"))
            assert key not in alternates, (where, "two alternate links of one type and language")
            alternates.add(key)
    for single in ("summary", "content", "published", "rights", "subtitle"):
        assert len(element.findall(f"a:{single}", NS)) <= 1, (where, single)


def test_the_feed_follows_rfc_4287(city_a):
    make_entry(city_a, name="Air sensors")
    make_entry(city_a, name="Parking model", kind="algorithm", locations=0)
    root = fetch_feed()
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.get(XML_LANG), "the feed states its language"
    check_common(root, "feed")
    assert TAG.match(root.findtext("a:id", namespaces=NS) or "")
    # 4.1.1: a feed has an author unless every entry has one.
    authors = root.findall("a:author", NS)
    assert authors and authors[0].findtext("a:name", namespaces=NS) == city_a.city.name
    assert any(link.get("rel") == "self" for link in root.findall("a:link", NS))
    entries = root.findall("a:entry", NS)
    assert len(entries) == 2
    ids = [entry.findtext("a:id", namespaces=NS) for entry in entries]
    assert len(set(ids)) == len(ids), "entry ids are unique"
    for entry in entries:
        check_common(entry, "entry")
        assert TAG.match(entry.findtext("a:id", namespaces=NS) or "")
        # 4.1.2: an entry without content has an alternate link.
        assert entry.find("a:content", NS) is not None or any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall("a:link", NS)
        )
        published = entry.findtext("a:published", namespaces=NS)
        if published:
            assert RFC3339.match(published)
            assert datetime.fromisoformat(published) <= datetime.fromisoformat(
                entry.findtext("a:updated", namespaces=NS) or ""
            )


def test_entry_ids_survive_a_rename_and_a_new_version(city_a):
    entry = make_entry(city_a, name="Air sensors")
    before = fetch_feed()
    first = {e.findtext("a:id", namespaces=NS) for e in before.findall("a:entry", NS)}
    feed_id = before.findtext("a:id", namespaces=NS)
    editor, reviewer = city_a.users["editor"], city_a.users["reviewer"]
    revision = services.start_revision(entry, actor=editor)
    services.update_entry(revision, actor=editor, data={"name": "Air quality sensors"})
    services.submit(revision, actor=editor)
    services.publish(revision, actor=reviewer, change_summary="Renamed.")
    after = fetch_feed()
    ids = {e.findtext("a:id", namespaces=NS) for e in after.findall("a:entry", NS)}
    assert first < ids and len(ids) == 2
    assert after.findtext("a:id", namespaces=NS) == feed_id

"""Every page, short URL, feed and export answers HEAD like GET, without a body.

Link checkers and uptime monitors send HEAD; a 405 there reads as a broken link. The crawl
walks the same route list as the bad-input crawl, so a new view is covered without a change
here.
"""

from __future__ import annotations

import pytest

from .test_bad_input import ROUTES, World, _concrete, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


@pytest.mark.parametrize("name, template, kinds", ROUTES, ids=[r[1] or r[0] for r in ROUTES])
def test_every_route_that_answers_get_answers_head_the_same_way(
    world: World,  # noqa: F811  (the fixture imported above)
    name,
    template,
    kinds,
) -> None:
    path = _concrete(template, kinds, world.entry.code)
    for who in ("", "admin"):
        client = world.client(who)
        get = client.get(path)
        if get.status_code == 405:  # a POST-only action
            continue
        head = world.client(who).head(path)
        assert head.status_code == get.status_code, (who, get.status_code, head.status_code)
        assert body(head) == b"", who
        if "Content-Type" in get:
            assert head["Content-Type"] == get["Content-Type"], who


PUBLIC = [
    "/cities/city-a/register/",
    "/cities/city-a/register/{entry}/",
    "/r/{entry}",
    "/cities/city-a/register/feed/",
    "/cities/city-a/register/map/locations.geojson",
    "/cities/city-a/register/open-data/register.csv",
    "/cities/city-a/register/open-data/locations.geojson",
    "/cities/city-a/register/open-data/dcat.ttl",
    "/cities/city-a/register/open-data/standards/eurocities.json",
    "/cities/city-a/register/{entry}/sign.pdf",
]


@pytest.mark.parametrize("template", PUBLIC)
def test_public_register_pages_short_urls_feed_and_exports_answer_head(
    world: World,  # noqa: F811
    template: str,
) -> None:
    path = template.format(entry=world.entry.code)
    response = world.client("").head(path)
    get = world.client("").get(path)
    assert response.status_code == get.status_code
    assert response.status_code in (200, 301, 302)
    assert body(response) == b""

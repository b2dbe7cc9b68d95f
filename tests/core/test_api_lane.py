"""The API lane: a registered address answered before the browser middlewares, the rest
of the request's treatment unchanged (core.middleware.ApiLaneMiddleware)."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponse
from django.utils.translation import get_language

from cityrights.core.registry import Registry, registry

# A real address, whose view answers what the lane declines (the partner's consent check:
# without an API key, a 401); the probe below stands in for its lane.
LANE = "/api/v1/consent/check"


@pytest.fixture
def lane(monkeypatch):
    """A lane at ``LANE`` recording what it saw; it answers unless the body says ``pass``."""
    seen: list[dict] = []

    def handler(request):
        seen.append({"language": get_language(), "body": request.body})
        if request.body == b'{"pass": true}':
            return None
        return HttpResponse(b'{"ok": true}', content_type="application/json")

    monkeypatch.setitem(registry.api_lanes, LANE, handler)
    return seen


def post(client, body: bytes | str, **extra):
    return client.generic("POST", LANE, body, content_type="application/json", **extra)


def test_a_lane_answers_with_the_headers_of_the_middlewares_it_skips(client, lane):
    response = post(client, b'{"a": 1}', HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200 and response.content == b'{"ok": true}'
    assert lane == [{"language": "nl", "body": b'{"a": 1}'}]
    assert response["Content-Language"] == "nl"
    assert "Accept-Language" in response["Vary"]
    assert response["X-Frame-Options"] == "DENY"
    # Set by the middlewares before the lane, as on every answer.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src" in response["Content-Security-Policy"]


def test_the_language_is_deactivated_after_the_lane(client, lane):
    from django.utils import translation

    translation.activate("fr")
    try:
        post(client, b"{}", HTTP_ACCEPT_LANGUAGE="nl")
        assert lane[0]["language"] == "nl"
        assert get_language() == "en"  # the settings' language, no longer the request's
    finally:
        translation.deactivate()


def test_a_request_the_lane_declines_takes_the_whole_stack(client, lane):
    response = post(client, b'{"pass": true}')
    assert len(lane) == 1
    # The address's view answered: no API key, the API's 401.
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "body, extra, status",
    [
        # Text the database cannot store: the input guard's 400, naming the field.
        (b'{"name": "a\\u0000b"}', {}, 400),
        # Not JSON: the input guard's 415.
        (b"a=1", {"content_type": "application/x-www-form-urlencoded"}, 415),
    ],
)
def test_what_the_input_guard_refuses_never_reaches_the_lane(client, lane, body, extra, status):
    content_type = extra.get("content_type", "application/json")
    response = client.generic("POST", LANE, body, content_type=content_type)
    assert response.status_code == status and lane == []
    assert response["Content-Type"].startswith("application/json")


def test_an_oversized_body_is_refused_by_the_input_guard(client, lane, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(client, json.dumps({"text": "x" * 200}))
    assert response.status_code == 413 and lane == []


def test_a_query_string_takes_the_whole_stack(client, lane):
    response = client.generic("POST", LANE + "?q=1", b"{}", content_type="application/json")
    assert response.status_code == 401 and lane == []


def test_a_length_that_is_not_a_number_takes_the_whole_stack(client, lane):
    # What the guard makes of it is the guard's business (core.input.passes_unread): the lane
    # does not guess at a body whose length it cannot trust.
    response = post(client, b"{}", CONTENT_LENGTH="two")
    assert lane == [] and response.status_code == 400
    assert "Content-Length" in response.json()["reason"]


def test_an_unknown_host_is_refused_before_the_lane(client, lane):
    response = post(client, b"{}", HTTP_HOST="evil.example")
    assert response.status_code == 400 and lane == []


def test_settings_that_make_the_common_middleware_do_more_bypass_the_lane(client, lane, settings):
    import re

    settings.DISALLOWED_USER_AGENTS = [re.compile("bad-bot")]
    response = post(client, b"{}", HTTP_USER_AGENT="bad-bot/1.0")
    assert response.status_code == 403 and lane == []


def test_an_address_has_one_lane():
    lanes = Registry()

    def first(request):
        return None

    def second(request):
        return None

    lanes.add_api_lane("/x", first)
    lanes.add_api_lane("/x", first)  # the same handler again (a second ready()): no error
    with pytest.raises(ValueError, match="already registered"):
        lanes.add_api_lane("/x", second)

"""Bad input is refused before views with a clear 4xx naming the field, never a 500.

Run on both databases: a NUL character is harmless on SQLite and a 500 on PostgreSQL
("A string literal cannot contain NUL (0x00) characters"), which is why the suite's
PostgreSQL pass matters here.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from cityrights.consent.models import Webhook
from cityrights.register.models import Question

from ..consent.conftest import GPS, RESEARCH, make_sharing
from ..register.conftest import make_entry

pytestmark = pytest.mark.django_db

NUL = "\x00"


@dataclass
class Case:
    """One request carrying bad input; ``who`` is a role of city A, an API key or nobody."""

    label: str
    method: str
    path: str
    who: str = ""  # "", a role ("admin", "editor", …), "partner" (consent key), "key"
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    json_body: Any = None
    name: str = ""  # the field the answer must name


def check_item(**change: str) -> dict[str, Any]:
    item = {
        "subject": "subj-unknown",
        "agreement": "mobility-study",
        "purpose": RESEARCH,
        "categories": [GPS],
    }
    item.update(change)
    return item


NUL_CASES = [
    Case("public register search", "GET", "/cities/city-a/register/", query={"q": NUL}, name="q"),
    Case(
        "public register filter",
        "GET",
        "/cities/city-a/register/",
        query={"department": "mob" + NUL},
        name="department",
    ),
    Case("register map filter", "GET", "/cities/city-a/register/map/", query={"purpose": NUL}),
    Case(
        "register CSV filter",
        "GET",
        "/cities/city-a/register/open-data/register.csv",
        query={"q": NUL},
    ),
    Case("register API search", "GET", "/api/v1/register/city-a/entries", query={"q": NUL}),
    Case(
        "register API filter",
        "GET",
        "/api/v1/register/city-a/entries",
        query={"department": NUL, "category": NUL},
    ),
    Case("register entry code", "GET", "/cities/city-a/register/ab%00cd/", name="code"),
    Case("short code", "GET", "/r/ab%00", name="code"),
    Case(
        "question form",
        "POST",
        "/cities/city-a/register/{entry}/ask/",
        form={"message": "Hello" + NUL + " there", "contact_email": ""},
        name="message",
    ),
    Case(
        "staff register search",
        "GET",
        "/manage/city-a/register/",
        who="editor",
        query={"q": NUL},
    ),
    Case(
        "staff questions filter",
        "GET",
        "/manage/city-a/register/questions/",
        who="editor",
        query={"status": NUL},
    ),
    Case(
        "impact search",
        "GET",
        "/manage/city-a/impact/",
        who="editor",
        query={"q": NUL, "status": NUL},
    ),
    Case(
        "audit filters",
        "GET",
        "/manage/city-a/audit/",
        who="admin",
        query={"action": NUL, "type": NUL},
    ),
    Case(
        "consent checks filter",
        "GET",
        "/manage/city-a/consent/",
        who="admin",
        query={"status": NUL},
    ),
    Case(
        "impact API filters",
        "GET",
        "/api/v1/impact/organisations/city-a/assessments",
        who="key",
        query={"q": NUL, "department": NUL, "right": NUL},
    ),
    Case(
        "consent check subject",
        "POST",
        "/api/v1/consent/check",
        who="partner",
        json_body=check_item(subject="subj-" + NUL),
        name="subject",
    ),
    Case(
        "consent check agreement",
        "POST",
        "/api/v1/consent/check",
        who="partner",
        json_body=check_item(agreement=NUL),
        name="agreement",
    ),
    Case(
        "consent batch subject",
        "POST",
        "/api/v1/consent/check/batch",
        who="partner",
        json_body={"items": [check_item(), check_item(subject=NUL)]},
        name="items.1.subject",
    ),
    Case(
        "consent batch agreement",
        "POST",
        "/api/v1/consent/check/batch",
        who="partner",
        json_body={"items": [check_item(agreement="mobility" + NUL)]},
        name="items.0.agreement",
    ),
    Case(
        "webhook URL (API)",
        "POST",
        "/api/v1/consent/webhooks",
        who="partner",
        json_body={"url": "https://lab.example/" + NUL},
        name="url",
    ),
    Case(
        "webhook URL (staff form)",
        "POST",
        "/manage/city-a/consent/webhooks/",
        who="admin",
        form={"recipient": "{lab}", "url": "https://lab.example/" + NUL},
        name="url",
    ),
    Case(
        "department (API)",
        "POST",
        "/api/v1/organisations/city-a/departments",
        who="key",
        json_body={"name": "Parks" + NUL, "slug": "parks"},
        name="name",
    ),
    Case(
        "department form",
        "POST",
        "/manage/city-a/departments/",
        who="admin",
        form={"name_en": "Parks" + NUL, "slug": "parks"},
        name="name_en",
    ),
]


@dataclass
class World:
    city_a: Any
    sharing: Any
    entry: Any
    api_key: str

    def client(self, who: str) -> Client:
        """A client that answers a server error with its status instead of raising it."""
        if who == "partner":
            return Client(
                raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {self.sharing.lab_key}"
            )
        if who == "key":
            return Client(
                raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {self.api_key}"
            )
        client = Client(raise_request_exception=False)
        if who:
            client.force_login(self.city_a.users[who])
        return client

    def send(self, case: Case):
        path = case.path.format(entry=self.entry.code)
        client = self.client(case.who)
        if case.json_body is not None:
            return client.generic(
                case.method,
                path,
                json.dumps(case.json_body),
                content_type="application/json",
                QUERY_STRING="",
            )
        if case.form is not None:
            form = {k: v.format(lab=self.sharing.lab.pk) for k, v in case.form.items()}
            return client.post(path, form)
        return client.get(path, case.query)


@pytest.fixture
def world(city_a, api_key, settings) -> World:
    settings.CITYRIGHTS_REGISTER_QUESTION_MIN_SECONDS = 0
    return World(
        city_a=city_a,
        sharing=make_sharing(city_a.city),
        entry=make_entry(city_a, name="Published camera"),
        api_key=api_key,
    )


@pytest.mark.parametrize("case", NUL_CASES, ids=[c.label for c in NUL_CASES])
def test_nul_is_refused_with_the_field_named(world: World, case: Case) -> None:
    response = world.send(case)
    print(f"STATUS {case.label}: {response.status_code}")
    assert response.status_code == 400
    text = response.content.decode()
    name = case.name or next(iter(case.query), "")
    assert name in text
    if case.path.startswith("/api/"):
        body = response.json()
        assert body["error"] == "bad_request"
        assert body["field"] == name
    assert not Question.objects.exists()
    assert not Webhook.objects.exists()


def _post_json(client: Client, path: str, raw: str | bytes, content_type="application/json"):
    return client.generic("POST", path, raw, content_type=content_type)


def test_unpaired_surrogates_are_refused_but_real_pairs_and_escaped_text_pass(world: World):
    partner = world.client("partner")
    raw = json.dumps(check_item(subject="subj-\ud800"))  # json.dumps writes the escape
    response = _post_json(partner, "/api/v1/consent/check", raw)
    assert response.status_code == 400
    assert response.json()["field"] == "subject"
    # An emoji written as a surrogate pair, and the six characters "\u0000", are text.
    for subject in ("subj-\U0001f600", "subj-\\u0000"):
        response = _post_json(
            partner, "/api/v1/consent/check", json.dumps(check_item(subject=subject))
        )
        assert response.status_code == 200, response.content
        assert response.json()["decision"] == "deny"


def test_a_bad_character_in_a_json_key_is_refused(world: World):
    raw = json.dumps({"items": [{**check_item(), "sub\x00ject": "x"}]})
    response = _post_json(world.client("partner"), "/api/v1/consent/check/batch", raw)
    assert response.status_code == 400
    assert response.json()["field"] == "items.0.sub\\u0000ject"


def test_a_body_over_the_limit_is_a_json_413_naming_the_limit(world: World, settings):
    big = json.dumps({"items": [check_item()] * 120_000})  # about 20 MB
    assert len(big) > 3 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = _post_json(world.client("partner"), "/api/v1/consent/check/batch", big)
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "too_large"
    assert body["limit"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "5.0\xa0MB" in body["reason"]
    assert len(response.content) < 1000


def test_a_form_over_the_limit_is_a_413_page(world: World, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = world.client("").post(
        f"/cities/city-a/register/{world.entry.code}/ask/", {"message": "x" * 5000}
    )
    assert response.status_code == 413
    assert "1000\xa0bytes" in response.content.decode()
    assert not Question.objects.exists()


class CountingInput:
    """A request body that counts what the server reads of it."""

    def __init__(self, data: bytes) -> None:
        self.stream = io.BytesIO(data)
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        line = self.stream.readline(size)
        self.read_bytes += len(line)
        return line


@pytest.mark.parametrize(
    "path, field, size",
    [
        ("/manage/city-a/settings/", "logo", 3 * 1024 * 1024),
        ("/manage/city-a/register/import/", "file", 3 * 1024 * 1024),
        ("/manage/city-a/assessment/import/", "file", 6 * 1024 * 1024),
        ("/manage/city-a/assessment/2025/answer/inclusion/", "x-evidence_file", 11 * 1024 * 1024),
    ],
)
def test_an_upload_over_its_limit_is_refused_before_the_body_is_read(
    world: World, path: str, field: str, size: int
):
    body = encode_multipart(BOUNDARY, {field: SimpleUploadedFile("big.png", b"x" * size)})
    stream = CountingInput(body)
    response = world.client("admin").generic(
        "POST",
        path,
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": stream},
    )
    assert response.status_code == 413
    assert "MB" in response.content.decode()
    assert stream.read_bytes == 0


def test_json_routes_refuse_other_content_types_with_415(world: World):
    raw = json.dumps(check_item())
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = _post_json(world.client("partner"), "/api/v1/consent/check", raw, content_type)
        assert response.status_code == 415
        body = response.json()
        assert body["error"] == "unsupported_media_type"
        assert "application/json" in body["reason"]
    response = _post_json(world.client("partner"), "/api/v1/consent/check", raw)
    assert response.status_code == 200


def test_a_method_the_api_route_does_not_take_is_a_json_405(world: World):
    response = world.client("partner").get("/api/v1/consent/check")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    body = response.json()
    assert body["error"] == "method_not_allowed"
    assert "POST" in body["reason"]


def test_refusals_never_echo_megabytes(world: World):
    long = "x" * 200_000
    key = world.client("key")
    answers = [
        key.get("/api/v1/impact/organisations/city-a/assessments", {"status": long[:100_000]}),
        key.get("/api/v1/register/city-a/entries", {"q": long[:100_000]}),
        _post_json(
            world.client("partner"), "/api/v1/consent/check", json.dumps(check_item(agreement=long))
        ),
        world.client("admin").put(
            "/api/v1/assessment/city-a/cycles/2025/answers/inc-f-1",
            json.dumps({"value": long}),
            content_type="application/json",
        ),
    ]
    for response in answers:
        assert response.status_code < 500
        assert len(response.content) < 5000, response.content[:300]


def test_unreadable_form_data_is_a_400(world: World):
    response = world.client("admin").generic(
        "POST",
        "/manage/city-a/departments/",
        b"--nope\r\nContent-Disposition: form-data\r\n\r\nbroken",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400


def test_a_content_length_that_is_not_a_number_is_a_400_in_the_visitors_language(world: World):
    # gunicorn refuses it first; behind another server Django would fail reading the body.
    response = world.client("admin").generic(
        "POST",
        "/manage/city-a/departments/",
        b"name=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="six",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    assert "De header Content-Length is geen aantal bytes." in response.content.decode()


# --- every route -------------------------------------------------------------------------


def _routes() -> list[tuple[str, str, dict[str, str]]]:
    """(name, path template, converters) of every route but Django's admin and static files."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[tuple[str, str, dict[str, str]]] = []

    def walk(patterns, prefix: str, converters: dict[str, str]) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            names = {**converters, **dict(getattr(pattern.pattern, "converters", {}))}
            kinds = {k: type(v).__name__ for k, v in names.items()} if names else {}
            if isinstance(pattern, URLResolver):
                if route.startswith(("admin/", "media/")):
                    continue
                walk(pattern.url_patterns, prefix + route, names)
            elif isinstance(pattern, URLPattern):
                found.append((pattern.name or route, prefix + route, kinds))

    walk(get_resolver().url_patterns, "", {})
    return found


SAMPLE = {
    "org": "city-a",
    "slug": "city-a",
    "year": "2025",
    "fmt": "json",
    "size": "1",
    "language": "en",
}


def _concrete(template: str, kinds: dict[str, str], code: str) -> str:
    import re

    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        if name in SAMPLE:
            return SAMPLE[name]
        if kinds.get(name) == "IntConverter" or name.endswith(("pk", "_id")):
            return "1"
        return code

    path = re.sub(r"<([^>]+)>", value, template)
    return "/" + path.lstrip("^").rstrip("$")


ROUTES = _routes()


def test_the_crawl_sees_every_app() -> None:
    paths = " ".join(template for _name, template, _kinds in ROUTES)
    for part in (
        "api/v1/consent/check",
        "cities/<slug:org>/register/",
        "manage/<slug:org>/impact/",
    ):
        assert part in paths
    assert len(ROUTES) > 100


@pytest.mark.parametrize("name, template, kinds", ROUTES, ids=[r[1] or r[0] for r in ROUTES])
def test_every_route_refuses_nul_before_its_view(world: World, name, template, kinds) -> None:
    path = _concrete(template, kinds, world.entry.code)
    admin = world.client("admin")
    answers = [
        admin.get(path, {"q": NUL, "page": "1"}),
        admin.post(path, {"name": "x" + NUL}),
        admin.generic("POST", path, json.dumps({"url": NUL}), content_type="application/json"),
        world.client("").get(path, {NUL: "1"}),
    ]
    # The API takes no form body at all: a 415 before anything else is looked at.
    form = 415 if template.startswith("api/") else 400
    assert [r.status_code for r in answers] == [400, form, 400, 400]


ODD = {
    "q": "é" * 3000,
    "page": "-1",
    "page_size": "0",
    "limit": "99999999999999999999",
    "offset": "-5",
    "year": "zz",
    "status": "\ufffd",
    "size": "x" * 300,
    "language": "xx",
    "first": "9",
    "second": "1",
}


@pytest.mark.parametrize("name, template, kinds", ROUTES, ids=[r[1] or r[0] for r in ROUTES])
def test_every_route_answers_odd_values_without_a_server_error(
    world: World, name, template, kinds
) -> None:
    path = _concrete(template, kinds, world.entry.code)
    for who in ("", "admin"):
        response = world.client(who).get(path, ODD)
        assert response.status_code < 500, (who, response.status_code)
        if template.startswith("api/") and name != "api_docs":  # the reference is a page
            assert response["Content-Type"].startswith("application/json")

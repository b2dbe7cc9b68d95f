"""The OpenAPI document tells the truth: a schema-driven fuzzer over every operation.

Schemathesis reads the OpenAPI document and, for every operation, sends requests built
from it (valid ones and ones that break it on purpose), each followed by a twin with a
NUL character in every string, as nobody, as a logged-in administrator, with the city's
API key and with a partner's consent key in turn. Every answer must be free of server
errors and agree with the document: a declared status, the declared content type and
body schema, and a 4xx for input the document says is invalid. It runs on both databases
(NUL is only a problem on PostgreSQL). The examples are bounded and derandomised so
that CI stays fast and stable; ``CITYRIGHTS_FUZZ_EXAMPLES`` raises the number for a
longer local run.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from cityrights.api import api

from ..consent.conftest import make_sharing

EXAMPLES = int(os.environ.get("CITYRIGHTS_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _document() -> dict[str, Any]:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="")))


schema = schemathesis.openapi.from_dict(_document())
schema.app = WSGIHandler()
schema.config.update(base_url="http://localhost/api/v1")
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    max_examples=EXAMPLES,
    deterministic=True,
    database="none",
)


@schema.hook
def map_path_parameters(context: schemathesis.HookContext, path_parameters: dict[str, Any] | None):
    """Half of the generated cities are city A, so the fuzzer also reaches real data."""
    for name in ("org", "slug"):
        value = (path_parameters or {}).get(name)
        if isinstance(value, str):
            digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()
            if digest[0] % 2 == 0:
                path_parameters[name] = "city-a"  # type: ignore[index]
    return path_parameters


def _with_nul(value: Any) -> Any:
    """The same data with a NUL character in every string (keys stay as they are)."""
    if isinstance(value, str):
        return value + "\x00"
    if isinstance(value, dict):
        return {key: _with_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_nul(item) for item in value]
    return value


def _carries_text(case: Any) -> bool:
    parts = [case.path_parameters, case.query]
    if isinstance(case.body, dict | list):
        parts.append(case.body)
    return any(_with_nul(part) != part for part in parts if part)


@pytest.fixture
def callers(city_a, api_key) -> Iterator[dict[str, Any]]:
    """Nobody, an administrator's session, the city's API key and a partner's consent key,
    in turn: every operation meets each of them a quarter of its examples."""
    client = Client()
    client.force_login(city_a.users["admin"])
    session = client.cookies["sessionid"].value
    partner = make_sharing(city_a.city).lab_key
    return itertools.cycle(
        [
            {"headers": {}, "cookies": {}},
            {"headers": {}, "cookies": {"sessionid": session}},
            {"headers": {"Authorization": f"Bearer {api_key}"}, "cookies": {}},
            {"headers": {"Authorization": f"Bearer {partner}"}, "cookies": {}},
        ]
    )


@pytest.fixture(autouse=True)
def _one_connection() -> Iterator[None]:
    """Keep the test's database connection open across requests, as Django's test client does.

    The fuzzer calls the WSGI handler itself, whose ``request_started`` and
    ``request_finished`` signals would close the connection that holds the test's
    transaction.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    from cityrights.consent import keycache, keys

    settings.CITYRIGHTS_CONSENT_KEY_DIR = str(tmp_path / "keys")
    keys.forget_cached_keys()
    keycache.forget()
    yield
    keys.forget_cached_keys()
    keycache.forget()


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_every_operation_answers_as_documented(case, callers) -> None:
    caller = next(callers)
    case.call_and_validate(headers=caller["headers"], cookies=caller["cookies"], checks=CHECKS)
    # Its twin with a NUL character in every string: PostgreSQL's 500 before core.input.
    if _carries_text(case):
        case.path_parameters = _with_nul(case.path_parameters)
        case.query = _with_nul(case.query)
        if isinstance(case.body, dict | list):
            case.body = _with_nul(case.body)
        case.call_and_validate(headers=caller["headers"], cookies=caller["cookies"], checks=CHECKS)


def test_the_document_declares_the_error_answers() -> None:
    document = _document()
    assert "ErrorOut" in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            expected = {"400"}
            if operation.get("security"):
                expected |= {"401", "403"}
            if operation.get("parameters") or "requestBody" in operation:
                expected.add("422")
            if "requestBody" in operation:
                expected |= {"413", "415"}
            assert expected <= declared, (method, path, declared)
            for status in declared - {"200", "201", "204"}:
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/ErrorOut"}

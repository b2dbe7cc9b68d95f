"""Browsable API reference at /api/v1/docs, rendered on the server from the OpenAPI document.

We render our own page instead of Swagger UI so the reference works without
JavaScript, passes the same accessibility checks as every other page and needs
no relaxation of the Content-Security-Policy.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

METHODS = ("get", "post", "put", "patch", "delete")

#: The API's description: English in the OpenAPI document, translated on the reference page.
#: Any text of the document marked with ``gettext_noop`` is shown translated there too (the
#: page passes each summary, description and refusal through ``gettext``).
DESCRIPTION = gettext_noop(
    "Machine access to a city's digital-rights data. People authenticate with their session; "
    "software with an organisation's API key, sent as `Authorization: Bearer crk_…` or "
    "`X-API-Key: crk_…`."
)


#: django-ninja's own descriptions of a success, which the page shows translated as well.
SUCCESS_WORDS = (gettext_noop("OK"), gettext_noop("Created"), gettext_noop("No Content"))

#: The schema of every refusal (``core.errors.ErrorOut``).
ERROR_BODY = "#/components/schemas/ErrorOut"


def _words(text: str) -> str:
    """A text of the OpenAPI document in the reader's language when it has a translation."""
    return _(text) if text else ""


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return components.get(ref.rsplit("/", 1)[1], {})
    return schema


def _type_label(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return _(" or ").join(_type_label(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return _("list of %(type)s") % {"type": _type_label(schema.get("items", {}))}
    return str(schema.get("type", "object"))


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, str]]:
    schema = _resolve(schema, components)
    if schema.get("type") == "array":
        schema = _resolve(schema.get("items", {}), components)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type_label(prop),
            "required": _yes_no(name in required),
            "description": _words(prop.get("description", "")),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def build_reference(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Group the operations of an OpenAPI document by tag, with readable parameter tables."""
    components = document.get("components", {}).get("schemas", {})
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            responses = []
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {})
                schema = content.get("schema", {})
                # A refusal's body is the same everywhere: the "Errors" section explains it
                # once rather than each of the two hundred refusal tables repeating it.
                error_body = schema.get("$ref") == ERROR_BODY
                responses.append(
                    {
                        "status": status,
                        "description": _words(response.get("description", "")),
                        "error_body": error_body,
                        "fields": [] if error_body else _fields(schema, components),
                    }
                )
            tag = (operation.get("tags") or ["general"])[0]
            groups.setdefault(tag, []).append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": _words(operation.get("summary", "")),
                    "description": _words(operation.get("description", "")),
                    "public": operation.get("security") is None and "security" not in document,
                    "secured": bool(operation.get("security")),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p.get("in", ""),
                            "type": _type_label(p.get("schema", {})),
                            "required": _yes_no(bool(p.get("required"))),
                            "description": _words(p.get("description", "")),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _fields(body.get("schema", {}), components) if body else [],
                    "responses": responses,
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in sorted(groups.items())]


@require_safe
def api_reference(request: HttpRequest) -> HttpResponse:
    from cityrights.api import api

    document = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1")))
    info = document.get("info", {})
    info["description"] = _words(info.get("description", ""))
    return render(
        request,
        "core/api_docs.html",
        {"info": info, "groups": build_reference(document)},
    )

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
from django.views.decorators.http import require_safe

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        return components.get(ref.rsplit("/", 1)[1], {})
    return schema


def _type_label(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " or ".join(_type_label(option) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type_label(schema.get('items', {}))}"
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
            "required": "yes" if name in required else "no",
            "description": prop.get("description", prop.get("title", "")),
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
                responses.append(
                    {
                        "status": status,
                        "description": response.get("description", ""),
                        "fields": _fields(content.get("schema", {}), components),
                    }
                )
            tag = (operation.get("tags") or ["general"])[0]
            groups.setdefault(tag, []).append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "public": operation.get("security") is None and "security" not in document,
                    "secured": bool(operation.get("security")),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p.get("in", ""),
                            "type": _type_label(p.get("schema", {})),
                            "required": "yes" if p.get("required") else "no",
                            "description": p.get("description", ""),
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
    return render(
        request,
        "core/api_docs.html",
        {"info": document.get("info", {}), "groups": build_reference(document)},
    )

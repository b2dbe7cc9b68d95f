"""Open data of a published report: the signed JSON document, and each section's figures as
CSV and JSON, read from the frozen document (never from the records, which may have changed).

The CSV of a section has one row per figure, then one block per table, so a spreadsheet
opens it as it is; texts that a spreadsheet would run as a formula get a leading quote.
The JSON of a section is the section as published, in one language, with the report it
belongs to and the digest of that report's document.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from cityrights.core import signing

from . import content

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def signed_document(report: Any) -> dict[str, Any]:
    """The published report as anyone downloads it: document, digest, signature, keys."""
    return {
        "report": report.content,
        "sha256": report.digest,
        "signature": report.signature,
        "jwks": content.absolute(signing.JWKS_PATH),
    }


def find_section(document: Mapping[str, Any], language: str, key: str) -> dict[str, Any] | None:
    for section in (document.get("sections") or {}).get(language, []):
        if section.get("key") == key:
            return dict(section)
    return None


def section_json(report: Any, language: str, key: str) -> dict[str, Any] | None:
    """One section of a published report in ``language``, charts without their drawing."""
    section = find_section(report.content, language, key)
    if section is None:
        return None
    section["charts"] = [
        {name: value for name, value in chart.items() if name != "svg"}
        for chart in section.get("charts", [])
    ]
    return {
        "city": report.content["city"],
        "year": report.year,
        "version": report.version,
        "language": language,
        "published_at": report.content["published_at"],
        "report_sha256": report.digest,
        "section": section,
    }


def section_csv(report: Any, language: str, key: str) -> str | None:
    """One section of a published report in ``language`` as CSV: figures, then tables."""
    section = find_section(report.content, language, key)
    if section is None:
        return None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    # The header names are the same in every language, so programs read every file alike.
    writer.writerow(["figure", "label", "value", "unit", "withheld", "how_computed", "source"])
    for figure in section.get("figures", []):
        writer.writerow(
            [
                figure["key"],
                _text(figure["label"]),
                _text(figure["value"]),
                _text(figure["unit"]),
                "yes" if figure.get("suppressed") else "no",
                _text(figure["note"]),
                figure["url"],
            ]
        )
    for table in section.get("tables", []):
        writer.writerow([])
        writer.writerow(["table", _text(table["caption"])])
        writer.writerow([_text(column) for column in table["columns"]])
        for row in table["rows"]:
            writer.writerow([_text(value) for value in row])
        if table.get("note"):
            writer.writerow([_text(table["note"])])
    return out.getvalue()

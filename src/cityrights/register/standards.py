"""The constraints of the three algorithm-register standards, and what the register fills in.

Each standard's attributes are written down once here, from its published definition: whether
it is required, its type, its permitted values and its maximum length, and which field of the
register fills it (``source``; empty when the register does not record it, and the export then
says ``null``). The tests check every exported demo record against these rules, and the
coverage tables of ``docs/register-standards.md`` are generated from the same rules, so the
documentation cannot drift from the code: ``python -m cityrights.register.standards --write``.

Published definitions used:

* Dutch Algoritmeregister, publication standard 1.0: the field configuration ``v1_0.json`` of
  the national register (MinBZK/Algoritmeregister, ``backend/app/schemas/config``). A required
  field may not be null; lengths are counted on the text without HTML; ``standard_version``
  only permits ``"1.0"``.
* Eurocities Algorithmic Transparency Standard 0.3.1: ``schema-v0_3_1.yaml`` of
  Algoritmeregister/standard (49 attributes; ``country`` was removed in 0.3.1), from which the
  published JSON schema ``registration-v0.3.1.schema.json`` is generated.
* UK ATRS 3.0: the record template's sections and fields. The ATRS is collected as a form,
  not as a JSON schema, so the key spelling is ours and only the rules the template states
  (Tier 1 filled in, the phase and supplier answers from their lists) are checked.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .exports import ALGORITMEREGISTER_VERSION, ATRS_VERSION, EUROCITIES_VERSION


@dataclass(frozen=True)
class Rule:
    """One attribute of a standard: ``key`` is a dotted path for nested records (ATRS)."""

    key: str
    required: bool = False
    #: string, text (may carry HTML), url, email, date, year_month, uuid, enum, const, links
    kind: str = "string"
    max_length: int | None = None
    values: tuple[str, ...] = ()
    #: What the register fills it from; empty when it does not record it.
    source: str = ""

    def limits(self) -> str:
        if self.kind in ("enum", "const"):
            return "one of: " + ", ".join(f"`{v}`" for v in self.values)
        if self.kind == "enum_list":
            return "list, each one of: " + ", ".join(f"`{v}`" for v in self.values)
        text = {
            "links": "list of {title, link}",
            "year_month": "YYYY-MM",
            "records": "list of records",
        }.get(self.kind, self.kind)
        return f"{text}, ≤ {self.max_length}" if self.max_length else text


@dataclass(frozen=True)
class Standard:
    key: str
    title: str
    version: str
    rules: tuple[Rule, ...]
    #: True when a record may hold only the attributes listed (nothing the version removed).
    closed: bool = True

    def rule(self, key: str) -> Rule:
        return next(rule for rule in self.rules if rule.key == key)


_NL_TEXT = 2500
_NL_STATUS = ("In ontwikkeling", "In gebruik", "Buiten gebruik")
_NL_PUBLICATION = ("Hoog-risico AI-systeem", "Impactvolle algoritmes", "Overige algoritmes")
_NL_THEMES = (
    "Organisatie en bedrijfsvoering",
    "Cultuur en recreatie",
    "Economie",
    "Overheidsfinanciën",
    "Wonen",
    "Internationaal",
    "Migratie en integratie",
    "Natuur en milieu",
    "Onderwijs en wetenschap",
    "Openbare orde en veiligheid",
    "Recht",
    "Ruimte en infrastructuur",
    "Sociale zekerheid",
    "Verkeer",
    "Werk",
    "Zorg en gezondheid",
)

ALGORITMEREGISTER = Standard(
    key="algoritmeregister",
    title="Dutch Algoritmeregister",
    version=ALGORITMEREGISTER_VERSION,
    rules=(
        Rule("name", True, max_length=100, source="`name`, cut at a word"),
        Rule("description_short", True, max_length=400, source="`summary`, cut at a word"),
        Rule("organization", True, max_length=100, source="the organisation (else the department)"),
        Rule(
            "category",
            kind="enum_list",
            values=_NL_THEMES,
            source="`domain`: the closest theme (none for defence and for families)",
        ),
        Rule(
            "status",
            True,
            "enum",
            values=_NL_STATUS,
            source="`status`: planned and pilot → In ontwikkeling, in use → In gebruik, "
            "retired → Buiten gebruik",
        ),
        Rule("begin_date", kind="year_month", max_length=7, source="`start_date`"),
        Rule("end_date", kind="year_month", max_length=7, source="`end_date`"),
        Rule("contact_email", True, max_length=500, source="`contact` (e-mail or name and e-mail)"),
        Rule("website", kind="url", max_length=500, source="the entry's public page"),
        Rule(
            "publication_category",
            True,
            "enum",
            values=_NL_PUBLICATION,
            source="`risk_level`: low → Overige algoritmes, medium and high → Impactvolle "
            "algoritmes (a high-risk AI system is a legal finding the register never infers)",
        ),
        Rule("url", kind="url", max_length=500, source="the entry's public page"),
        Rule("goal", kind="text", max_length=_NL_TEXT, source="Dutch labels of `purposes`"),
        Rule("proportionality", kind="text", max_length=_NL_TEXT, source="`proportionality`"),
        Rule("human_intervention", kind="text", max_length=_NL_TEXT, source="`human_oversight`"),
        Rule(
            "risks",
            kind="text",
            max_length=_NL_TEXT,
            source="the risks of the decided impact assessment with their measures, once its "
            "summary is published",
        ),
        Rule(
            "lawful_basis", kind="text", max_length=_NL_TEXT, source="Dutch labels of `legal_bases`"
        ),
        Rule(
            "lawful_basis_grouping",
            kind="links",
            max_length=100,
            source="per legal basis: its Dutch label (≤ 100) and its DPV IRI",
        ),
        Rule("process_index_url", kind="url", max_length=500),
        Rule(
            "impacttoetsen_grouping",
            kind="links",
            source="the published summary of the decided impact assessment, titled with its title",
        ),
        Rule(
            "impacttoetsen",
            kind="text",
            max_length=_NL_TEXT,
            source="the decided impact assessment: kind, title, date and decision, then its "
            "published summary",
        ),
        Rule(
            "source_data",
            kind="text",
            max_length=_NL_TEXT,
            source="Dutch labels of `data_categories`",
        ),
        Rule("source_data_grouping", True, "links", max_length=500, source="`dataset_urls`"),
        Rule(
            "methods_and_models",
            kind="text",
            max_length=5000,
            source="`algorithm_type` in Dutch words",
        ),
        Rule("provider", max_length=200, source="`provider`"),
        Rule("publiccode", kind="url", max_length=500, source="`source_code_url`"),
        Rule("lang", True, "enum", values=("nld",), source="constant"),
        Rule("standard_version", kind="enum", values=("1.0",), source="constant"),
        Rule("source_id", max_length=100, source="the entry's short code"),
        Rule("tags", kind="text", max_length=_NL_TEXT, source="purpose labels and thematic areas"),
        Rule("lars"),
        Rule("publication_dt"),
    ),
)

_EU_DOMAINS = (
    "taxes",
    "housing, living and living environment",
    "culture, sports and leisure",
    "defence",
    "economy and entrepreneurship",
    "family, youth and households",
    "finance",
    "generic",
    "health and health care",
    "immigration and integration",
    "international collaboration and development aid",
    "agriculture, nature and food",
    "environment, spacial planning and water",
    "education and science",
    "public safety",
    "government",
    "justice",
    "travel, living and working abroad",
    "subsidies, benefits and allowances",
    "traffic and transportation",
    "work and career",
)
_EU_STATUS = ("planned", "design", "development", "pilot", "evaluation", "operational", "retired")

EUROCITIES = Standard(
    key="eurocities",
    title="Eurocities Algorithmic Transparency Standard",
    version=EUROCITIES_VERSION,
    rules=(
        Rule("name", True, source="`name`"),
        Rule("description_short", True, max_length=150, source="`summary`, cut at a word to 150"),
        Rule("organization", True, source="the organisation"),
        Rule("department", True, source="the department"),
        Rule("contact_email", True, "email", source="the e-mail in `contact`"),
        Rule("contact_phone"),
        Rule("contact_name"),
        Rule("area", True, source="the organisation (the city is the area)"),
        Rule("domain", True, "enum", values=_EU_DOMAINS, source="`domain`"),
        Rule("website", kind="url", source="the entry's public page"),
        Rule(
            "status",
            True,
            "enum",
            values=_EU_STATUS,
            source="`status`: in use → operational, the others by name",
        ),
        Rule("remark"),
        Rule("decision_making_process", True, source="`decision_making_process`"),
        Rule("goal", True, source="labels of `purposes`"),
        Rule("impact", True, source="`data_subjects` (who is affected)"),
        Rule(
            "risks",
            True,
            source="the decided impact assessment (kind, title, date, decision; once its summary "
            "is published, the summary and each risk with its measures), else a sentence saying "
            "that none was decided and the city's `risk_level`",
        ),
        Rule(
            "risk_category",
            True,
            "enum",
            values=("minimal risk", "limited risk", "high risk", "unacceptable"),
            source="`risk_level`: low → minimal, medium → limited, high → high risk "
            "(the city's own judgement, not an AI Act classification)",
        ),
        Rule("proportionality", True, source="`proportionality`"),
        Rule("lawful_basis", True, source="labels of `legal_bases`"),
        Rule("documentation", kind="url", source="the published summary of the impact assessment"),
        Rule("training_data", True, source="`training_data`"),
        Rule("source_data", True, source="labels of `data_categories`"),
        Rule("data_bias"),
        Rule(
            "connected_data_sources",
            True,
            source="`data_connections` and `dataset_urls`",
        ),
        Rule(
            "DPIA_description",
            source="the decided impact assessment when it covers data protection (as `risks`)",
        ),
        Rule(
            "DPIA_url",
            kind="url",
            source="its published summary when it covers data protection",
        ),
        Rule(
            "algorithm_type",
            True,
            "enum",
            values=("self-learning", "rule-based", "hybrid"),
            source="`algorithm_type`",
        ),
        Rule("description", True, max_length=10000, source="`summary`"),
        Rule("methods_and_models"),
        Rule("performance"),
        Rule("alternatives_considered"),
        Rule("product_information", kind="url"),
        Rule("codebase_url", kind="url", source="`source_code_url`"),
        Rule("product_page", kind="url", source="the entry's public page"),
        Rule(
            "AIA_description",
            source="the decided impact assessment when it covers human rights (as `risks`)",
        ),
        Rule("AIA_url", kind="url", source="its published summary when it covers human rights"),
        Rule("monitoring", True, source="`monitoring`"),
        Rule(
            "type",
            True,
            "enum",
            values=("descriptive", "diagnostic", "predictive", "prescriptive"),
            source="`use_type`",
        ),
        Rule("human_intervention", True, source="`human_oversight`"),
        Rule("objection_procedure", True, source="`objection_procedure`"),
        Rule("rollback"),
        Rule("standard_version", True, "const", values=(EUROCITIES_VERSION,), source="constant"),
        Rule("uuid", kind="uuid", source="UUID v5 of the entry's public address"),
        Rule("lang", True, "iso639_1", source="the language of the labels (default en)"),
        Rule("publication_date", True, "date", source="first publication"),
        Rule("last_change_date", True, "date", source="last publication"),
        Rule("revision_date", True, "date", source="last publication + 365 days"),
        Rule("revision_note", source="constant: yearly review"),
        Rule("keywords", source="purpose labels and thematic areas"),
    ),
)

_ATRS_PHASE = ("Pre-deployment", "Beta/Pilot", "Production", "Retired")

ATRS = Standard(
    key="atrs",
    title="UK Algorithmic Transparency Recording Standard",
    version=ATRS_VERSION,
    closed=False,
    rules=(
        Rule("standard_version", True, "const", values=(ATRS_VERSION,), source="constant"),
        Rule("metadata.title", True, source="`name`"),
        Rule("metadata.reference", source="the entry's short code"),
        Rule("metadata.organisation", True, source="the organisation"),
        Rule("metadata.phase", True, "enum", values=_ATRS_PHASE, source="`status`"),
        Rule("metadata.date_published", True, "datetime", source="first publication"),
        Rule("metadata.date_updated", kind="datetime", source="last publication"),
        Rule("tier_1.name", True, source="`name`"),
        Rule("tier_1.description", True, source="`summary`"),
        Rule("tier_1.website_url", True, "url", source="the entry's public page"),
        Rule("tier_1.contact_email", True, "email", source="the e-mail in `contact`"),
        Rule(
            "tier_2.owner_and_responsibility.organisation_or_department",
            True,
            source="the organisation, else the department",
        ),
        Rule("tier_2.owner_and_responsibility.team", source="the department"),
        Rule("tier_2.owner_and_responsibility.senior_responsible_owner"),
        Rule(
            "tier_2.owner_and_responsibility.external_supplier_involvement",
            True,
            "enum",
            values=("Yes", "No"),
            source="Yes when `provider` is neither the city nor one of its departments",
        ),
        Rule(
            "tier_2.owner_and_responsibility.external_supplier",
            source="`provider` when it is external",
        ),
        Rule("tier_2.description_and_rationale.detailed_description", True, source="`summary`"),
        Rule("tier_2.description_and_rationale.scope", source="labels of `purposes`"),
        Rule(
            "tier_2.decision_making_process.process_integration",
            source="`decision_making_process` followed by `automation_level` as a sentence",
        ),
        Rule(
            "tier_2.decision_making_process.human_decisions_and_review",
            source="`human_oversight`",
        ),
        Rule("tier_2.decision_making_process.appeals_and_review", source="`objection_procedure`"),
        Rule(
            "tier_2.tool_specification.phase", True, "enum", values=_ATRS_PHASE, source="`status`"
        ),
        Rule("tier_2.tool_specification.maintenance", source="`monitoring`"),
        Rule(
            "tier_2.tool_specification.data_specification.data_description",
            source="labels of `data_categories`",
        ),
        Rule(
            "tier_2.tool_specification.data_specification.sensitive_attributes",
            source="labels of the special-category data categories",
        ),
        Rule(
            "tier_2.risks_mitigations_and_impact_assessments.impact_assessments",
            kind="records",
            source="the decided impact assessment: title, kind, decision and published summary, "
            "date of the decision, address of the summary",
        ),
        Rule(
            "tier_2.risks_mitigations_and_impact_assessments.risks",
            kind="records",
            source="the city's `risk_level`, then, once the assessment's summary is published, "
            "each of its risks with its measures",
        ),
    ),
)

STANDARDS: Mapping[str, Standard] = {
    standard.key: standard for standard in (ALGORITMEREGISTER, EUROCITIES, ATRS)
}

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)")
_NL_HTML = {"div", "br", "p", "ul", "ol", "li"}


def _value(record: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    current: Any = record
    for part in key.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return False, None
        current = current[part]
    return True, current


def _problems_of(rule: Rule, value: Any) -> Iterator[str]:
    if rule.kind == "links":
        if not isinstance(value, list):
            yield "must be a list of {title, link}"
            return
        for item in value:
            if not (isinstance(item, Mapping) and item.get("title") and "link" in item):
                yield "every item needs a title and a link"
            elif rule.max_length and len(str(item["title"])) > rule.max_length:
                yield f"a title is longer than {rule.max_length} characters"
        return
    if rule.kind == "records":
        if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
            yield "must be a list of records"
        return
    if rule.kind == "enum_list":
        if not isinstance(value, list) or any(v not in rule.values for v in value):
            yield "must be a list of permitted values"
        return
    if not isinstance(value, str):
        yield "must be text"
        return
    text = _TAG.sub("", value) if rule.kind == "text" else value
    if rule.max_length is not None and len(text) > rule.max_length:
        yield f"is {len(text)} characters long, more than {rule.max_length}"
    if rule.kind == "text" and {t.lower() for t in _TAG.findall(value)} - _NL_HTML:
        yield "carries HTML tags the standard does not allow"
    if rule.kind in ("enum", "const") and value not in rule.values:
        yield f"{value!r} is not one of {list(rule.values)}"
    if rule.kind == "url" and not value.startswith(("http://", "https://")):
        yield "must be an http(s) URL"
    if rule.kind == "email" and not _EMAIL.match(value):
        yield "must be an e-mail address"
    if rule.kind == "year_month" and not _YEAR_MONTH.match(value):
        yield "must be written YYYY-MM"
    if rule.kind == "iso639_1" and not re.fullmatch(r"[a-z]{2}", value):
        yield "must be an ISO 639-1 code"
    if rule.kind in ("date", "datetime"):
        try:
            date.fromisoformat(value[:10])
        except ValueError:
            yield "must be an ISO 8601 date"
    if rule.kind == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            yield "must be a UUID"


def check(standard: Standard, record: Mapping[str, Any]) -> list[str]:
    """Every way ``record`` breaks ``standard``: "attribute: problem", empty when it conforms."""
    problems: list[str] = []
    if standard.closed:
        known = {rule.key for rule in standard.rules}
        problems += [
            f"{key}: not an attribute of {standard.version}" for key in record if key not in known
        ]
    for rule in standard.rules:
        present, value = _value(record, rule.key)
        if value is None:
            if rule.required:
                problems.append(f"{rule.key}: required" + ("" if present else " and absent"))
            continue
        problems += [f"{rule.key}: {problem}" for problem in _problems_of(rule, value)]
    return problems


def not_recorded(standard: Standard) -> list[str]:
    """Required attributes the register has no field for (so its records leave them null)."""
    return [rule.key for rule in standard.rules if rule.required and not rule.source]


# --- Documentation ---------------------------------------------------------------------------

DOCS = Path("docs/register-standards.md")
_BEGIN = "<!-- generated from cityrights.register.standards: {key} -->"
_END = "<!-- end of generated table -->"


def coverage_table(standard: Standard) -> str:
    """The Markdown table of ``standard``'s attributes, rules and sources."""
    lines = [
        _BEGIN.format(key=standard.key),
        f"{len(standard.rules)} attributes.",
        "",
        "| attribute | required | type and limits | filled from |",
        "| --- | --- | --- | --- |",
    ]
    for rule in standard.rules:
        source = rule.source.replace("|", "\\|") or "— (not recorded: `null`)"
        lines.append(
            f"| `{rule.key}` | {'yes' if rule.required else 'no'} | {rule.limits()} | {source} |"
        )
    lines.append(_END)
    return "\n".join(lines)


def with_tables(text: str) -> str:
    """``text`` (the docs page) with every generated table replaced by the current one."""
    for standard in STANDARDS.values():
        begin = _BEGIN.format(key=standard.key)
        start = text.index(begin)
        end = text.index(_END, start) + len(_END)
        text = text[:start] + coverage_table(standard) + text[end:]
    return text


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    if sys.argv[1:] == ["--write"]:
        DOCS.write_text(with_tables(DOCS.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print("\n\n".join(coverage_table(standard) for standard in STANDARDS.values()))

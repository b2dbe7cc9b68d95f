"""Writes of the impact app: templates, screening, assessments, risks, review, summaries.

Each function checks the rule it enforces (status, separation of duties, levels), writes in one
transaction and appends an audit event in that same transaction. Views and the API call
these functions and only translate :class:`ImpactError` into a form error or a 4xx JSON.

One module per part of the work, following the life of an assessment: ``template_files``,
``screening``, ``assessments``, ``risks``, ``review``, ``conditions``, ``summary`` and
``procurement``; ``refusals`` holds ``ImpactError`` and the checks every step makes. Callers
import the functions from this package (``services.add_risk(...)``).
"""

from __future__ import annotations

from .assessments import create_assessment, missing_answers, save_section, update_details
from .conditions import add_comment, add_condition, close_condition
from .procurement import save_procurement, validate_procurement_answers
from .refusals import (
    ImpactError,
    contributors_of,
    decision_version,
    duty_version,
    summary_contributors,
)
from .review import decide, set_reassessment, transition
from .risks import (
    add_mitigation,
    add_risk,
    band_of,
    delete_mitigation,
    delete_risk,
    refresh_bands,
    set_mitigation_status,
    update_risk,
)
from .screening import screen
from .summary import (
    approve_summary,
    gaps_fingerprint,
    save_summary,
    summary_gaps,
    unpublish_summary,
)
from .template_files import (
    latest_checklist,
    latest_template,
    load_shipped_templates,
    load_template_file,
    refresh_shipped_translations,
)

__all__ = [
    "ImpactError",
    "add_comment",
    "add_condition",
    "add_mitigation",
    "add_risk",
    "approve_summary",
    "band_of",
    "close_condition",
    "contributors_of",
    "create_assessment",
    "decide",
    "decision_version",
    "delete_mitigation",
    "delete_risk",
    "duty_version",
    "gaps_fingerprint",
    "latest_checklist",
    "latest_template",
    "load_shipped_templates",
    "load_template_file",
    "missing_answers",
    "refresh_bands",
    "refresh_shipped_translations",
    "save_procurement",
    "save_section",
    "save_summary",
    "screen",
    "set_mitigation_status",
    "set_reassessment",
    "summary_contributors",
    "summary_gaps",
    "transition",
    "unpublish_summary",
    "update_details",
    "update_risk",
    "validate_procurement_answers",
]

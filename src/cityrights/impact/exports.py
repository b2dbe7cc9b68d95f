"""Exports of one assessment: a complete JSON document and a printable PDF.

The JSON carries the template identity (id, version, content hash) with the answers, so
another instance, an archive or an auditor can read it against the exact questions that
were asked. Personal data is limited to the names of staff who acted on the assessment.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import override

from cityrights import __version__
from cityrights.core import pdf
from cityrights.core.translation import translations

from . import charts_data, content, selectors
from .models import ImpactAssessment

FORMAT = "cityrights.impact-assessment/1"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(user: Any) -> str | None:
    return str(user) if user is not None else None


def filename(assessment: ImpactAssessment, extension: str) -> str:
    slug = slugify(assessment.title)[:60] or "assessment"
    return f"{assessment.organisation.slug}-impact-{assessment.pk}-{slug}.{extension}"


def assessment_json(assessment: ImpactAssessment, language: str = "en") -> dict[str, Any]:
    """Everything staff see about an assessment, as plain JSON types."""
    template = assessment.template.template
    sections = []
    for section in content.sections_for(template, assessment.kind):
        given = assessment.answers.get(section.key, {})
        sections.append(
            {
                "key": section.key,
                "title": content.text(section.title, language),
                "answers": [
                    {
                        "question": question.key,
                        "text": content.text(question.text, language),
                        "answer": given.get(question.key, ""),
                        # Choice answers are stored as option keys; readers (and the PDF)
                        # need the option labels in the export's language.
                        "answer_text": content.display_answer(
                            question, given.get(question.key), language
                        ),
                    }
                    for question in section.questions
                ],
                "comments": [
                    {"by": _person(c.author), "at": _iso(c.created_at), "text": c.body}
                    for c in assessment.comments.filter(section=section.key)
                ],
            }
        )
    names = selectors.right_names(assessment, language)
    risks = []
    for item in selectors.risks_of(assessment):
        residual = None
        likelihood, severity = item.residual_likelihood, item.residual_severity
        if likelihood is not None and severity is not None:
            residual = {
                "likelihood": likelihood,
                "severity": severity,
                "band": charts_data.band(assessment, likelihood, severity),
            }
        risks.append(
            {
                "id": item.pk,
                "right": item.right,
                "right_name": names.get(item.right, item.right),
                "description": item.description,
                "likelihood": item.likelihood,
                "severity": item.severity,
                "band": charts_data.band(assessment, item.likelihood, item.severity),
                "residual": residual,
                "mitigations": [
                    {
                        "action": m.action,
                        "owner": m.owner,
                        "due": _iso(m.due),
                        "status": m.status,
                    }
                    for m in item.mitigations.all()
                ],
            }
        )
    summary = getattr(assessment, "public_summary", None)
    entry = assessment.entry
    return {
        "format": FORMAT,
        "generator": f"cityrights {__version__}",
        "exported_at": timezone.now().isoformat(),
        "organisation": {
            "slug": assessment.organisation.slug,
            "name": assessment.organisation.name,
        },
        "assessment": {
            "id": assessment.pk,
            "title": assessment.title,
            "language": assessment.working_language,
            "kind": assessment.kind,
            "status": assessment.status,
            "department": str(assessment.department) if assessment.department else None,
            "project_lead": _person(assessment.author),
            "register_entry": {"name": entry.name, "code": entry.code} if entry else None,
            "created_at": _iso(assessment.created_at),
            "submitted_at": _iso(assessment.submitted_at),
            "highest_risk": assessment.highest_band or None,
            "highest_residual_risk": assessment.highest_residual_band or None,
        },
        "template": {
            "id": assessment.template.key,
            "version": assessment.template.version,
            "content_hash": assessment.template.content_hash,
        },
        "screening": _screening(assessment, language),
        "sections": sections,
        "general_comments": [
            {"by": _person(c.author), "at": _iso(c.created_at), "text": c.body}
            for c in assessment.comments.filter(section="")
        ],
        "risks": risks,
        "review": {
            "reviewer": _person(assessment.reviewer),
            "decision": assessment.decision or None,
            "reasons": assessment.decision_reasons or None,
            "decided_by": _person(assessment.decided_by),
            "decided_at": _iso(assessment.decided_at),
            "reassessment_due": _iso(assessment.reassessment_due),
            "history": [
                {
                    "decision": d.decision,
                    "reasons": d.reasons,
                    "by": _person(d.decided_by),
                    "at": _iso(d.decided_at),
                }
                for d in assessment.decision_history.all()
            ],
        },
        "conditions": [
            {
                "text": c.text,
                "owner": c.owner,
                "due": _iso(c.due),
                "closed_at": _iso(c.closed_at),
                "closing_note": c.closing_note or None,
            }
            for c in assessment.conditions.all()
        ],
        "public_summary": {
            "title": summary.shown_title().text,
            "titles": translations(summary, "title"),
            "text": summary.text,
            "texts": translations(summary, "text"),
            "languages": list(assessment.organisation.content_languages),
            "approved_at": _iso(summary.approved_at),
            "published": summary.is_public,
        }
        if summary is not None
        else None,
    }


def _screening(assessment: ImpactAssessment, language: str) -> dict[str, Any] | None:
    """The screening; its reasons said in ``language`` as the screening page says them (the
    row keeps them in the language of whoever screened), the stored words if the template
    can no longer tell."""
    screening = assessment.screening
    if screening is None:
        return None
    try:
        reasons = content.screen(screening.answers, screening.template.template, language).reasons
    except ValueError:
        reasons = screening.reasons
    return {
        "project": screening.project,
        "template": str(screening.template),
        "answers": screening.answers,
        "needed": screening.needed,
        "kind": screening.kind,
        "reasons": list(reasons),
        "screened_at": _iso(screening.screened_at),
    }


def assessment_html(assessment: ImpactAssessment, language: str) -> str:
    """The printable document (also the PDF's source), in ``language``."""
    with override(language):
        data = assessment_json(assessment, language)
        risks = list(selectors.risks_of(assessment))
        return render_to_string(
            "impact/assessment_pdf.html",
            {
                "assessment": assessment,
                "data": data,
                "inherent": charts_data.matrix(
                    assessment, risks, residual=False, language=language
                ),
                "residual": charts_data.matrix(assessment, risks, residual=True, language=language),
                "language": language,
            },
        )


PDF_PAGE = pdf.Page(size="A4", margin="18mm 16mm")


def assessment_pdf(
    assessment: ImpactAssessment, language: str, base_url: str | None = None
) -> bytes:
    """The printable document on A4 with the impact report stylesheet."""
    return pdf.render(
        assessment_html(assessment, language),
        stylesheets=["impact/report.css"],
        page=PDF_PAGE,
        base_url=base_url,
    )

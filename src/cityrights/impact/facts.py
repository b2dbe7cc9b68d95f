"""What the register's exports may say of an entry's impact assessment (a ``core.registry`` facts
provider, so the register never imports this app).

Only a decided assessment gives facts; a draft, a submitted one or one under review gives none,
and an assessment reopened for reassessment gives none until it is decided again. Its title,
kind and decision are public on the entry's page once decided; its summary, the summary's
address and its risks with their mitigations are given only when the city has published the
summary (the summary's approval is what makes an assessment public).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation

from cityrights.register.records import AssessmentFacts, AssessmentRisk

from . import content
from .models import AssessmentKind, Decision, ImpactAssessment, Mitigation, MitigationStatus, Status


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _labels(label: Any) -> dict[str, str]:
    """A lazy interface label in every interface language."""
    found = {}
    for code in _languages():
        with translation.override(code):
            found[code] = str(label)
    return found


def _right_labels(assessment: ImpactAssessment, key: str) -> dict[str, str]:
    rights = {right.key: right for right in content.rights_of(assessment.template.template)}
    right = rights.get(key)
    if right is None:
        return dict.fromkeys(_languages(), key)
    return {code: content.text(right.title, code) for code in _languages()}


def _facts(assessment: ImpactAssessment, decided_at: datetime) -> AssessmentFacts:
    summary = getattr(assessment, "public_summary", None)
    public = summary is not None and summary.is_public
    risks: tuple[AssessmentRisk, ...] = ()
    summary_url = ""
    if public:
        summary_url = settings.CITYRIGHTS_BASE_URL.rstrip("/") + reverse(
            "impact:public_detail",
            kwargs={"org": assessment.organisation.slug, "pk": assessment.pk},
        )
        risks = tuple(
            AssessmentRisk(
                right=_right_labels(assessment, item.right),
                description=item.description,
                mitigations=tuple(m.action for m in item.mitigations.all()),
            )
            for item in assessment.risks.all()
        )
    return AssessmentFacts(
        # A published summary names the project in the reader's language.
        title=summary.shown_title().text if public and summary is not None else assessment.title,
        kind=_labels(AssessmentKind(assessment.kind).label),
        decision=_labels(Decision(assessment.decision).label),
        decided_on=decided_at.date(),
        data_protection=assessment.kind in (AssessmentKind.DPIA, AssessmentKind.BOTH),
        human_rights=assessment.kind in (AssessmentKind.HRIA, AssessmentKind.BOTH),
        reassess_by=assessment.reassessment_due,
        summary=summary.text if public and summary is not None else "",
        summary_url=summary_url,
        risks=risks,
    )


def assessment_facts(entry_ids: Sequence[int]) -> dict[int, list[AssessmentFacts]]:
    """For each register entry id: the facts of its decided impact assessments."""
    decided = (
        ImpactAssessment.objects.filter(
            entry_id__in=list(entry_ids), status=Status.DECIDED, decided_at__isnull=False
        )
        .select_related("organisation", "template", "public_summary")
        .prefetch_related(
            "risks",
            Prefetch(
                "risks__mitigations",
                queryset=Mitigation.objects.exclude(status=MitigationStatus.DROPPED),
            ),
        )
        .order_by("entry_id", "-decided_at", "-id")
    )
    found: dict[int, list[AssessmentFacts]] = {}
    for assessment in decided:
        if assessment.entry_id is not None and assessment.decided_at is not None:
            facts = _facts(assessment, assessment.decided_at)
            found.setdefault(assessment.entry_id, []).append(facts)
    return found

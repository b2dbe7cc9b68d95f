"""Risk matrices of an assessment: the SVG from ``core.charts`` and the same data as a table.

Why here: the chart function is generic; this module feeds it the template's own level
labels and band rule, so an old assessment keeps the scale it was rated with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityrights.core import charts

from . import content


def band(assessment: Any, likelihood: int, severity: int) -> str:
    return content.band(assessment.template.template, likelihood, severity)


def scale_rows(template: Any, language: str) -> list[dict[str, Any]]:
    """The four levels with their names and what they mean, for the table under a matrix."""
    scale = template.risk_scale
    return [
        {
            "level": likelihood.level,
            "likelihood": content.text(likelihood.name, language),
            "likelihood_help": content.text(likelihood.description, language),
            "severity": content.text(severity.name, language),
            "severity_help": content.text(severity.description, language),
        }
        for likelihood, severity in zip(scale.likelihood, scale.severity, strict=True)
    ]


def matrix(
    assessment: Any, risks: Iterable[Any], *, residual: bool, language: str
) -> dict[str, Any]:
    """Counts per cell, the SVG and the table rows of one matrix (inherent or residual)."""
    template = assessment.template.template
    counts: Counter[tuple[int, int]] = Counter()
    unrated = 0
    for item in risks:
        if residual:
            if not item.has_residual:
                unrated += 1
                continue
            counts[(item.residual_likelihood, item.residual_severity)] += 1
        else:
            counts[(item.likelihood, item.severity)] += 1
    likelihood = content.likelihood_labels(template, language)
    severity = content.severity_labels(template, language)
    title = _("Risks after mitigation") if residual else _("Risks before mitigation")
    total = sum(counts.values())
    description = ngettext(
        "%(n)d risk placed by likelihood (left to right) and severity (bottom to top).",
        "%(n)d risks placed by likelihood (left to right) and severity (bottom to top).",
        total,
    ) % {"n": total}

    def chart_band(lk: int, sv: int) -> str:
        return content.band(template, lk, sv).replace("_", "-")

    svg = charts.risk_matrix(
        likelihood,
        severity,
        dict(counts),
        title=title,
        description=description,
        band_of=chart_band,
        band_labels={
            "low": _("Low"),
            "medium": _("Medium"),
            "high": _("High"),
            "very-high": _("Very high"),
        },
        likelihood_title=_("Likelihood"),
        severity_title=_("Severity"),
        chart_id=f"risk-{assessment.pk}-{'residual' if residual else 'inherent'}",
    )
    rows = [
        {
            "level": sv,
            "label": severity[sv - 1],
            "cells": [
                {"count": counts.get((lk, sv), 0), "band": content.band(template, lk, sv)}
                for lk in range(1, 5)
            ],
        }
        for sv in range(4, 0, -1)
    ]
    return {
        "id": f"matrix-{'residual' if residual else 'inherent'}",
        "title": title,
        "svg": svg,
        "table_caption": _("%(title)s: number of risks per cell") % {"title": title},
        "likelihood_labels": likelihood,
        "rows": rows,
        "total": total,
        # Risks without a rating after mitigation are missing from the residual matrix; the
        # page says how many, so an emptier matrix is not read as a better one.
        "unrated": unrated,
    }

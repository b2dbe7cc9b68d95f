"""Template filters of the assessment app: framework texts in the reader's language, scores."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from ..framework import text
from ..units import unit_label

register = template.Library()


@register.filter
def tr(value: Any) -> str:
    """A framework text (``{language: text}``) in the current language, else English."""
    return text(value, (get_language() or "en").split("-")[0])


@register.filter
def kpi_unit(value: str) -> str:
    """A KPI unit code (``days``, ``per year``) in the current language."""
    return unit_label(value)


@register.filter
def score(value: float | None) -> str:
    """A 0..100 score as a whole number, or an en dash for "no data"."""
    return "–" if value is None else f"{value:.0f}"


@register.filter
def signed(value: float | None) -> str:
    """A change with its sign (+5, −3, 0), or an en dash when it cannot be computed."""
    if value is None:
        return "–"
    rounded = round(value)
    if rounded > 0:
        return f"+{rounded}"
    if rounded < 0:
        return f"−{abs(rounded)}"
    return "0"


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"

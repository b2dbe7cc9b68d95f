"""Template filters of the impact app: template texts in the reader's language, bands."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from .. import content
from ..models import Band

register = template.Library()


@register.filter
def tr(value: Any) -> str:
    """A template text (``{language: text}``) in the current language, else English."""
    return content.text(value, (get_language() or "en").split("-")[0])


@register.filter
def band_label(value: str) -> str:
    """The readable name of a risk band key, or an en dash when there is none."""
    if not value:
        return "–"
    try:
        return str(Band(value).label)
    except ValueError:
        return value


@register.filter
def level(value: Any, names: list[str]) -> str:
    """A level with the template's name for it, ``3 · Likely``: a bare 3 says little.

    ``names`` are the level names of one axis (likelihood or severity), lowest first.
    """
    if value in (None, ""):
        return "–"
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    if 1 <= number <= len(names):
        return f"{number} · {names[number - 1]}"
    return str(number)

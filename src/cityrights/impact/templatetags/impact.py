"""Template filters of the impact app: template texts in the reader's language, bands, and
the working language of an assessment's texts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from cityrights.core.translation import current_language

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


@register.simple_tag(takes_context=True)
def written_in(context: Any, assessment: Any) -> str:
    """`` lang="nl"`` on an element holding the assessment's working texts, when the page is
    in another language (WCAG 3.1.2); nothing when they agree. The page's city stands in
    for the assessment's (they are the same) so that no query is made for it."""
    language = assessment.language
    if not language:
        city = context.get("organisation")
        language = city.default_language if city is not None else assessment.working_language
    if language == current_language():
        return ""
    return format_html(' lang="{}"', language)

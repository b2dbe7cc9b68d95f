"""Template filters of the participation app."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..markdown import render

register = template.Library()


@register.filter
def safe_markdown(source: str) -> SafeString:
    """Comment or draft text as HTML, sanitised by ``participation.markdown``."""
    # nh3 keeps only the safe subset: no script, no event handler, no javascript: address.
    return mark_safe(render(source))

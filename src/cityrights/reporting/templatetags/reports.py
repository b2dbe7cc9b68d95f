"""Template filters of the report pages: figures and table cells in the reader's number format."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cityrights.core.report import SUPPRESSED
from cityrights.core.templatetags.cityrights import moment as core_moment

register = template.Library()


def _number(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    return number_format(int(value), decimal_pos=0, use_l10n=True, force_grouping=True)


@register.filter
def figure_value(figure: Any) -> str:
    """A figure's value as people read it: a number, "not published" or "no data"."""
    if figure.suppressed:
        return _("not published (small number)")
    if figure.value is None:
        return _("no data")
    return _number(figure.value)


@register.filter
def cell(value: Any) -> str:
    """A table cell: numbers in the reader's format, "–" for no data, texts as they are."""
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return SUPPRESSED
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return _number(value)


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


#: The report documents' moments, written as every page writes an export's time.
register.filter("moment", core_moment)

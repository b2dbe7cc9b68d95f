"""Template filters of the report pages: figures and table cells in the reader's number format."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from cityrights.core.report import SUPPRESSED

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


@register.filter
def moment(value: Any) -> str:
    """A moment the signed document keeps as ISO 8601 UTC ("2026-12-07T11:58:43Z"), as its
    readers write it: local time, in the language's date format ("7 décembre 2026 12:58").
    Anything that is not such a moment is shown as it is."""
    found = parse_datetime(str(value or ""))
    if found is None:
        return str(value or "")
    if timezone.is_naive(found):
        found = found.replace(tzinfo=UTC)
    return date_format(timezone.localtime(found), "DATETIME_FORMAT", use_l10n=True)

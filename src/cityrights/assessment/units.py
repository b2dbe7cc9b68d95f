"""Units of the framework's KPIs: short codes in the file, words in the reader's language.

A KPI's unit is part of its identity (a KPI key keeps its unit wherever it appears, so a
roadmap can follow it across levels and years), so the framework file writes a code and
the interface translates it. A unit without a label here is shown as written.
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

KPI_UNITS = {
    "%": "%",
    "count": pgettext_lazy("KPI unit", "count"),
    "days": pgettext_lazy("KPI unit", "days"),
    "hours": pgettext_lazy("KPI unit", "hours"),
    "per year": pgettext_lazy("KPI unit", "per year"),
    "points": pgettext_lazy("KPI unit", "points"),
    "yes/no": pgettext_lazy("KPI unit", "yes/no"),
}


def unit_label(unit: str) -> str:
    """The unit ``unit`` in the active language (its code when it has no label)."""
    return str(KPI_UNITS.get(unit, unit))

"""What the reporting app adds to core pages: alerts on the staff dashboard, the latest
published report on the city's home page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cityrights.core.registry import Section, registry
from cityrights.core.translation import labelled

from . import selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cityrights.core.models import Organisation


def staff_panel(request: HttpRequest, organisation: Organisation) -> Section | None:
    """How many things need fixing, each with where to fix it; the way to the report."""
    if not organisation.is_city:
        return None
    alerts = registry.alerts(organisation)
    lines = tuple(labelled(alert.title, alert.count) for alert in alerts[:5])
    if not alerts:
        lines = (_("No alert: nothing is overdue or waiting too long."),)
    total = sum(alert.count for alert in alerts)
    return Section(
        title=ngettext("Alerts: %(n)d thing to fix", "Alerts: %(n)d things to fix", total)
        % {"n": total}
        if total
        else _("Alerts"),
        url=reverse("reporting:dashboard", kwargs={"org": organisation.slug}),
        lines=lines,
        order=5,
    )


def public_section(request: HttpRequest, organisation: Organisation) -> Section | None:
    """The latest published annual report, if any."""
    year = selectors.newest_year(organisation)
    if year is None:
        return None
    return Section(
        title=_("Annual digital-rights report"),
        url=reverse("reporting:reports", kwargs={"org": organisation.slug}),
        lines=(
            _(
                "The report of %(year)s tells, figure by figure, how the city protects rights in "
                "its digital work."
            )
            % {"year": year},
        ),
        order=5,
    )

"""What the assessment app adds to core pages (staff dashboard, city home) via the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cityrights.core.registry import LinkedRecord, Section
from cityrights.core.translation import order_text

from . import selectors

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cityrights.core.models import Organisation


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def staff_panel(request: HttpRequest, organisation: Organisation) -> Section | None:
    """Progress of the cycle in progress, or a pointer to the latest results."""
    if not organisation.is_city:
        return Section(
            title=_("Coalition benchmark"),
            url=reverse("assessment:coalition", kwargs={"org": organisation.slug}),
            lines=(_("Validated scores of the cities that share them with you."),),
            order=20,
        )
    cycle = selectors.open_cycle(organisation)
    if cycle is None:
        latest = selectors.cycles_of(organisation).first()
        if latest is None:
            return Section(
                title=_("Self-assessment"),
                url=reverse("assessment:cycles", kwargs={"org": organisation.slug}),
                lines=(_("No assessment cycle has been opened yet."),),
                order=20,
            )
        result = selectors.result_of(latest)
        return Section(
            title=_("Self-assessment %(year)s") % {"year": latest.year},
            url=reverse(
                "assessment:results", kwargs={"org": organisation.slug, "year": latest.year}
            ),
            lines=(
                _("Validated. Overall score %(score).0f of 100 (level %(level)s).")
                % {"score": result.score or 0, "level": result.level or "–"},
            ),
            order=20,
        )
    sections = selectors.progress(cycle, request.user, _language())
    return Section(
        title=_("Self-assessment %(year)s") % {"year": cycle.year},
        url=reverse("assessment:cycle", kwargs={"org": organisation.slug, "year": cycle.year}),
        template="assessment/includes/panel.html",
        context={"cycle": cycle, "sections": sections},
        order=20,
    )


def public_section(request: HttpRequest, organisation: Organisation) -> Section | None:
    """The latest published results on the city's public home page."""
    cycle = selectors.latest_published(organisation)
    if cycle is None:
        return None
    result = selectors.result_of(cycle)
    framework = cycle.framework.framework
    lang = _language()
    level = framework.scale.level(result.level).name.get_text(lang) if result.level else "–"
    return Section(
        title=_("Digital-rights maturity %(year)s") % {"year": cycle.year},
        url=reverse("assessment:public_results", kwargs={"org": organisation.slug}),
        template="assessment/includes/public_section.html",
        context={
            "cycle": cycle,
            "score": result.score,
            "level": result.level,
            "level_name": level,
            "areas": [
                (area.name.get_text(lang), result.areas[area.key]) for area in framework.areas
            ],
        },
        order=10,
    )


def _pk(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def linkable_actions(organisation: Organisation) -> list[tuple[str, str]]:
    """Roadmap actions another app may link to (participation: principles' actions)."""
    from .models import RoadmapAction

    rows = RoadmapAction.objects.filter(organisation=organisation).order_by(
        order_text("title"), "pk"
    )
    return [(str(action.pk), action.title) for action in rows]


def resolve_action(organisation: Organisation, pk: str) -> LinkedRecord | None:
    # The roadmap has no public page: public pages show such links as a count only.
    from .models import RoadmapAction

    number = _pk(pk)
    action = (
        None
        if number is None
        else RoadmapAction.objects.filter(organisation=organisation, pk=number).first()
    )
    if action is None:
        return None
    url = reverse("assessment:action", kwargs={"org": organisation.slug, "pk": action.pk})
    return LinkedRecord(action.title, url)

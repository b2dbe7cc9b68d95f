"""The public results page of a published cycle, stored when it is published.

Scores, charts and tables of a results page cost about 16 ms of CPU to compute; a published
page only changes when the city publishes or withdraws a cycle, so its body is rendered then,
once per interface language, and stored (:class:`PublishedResults`). The public page shows
the stored body; later changes to answers, resolutions or other cities' shared scores do not
change a published result until the city publishes again.

Publishing or withdrawing one cycle changes what the city's other published pages compare
with (the previous *published* cycle), so :func:`refresh` renders every published cycle of
the city again and drops the bodies of cycles no longer published. :func:`refresh_stale`
stores the pages an upgrade or texts completed in place left missing or out of date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from cityrights.core.models import Organisation

from . import selectors
from .models import AssessmentCycle, CycleStatus, PublishedResults
from .results import ResultsView, build_results

BODY_TEMPLATE = "assessment/includes/results_body.html"


def results_for(
    cycle: AssessmentCycle, lang: str, *, public: bool = False, with_charts: bool = True
) -> tuple[ResultsView, AssessmentCycle | None, selectors.CoalitionBenchmark | None]:
    """Results of ``cycle`` with its previous cycle and, when shared, the coalition figures."""
    previous = selectors.previous_cycle(cycle, published_only=public)
    bench = None
    coalitions = selectors.coalitions_of(cycle.organisation)
    if coalitions:
        bench = selectors.coalition_benchmark(coalitions[0])
    shown = bench is not None and bench.shown
    view = build_results(
        cycle.framework.framework,
        selectors.result_of(cycle),
        lang,
        previous=selectors.result_of(previous) if previous else None,
        benchmark=bench.stats if shown and bench else None,
        area_benchmark=bench.areas if shown and bench else None,
        benchmark_cities=bench.cities if bench else 0,
        with_charts=with_charts,
    )
    return view, previous, bench


def live_body(cycle: AssessmentCycle, lang: str) -> str:
    """The public page's body computed now, in ``lang``."""
    with translation.override(lang):
        view, previous, bench = results_for(cycle, lang, public=True)
        return render_to_string(
            BODY_TEMPLATE,
            {
                "organisation": cycle.organisation,
                "cycle": cycle,
                "view": view,
                "previous": previous,
                "bench": bench,
                "public": True,
            },
        )


def public_body(cycle: AssessmentCycle, lang: str) -> str:
    """The body stored at publication, or (none stored for ``lang``, or texts completed
    since) the body computed now. Never writes: a public request must not."""
    stored = (
        PublishedResults.objects.filter(cycle=cycle, language=lang)
        .values_list("body", "framework_snapshot")
        .first()
    )
    if stored is not None and stored[1] == _stamp(cycle):
        return stored[0]
    return live_body(cycle, lang)


def refresh(organisation: Organisation) -> int:
    """Store the body of every published cycle of ``organisation`` in every interface
    language, and drop those of cycles no longer published. Returns the bodies stored."""
    with transaction.atomic():
        published = list(
            selectors.cycles_of(organisation)
            .select_related("organisation")
            .filter(status=CycleStatus.VALIDATED, published_at__isnull=False)
        )
        PublishedResults.objects.filter(cycle__organisation=organisation).exclude(
            cycle__in=published
        ).delete()
        stored = 0
        for cycle in published:
            for lang, _name in settings.LANGUAGES:
                PublishedResults.objects.update_or_create(
                    cycle=cycle,
                    language=lang,
                    defaults={"body": live_body(cycle, lang), "framework_snapshot": _stamp(cycle)},
                )
                stored += 1
    return stored


def refresh_stale() -> int:
    """Store again the pages of every city with a published cycle whose stored pages are
    missing or were rendered from other framework texts: after an upgrade from a release
    that did not store them, or once translations were completed in place (run after every
    ``migrate`` and after a framework file's translations are loaded). Returns the bodies
    stored."""
    languages = {code for code, _name in settings.LANGUAGES}
    stale: dict[int, Organisation] = {}
    cycles = AssessmentCycle.objects.filter(
        status=CycleStatus.VALIDATED, published_at__isnull=False
    ).select_related("organisation", "framework")
    for cycle in cycles:
        stamps = dict(
            PublishedResults.objects.filter(cycle=cycle).values_list(
                "language", "framework_snapshot"
            )
        )
        if any(stamps.get(lang) != _stamp(cycle) for lang in languages):
            stale[cycle.organisation_id] = cycle.organisation
    return sum(refresh(organisation) for organisation in stale.values())


def _stamp(cycle: AssessmentCycle) -> str:
    version = cycle.framework
    return version.snapshot_hash or version.content_hash

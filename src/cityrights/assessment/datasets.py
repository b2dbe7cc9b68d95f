"""The self-assessment results a city chose to make public, as open datasets.

Offered to the city's open-data catalogue through ``core.registry.add_open_datasets``: one
dataset per published cycle (validated, and published by the city), pointing at its public
results page which shows the maturity of each area and pillar with the data tables of its
charts, and at its scores as CSV. Unpublished cycles never appear.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityrights.core import dcat
from cityrights.core.elision import fill
from cityrights.core.models import Organisation
from cityrights.core.open_data import absolute

from . import selectors
from .models import AssessmentCycle

KEYWORDS = (gettext_lazy("self-assessment"), gettext_lazy("digital rights"))


def cycle_dataset(organisation: Organisation, cycle: AssessmentCycle) -> dcat.Dataset:
    year = cycle.year
    languages = organisation.content_languages
    page = absolute(
        reverse("assessment:public_results_year", kwargs={"org": organisation.slug, "year": year})
    )
    return dcat.Dataset(
        iri=page + "#results",
        title=dcat.in_languages(
            languages, lambda: _("Self-assessment results %(year)s") % {"year": year}
        ),
        description=dcat.in_languages(
            languages,
            lambda: fill(
                _(
                    "The digital-rights maturity of %(city)s in %(year)s for each area and "
                    "pillar of the framework, as validated and published by the city."
                ),
                {"city": organisation.shown_name, "year": year},
            ),
        ),
        landing_page=page,
        distributions=(
            dcat.Distribution(
                "scores-csv",
                absolute(
                    reverse(
                        "assessment:public_scores_csv",
                        kwargs={"org": organisation.slug, "year": year},
                    )
                ),
                "csv",
                dcat.in_languages(languages, lambda: _("Scores per area and pillar")),
                dcat.in_languages(
                    languages,
                    lambda: _(
                        "One row per cell, area and pillar and one for the whole: score, level "
                        "and how many questions were answered."
                    ),
                ),
            ),
            dcat.Distribution(
                "page",
                page,
                "html",
                dcat.in_languages(languages, lambda: _("Results page")),
                dcat.in_languages(
                    languages, lambda: _("Scores with their charts and the tables beside them.")
                ),
                download=False,
            ),
        ),
        keywords=dcat.words_in(languages, KEYWORDS),
        themes=("GOVE", "SOCI"),
        issued=cycle.published_at,
        modified=cycle.published_at,
        temporal_start=date(year, 1, 1),
        temporal_end=date(year, 12, 31),
        app="assessment",
        order=100000 + (3000 - year),
    )


def open_datasets(organisation: Organisation) -> list[dcat.Dataset]:
    """Every cycle the city validated and published, newest first."""
    cycles = (
        selectors.cycles_of(organisation)
        .filter(status="validated", published_at__isnull=False)
        .order_by("-year")
    )
    return [cycle_dataset(organisation, cycle) for cycle in cycles]

"""The capacity app's part of the annual report: staff needs survey and training.

The figures are the app's own yearly aggregates (:func:`~cityrights.capacity.selectors.
survey_figures` and :func:`~cityrights.capacity.selectors.training_figures`), so the report
shows what the capacity pages show: survey needs only from results with enough answers to
publish, no answer of a person.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from cityrights.core.models import Organisation
from cityrights.core.registry import Registry
from cityrights.core.report import Chart, Figure, ReportSection, Table
from cityrights.core.translation import current_language

from . import selectors
from .models import CertificateKind


def capacity_section(organisation: Organisation, year: int) -> ReportSection | None:
    """Survey response rate and top needs; training sessions, participants, certificates."""
    if not organisation.is_city:
        return None
    title = _("Staff capacity and training")
    slug = organisation.slug
    public = reverse("capacity:public_programmes", kwargs={"org": slug})
    survey = selectors.survey_figures(organisation, year)
    training = selectors.training_figures(organisation, year)
    certificates = sum(training.certificates.values())
    if not (survey.rounds or training.sessions or certificates):
        return ReportSection.nothing(
            "capacity",
            title,
            _("No needs survey closed and no training session took place in %(year)s.")
            % {"year": year},
            url=public,
        )
    rate = survey.response_rate
    figures = [
        Figure(
            "survey-rounds",
            _("Needs surveys closed"),
            survey.rounds,
            "",
            _("Rounds of the anonymous staff needs survey that closed in %(year)s.")
            % {"year": year},
            reverse("capacity:rounds", kwargs={"org": slug}),
            True,
        ),
        Figure(
            "response-rate",
            _("Survey response rate"),
            None if rate is None else round(100 * rate, 1),
            "%",
            _("Staff who answered, out of all the staff these rounds asked."),
            reverse("capacity:rounds", kwargs={"org": slug}),
            True,
        ),
        Figure(
            "sessions",
            _("Training sessions"),
            training.sessions,
            "",
            _(
                "Training sessions whose start falls in %(year)s, including any still to come "
                "when the figures were taken."
            )
            % {"year": year},
            public,
        ),
        Figure(
            "participants",
            _("People trained"),
            training.participants,
            "",
            _("Different people marked present at one or more of those sessions."),
            public,
        ),
        Figure(
            "attendances",
            _("Attendances"),
            training.attendances,
            "",
            _("People present, counted once per session they attended."),
            public,
        ),
        Figure(
            "certificates",
            _("Certificates issued"),
            certificates,
            "",
            _("Certificates issued in %(year)s and not revoked.") % {"year": year},
            reverse("capacity:programmes", kwargs={"org": slug}),
            True,
        ),
    ]
    tables = [
        Table(
            "certificates",
            _("Certificates issued by kind"),
            (_("Kind"), _("Certificates")),
            tuple(
                (str(CertificateKind(kind).label), count)
                for kind, count in training.certificates.items()
            ),
        )
    ]
    charts = []
    if survey.top_needs:
        rounds = selectors.rounds_of(organisation).filter(
            closed_at__isnull=False, closes_on__year=year
        )
        latest = max(rounds, key=lambda r: (r.closes_on, r.pk))
        content = latest.survey.survey
        language = current_language()
        top = max(point.value for point in content.scale)
        ranked = sorted(survey.top_needs, key=lambda item: (-item[1], item[0]))
        needs = tuple((content.topic(key).name.get_text(language), mean) for key, mean in ranked)
        figures.append(
            Figure(
                "greatest-need",
                _("Greatest training need: %(topic)s") % {"topic": needs[0][0]},
                needs[0][1],
                _("of %(top)d") % {"top": top},
                _(
                    "The topic staff rated most necessary on average in the latest round closed "
                    "in %(year)s, from 1 (not necessary) to %(top)d."
                )
                % {"year": year, "top": top},
                reverse("capacity:rounds", kwargs={"org": slug}),
                True,
            )
        )
        tables.append(
            Table(
                "needs",
                _("Training needs, greatest first"),
                (_("Topic"), _("Average need (1 to %(top)d)") % {"top": top}),
                needs,
                _(
                    "From the latest round closed in %(year)s; results with fewer than five "
                    "answers are not published."
                )
                % {"year": year},
            )
        )
        charts.append(
            Chart(
                "needs",
                "bars",
                _("Training needs of staff"),
                _("Average need per topic, from 1 (not necessary) to %(top)d.") % {"top": top},
                tuple(name for name, _mean in needs),
                ((_("Average need"), tuple(mean for _name, mean in needs)),),
                max_value=top,
                label_heading=_("Topic"),
            )
        )
    return ReportSection(
        key="capacity",
        title=title,
        introduction=_(
            "What staff said they need to learn about digital rights, and the training the city "
            "gave."
        ),
        figures=tuple(figures),
        tables=tuple(tables),
        charts=tuple(charts),
        url=public,
    )


def register(registry: Registry) -> None:
    """Contribute the capacity section."""
    registry.add_report_section("capacity", capacity_section, 60)

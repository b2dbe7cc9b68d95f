"""Survey results as people read them: a chart and its table per question, CSV and JSON.

Everything here starts from :class:`~cityrights.capacity.results.RoundResults`, which
has suppression applied already; this module only labels and draws. Charts are SVG from
``core.charts`` and each is followed by a table with the same figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cityrights.core import charts

from .results import MIN_GROUP, GroupResult, QuestionResult, RoundResults
from .survey import Survey


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # the first cell of a row is its header


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    answered: int
    suppressed: bool
    chart: str = ""
    table: Table | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def _mean(value: float) -> str:
    return f"{value:.2f}"


def question_figure(
    survey: Survey, result: QuestionResult, language: str, group: str = ""
) -> Figure:
    """The chart and table of one question for one group (city or department)."""
    question = survey.question(result.key)
    title = question.text.get_text(language)
    if result.suppressed:
        return Figure(
            result.key,
            title,
            result.answered,
            True,
            notes=(
                _("Fewer than %(n)d people answered this question: its figures are not shown.")
                % {"n": MIN_GROUP},
            ),
        )
    suffix = f" ({group})" if group else ""
    if result.kind == "topic-scale":
        return _topic_figure(survey, result, language, title, suffix)
    labels = [question.option(o.key).label.get_text(language) for o in result.options]
    shares = [o.share * 100 for o in result.options]
    description = _("Share of the %(n)d people who answered, per answer.") % {"n": result.answered}
    if result.kind == "multiple":
        description += " " + _("Several answers were possible.")
    chart = charts.bar_chart(
        labels,
        shares,
        title=title + suffix,
        description=description,
        max_value=100,
        value_format="{:.0f} %",
        axis_label=_("share of people who answered"),
        no_data_label=_("no data"),
    )
    table = Table(
        caption=title + suffix,
        headers=(_("Answer"), _("People"), _("Share")),
        rows=tuple(
            (label, str(o.count), _percent(o.share))
            for label, o in zip(labels, result.options, strict=True)
        ),
    )
    return Figure(result.key, title, result.answered, False, chart, table)


def _topic_figure(
    survey: Survey, result: QuestionResult, language: str, title: str, suffix: str
) -> Figure:
    names = [survey.topic(t.key).name.get_text(language) for t in result.topics]
    lowest, highest = survey.scale[0], survey.scale[-1]
    chart = charts.bar_chart(
        names,
        [t.mean for t in result.topics],
        title=title + suffix,
        description=_(
            "Topics ranked by need: the average answer from %(low)d (%(low_label)s) to "
            "%(high)d (%(high_label)s)."
        )
        % {
            "low": lowest.value,
            "low_label": lowest.label.get_text(language),
            "high": highest.value,
            "high_label": highest.label.get_text(language),
        },
        min_value=lowest.value,
        max_value=highest.value,
        value_format="{:.2f}",
        axis_label=_("average need"),
        no_data_label=_("no data"),
    )
    headers = (
        _("Topic"),
        _("Average"),
        *(f"{p.value} · {p.label.get_text(language)}" for p in survey.scale),
        _("People"),
    )
    rows = tuple(
        (name, _mean(t.mean), *(str(n) for n in t.counts), str(t.answered))
        for name, t in zip(names, result.topics, strict=True)
    )
    notes: tuple[str, ...] = ()
    if len(result.topics) < len(survey.topics):
        notes = (_("Topics rated by fewer than %(n)d people are left out.") % {"n": MIN_GROUP},)
    return Figure(
        result.key,
        title,
        result.answered,
        False,
        chart,
        Table(title + suffix, headers, rows),
        notes,
    )


def group_figures(
    survey: Survey, group: GroupResult, language: str, name: str = ""
) -> list[Figure]:
    return [question_figure(survey, q, language, name) for q in group.questions]


def _topic_means(survey: Survey, results: RoundResults) -> dict[str, float]:
    if results.city is None:
        return {}
    for question in results.city.questions:
        if question.kind == "topic-scale" and not question.suppressed:
            return {t.key: t.mean for t in question.topics}
    return {}


def comparison_figure(
    survey: Survey, current: RoundResults, previous: RoundResults, language: str, label: str
) -> Figure | None:
    """Need per topic in this round next to the previous round, with the change."""
    now, before = _topic_means(survey, current), _topic_means(survey, previous)
    keys = [t.key for t in survey.topics if t.key in now and t.key in before]
    if not keys:
        return None
    keys.sort(key=lambda key: -(now[key] - before[key]))
    names = [survey.topic(key).name.get_text(language) for key in keys]
    title = _("Change in training need since %(round)s") % {"round": label}
    chart = charts.bar_chart(
        names,
        [now[key] - before[key] for key in keys],
        title=title,
        description=_(
            "The average need of each topic in this round minus its average in the previous "
            "round: above zero, people need the topic more than before."
        ),
        min_value=-1,
        max_value=1,
        value_format="{:+.2f}",
        axis_label=_("change in average need"),
        no_data_label=_("no data"),
    )
    rows = tuple(
        (name, _mean(before[key]), _mean(now[key]), f"{now[key] - before[key]:+.2f}")
        for name, key in zip(names, keys, strict=True)
    )
    table = Table(
        title,
        (_("Topic"), _("Previous round"), _("This round"), pgettext("difference", "Change")),
        rows,
    )
    return Figure("comparison", title, current.respondents, False, chart, table)


# --------------------------------------------------------------------------------------
# Exports of the aggregates
# --------------------------------------------------------------------------------------


def _question_records(survey: Survey, result: QuestionResult) -> list[dict[str, Any]]:
    if result.suppressed:
        return [{"question": result.key, "answered": result.answered, "suppressed": True}]
    records = []
    if result.kind == "topic-scale":
        for rank, topic in enumerate(result.topics, start=1):
            records.append(
                {
                    "question": result.key,
                    "answered": result.answered,
                    "item": topic.key,
                    "rank": rank,
                    "mean": round(topic.mean, 4),
                    "counts": dict(
                        zip([str(p.value) for p in survey.scale], topic.counts, strict=True)
                    ),
                    "people": topic.answered,
                }
            )
    else:
        for option in result.options:
            records.append(
                {
                    "question": result.key,
                    "answered": result.answered,
                    "item": option.key,
                    "people": option.count,
                    "share": round(option.share, 4),
                }
            )
    return records


def export_data(
    survey_round: Any,
    results: RoundResults,
    response: Any,
    departments: Mapping[Any, str],
    not_shown: list[str],
) -> dict[str, Any]:
    """The aggregates of a round as JSON-ready data (the API and the JSON download)."""
    survey = survey_round.survey.survey

    def group(result: GroupResult) -> dict[str, Any]:
        return {
            "respondents": result.respondents,
            "questions": [
                record for q in result.questions for record in _question_records(survey, q)
            ],
        }

    return {
        "round": {
            "id": survey_round.pk,
            "title": str(survey_round),
            "survey": {"id": survey.id, "version": survey.version},
            "opens_on": survey_round.opens_on.isoformat(),
            "closes_on": survey_round.closes_on.isoformat(),
            "state": survey_round.state(),
        },
        "minimum_group": MIN_GROUP,
        "response": {
            "asked": response.asked,
            "answered": response.answered,
            "rate": None if response.rate is None else round(response.rate, 4),
        },
        "city": None if results.city is None else group(results.city),
        "departments": [
            {"department": departments.get(key, str(key)), **group(result)}
            for key, result in sorted(
                results.departments.items(), key=lambda item: departments.get(item[0], "")
            )
        ],
        "suppressed_departments": sorted(not_shown),
    }


CSV_HEADERS = (
    "group",
    "respondents",
    "question",
    "answered",
    "item",
    "rank",
    "people",
    "share",
    "mean",
    "suppressed",
)


def export_csv(data: Mapping[str, Any]) -> str:
    """The same aggregates as :func:`export_data`, one row per answer or topic and group."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_HEADERS, extrasaction="ignore")
    writer.writeheader()
    groups: list[tuple[str, Any]] = []
    if data["city"] is not None:
        groups.append(("city", data["city"]))
    groups += [(item["department"], item) for item in data["departments"]]
    for name, group in groups:
        for record in group["questions"]:
            writer.writerow(
                {
                    "group": name,
                    "respondents": group["respondents"],
                    **record,
                    "suppressed": "yes" if record.get("suppressed") else "",
                }
            )
    for name in data["suppressed_departments"]:
        writer.writerow({"group": name, "suppressed": "yes"})
    return buffer.getvalue()

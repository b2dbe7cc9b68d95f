"""Turn a scored cycle into what people read: rows, strengths, gaps, recommendations, charts.

The staff results page, the public results page and the PDF report all use
:func:`build_results`, so the three always show the same figures. The function is pure
(framework, results and benchmark in, plain data out) apart from the SVG charts, which
come from :mod:`cityrights.core.charts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.utils.translation import gettext as _

from .framework import Framework, Recommendation
from .scoring import AssessmentResult, BenchmarkStat, Coverage, compare, rank_gaps
from .units import unit_label

STRENGTH_LEVEL = 4
MAX_STRENGTHS = 5
MAX_GAPS = 6


@dataclass(frozen=True)
class Row:
    """One line of a results table: a cell, an area, a pillar or the overall score."""

    key: str
    name: str
    score: float | None
    level: int | None
    level_name: str
    coverage: Coverage
    previous: float | None = None
    delta: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    area: str = ""
    pillar: str = ""
    area_name: str = ""
    pillar_name: str = ""


class _Benchmark(TypedDict, total=False):
    """The coalition's spread for a row, when enough cities share."""

    median: float | None
    q1: float | None
    q3: float | None


class _Change(TypedDict, total=False):
    """A row's score last time and the change since."""

    previous: float | None
    delta: float | None


@dataclass(frozen=True)
class KpiRow:
    key: str
    name: str
    unit: str
    measurement: str
    direction: str
    target: float | None


@dataclass(frozen=True)
class RecommendationRow:
    rank: int
    key: str
    title: str
    text: str
    cell_name: str
    area: str
    pillar: str
    level: int
    level_name: str
    gap: float
    horizon: str
    mechanisms: tuple[tuple[int, str], ...]
    kpis: tuple[KpiRow, ...]


@dataclass
class ResultsView:
    framework: Framework
    language: str
    result: AssessmentResult
    overall: Row
    areas: list[Row]
    pillars: list[Row]
    cells: list[Row]
    grid: list[tuple[Row, list[Row]]]
    strengths: list[Row]
    gaps: list[Row]
    recommendations: list[RecommendationRow]
    by_mechanism: list[tuple[int, str, list[RecommendationRow]]]
    has_previous: bool
    same_framework: bool
    benchmark_cities: int = 0
    benchmark_shown: bool = False
    charts: dict[str, str] = field(default_factory=dict)

    @property
    def coverage(self) -> Coverage:
        return self.result.coverage


def _level_name(framework: Framework, level: int | None, language: str) -> str:
    if level is None:
        return _("no data")
    return framework.scale.level(level).name.get_text(language)


def build_results(
    framework: Framework,
    result: AssessmentResult,
    language: str,
    *,
    previous: AssessmentResult | None = None,
    benchmark: dict[tuple[str, str], BenchmarkStat] | None = None,
    area_benchmark: dict[str, BenchmarkStat] | None = None,
    benchmark_cities: int = 0,
    with_charts: bool = True,
) -> ResultsView:
    comparison = compare(previous, result) if previous is not None else None
    bench = benchmark or {}
    area_bench = area_benchmark or {}

    def stat(mapping: dict[Any, BenchmarkStat], key: Any) -> _Benchmark:
        found = mapping.get(key)
        if found is None or found.median is None:
            return {}
        return {"median": found.median, "q1": found.q1, "q3": found.q3}

    area_names = {a.key: a.name.get_text(language) for a in framework.areas}
    pillar_names = {p.key: p.name.get_text(language) for p in framework.pillars}

    def delta_of(mapping: Any, key: Any) -> _Change:
        if comparison is None:
            return {}
        change = mapping.get(key)
        if change is None:
            return {}
        return {"previous": change.previous, "delta": change.delta}

    cells: list[Row] = []
    for area_key, pillar_key in framework.cells():
        cell = result.cells[(area_key, pillar_key)]
        cells.append(
            Row(
                key=f"{area_key}/{pillar_key}",
                name=f"{area_names[area_key]} · {pillar_names[pillar_key]}",
                score=cell.score,
                level=cell.level,
                level_name=_level_name(framework, cell.level, language),
                coverage=cell.coverage,
                area=area_key,
                pillar=pillar_key,
                area_name=area_names[area_key],
                pillar_name=pillar_names[pillar_key],
                **delta_of(comparison.cells if comparison else {}, (area_key, pillar_key)),
                **stat(bench, (area_key, pillar_key)),
            )
        )
    areas = [
        Row(
            key=key,
            name=area_names[key],
            score=item.score,
            level=item.level,
            level_name=_level_name(framework, item.level, language),
            coverage=item.coverage,
            area=key,
            **delta_of(comparison.areas if comparison else {}, key),
            **stat(area_bench, key),
        )
        for key, item in result.areas.items()
    ]
    pillars = [
        Row(
            key=key,
            name=pillar_names[key],
            score=item.score,
            level=item.level,
            level_name=_level_name(framework, item.level, language),
            coverage=item.coverage,
            pillar=key,
            **delta_of(comparison.pillars if comparison else {}, key),
        )
        for key, item in result.pillars.items()
    ]
    overall = Row(
        key="overall",
        name=_("Overall"),
        score=result.score,
        level=result.level,
        level_name=_level_name(framework, result.level, language),
        coverage=result.coverage,
        **(
            _Change(previous=comparison.overall.previous, delta=comparison.overall.delta)
            if comparison
            else _Change()
        ),
    )
    grid = [(area_row, [c for c in cells if c.area == area_row.key]) for area_row in areas]
    scored = [c for c in cells if c.score is not None]
    strengths = sorted(
        (c for c in scored if (c.level or 0) >= STRENGTH_LEVEL),
        key=lambda c: -(c.score or 0),
    )[:MAX_STRENGTHS]
    if not strengths:
        strengths = sorted(scored, key=lambda c: -(c.score or 0))[:3]

    gaps_ranked = rank_gaps(result, framework)
    by_key = {c.key: c for c in cells}
    # A cell is shown as a strength or as a gap, never as both (a sparse assessment with
    # three cells would otherwise list its best cell in both boxes).
    strength_keys = {c.key for c in strengths}
    gaps = [
        by_key[f"{g.area}/{g.pillar}"]
        for g in gaps_ranked
        if f"{g.area}/{g.pillar}" not in strength_keys
    ][:MAX_GAPS]
    recommendations: list[RecommendationRow] = []
    for gap in gaps_ranked:
        for recommendation in gap.recommendations:
            recommendations.append(
                _recommendation_row(
                    framework,
                    recommendation,
                    len(recommendations) + 1,
                    gap.gap,
                    by_key[f"{gap.area}/{gap.pillar}"].name,
                    language,
                )
            )
    grouped: dict[int, list[RecommendationRow]] = {}
    for row in recommendations:
        for number, _title in row.mechanisms or ((0, ""),):
            grouped.setdefault(number, []).append(row)
    titles = {m.number: m.title.get_text(language) for m in framework.mechanisms}
    by_mechanism = [
        (number, titles.get(number, _("Other practices")), rows)
        for number, rows in sorted(grouped.items(), key=lambda item: item[0] or 10_000)
    ]
    view = ResultsView(
        framework=framework,
        language=language,
        result=result,
        overall=overall,
        areas=areas,
        pillars=pillars,
        cells=cells,
        grid=grid,
        strengths=strengths,
        gaps=gaps,
        recommendations=recommendations,
        by_mechanism=by_mechanism,
        has_previous=comparison is not None,
        same_framework=comparison.same_framework if comparison else True,
        benchmark_cities=benchmark_cities,
        benchmark_shown=any(r.median is not None for r in cells),
    )
    if with_charts:
        view.charts = charts_for(view)
    return view


def _recommendation_row(
    framework: Framework,
    recommendation: Recommendation,
    rank: int,
    gap: float,
    cell_name: str,
    language: str,
) -> RecommendationRow:
    mechanisms = []
    for number in recommendation.mechanisms:
        try:
            mechanisms.append((number, framework.mechanism(number).title.get_text(language)))
        except KeyError:
            continue
    horizons = {"short": _("Short term"), "medium": _("Medium term"), "long": _("Long term")}
    return RecommendationRow(
        rank=rank,
        key=recommendation.key,
        title=recommendation.title.get_text(language),
        text=recommendation.text.get_text(language),
        cell_name=cell_name,
        area=recommendation.area,
        pillar=recommendation.pillar,
        level=recommendation.level,
        level_name=_level_name(framework, recommendation.level, language),
        gap=gap,
        horizon=str(horizons.get(recommendation.horizon or "", "")),
        mechanisms=tuple(mechanisms),
        kpis=tuple(
            KpiRow(
                key=kpi.key,
                name=kpi.name.get_text(language),
                unit=unit_label(kpi.unit),
                measurement=kpi.measurement.get_text(language),
                direction=kpi.direction,
                target=kpi.target,
            )
            for kpi in recommendation.kpis
        ),
    )


def charts_for(view: ResultsView) -> dict[str, str]:
    """The radar of the areas and the area x pillar heat map as SVG strings."""
    from cityrights.core import charts

    framework, language = view.framework, view.language
    axes = [row.name for row in view.areas]
    series = [
        charts.Series(_("This assessment"), [row.score for row in view.areas], style="primary")
    ]
    if view.has_previous:
        series.append(
            charts.Series(
                _("Previous assessment"),
                [row.previous for row in view.areas],
                style="secondary",
            )
        )
    if any(row.median is not None for row in view.areas):
        series.append(
            charts.Series(
                _("Coalition median"),
                [row.median for row in view.areas],
                style="reference",
            )
        )
    radar = charts.radar_chart(
        axes,
        series,
        max_value=100,
        title=_("Score per thematic area"),
        no_data_label=_("no data"),
        description=_(
            "Radar chart of the six thematic areas on a scale of 0 to 100. "
            "The same figures are in the table below."
        ),
    )
    levels = {lvl.number: lvl.name.get_text(language) for lvl in framework.scale.levels}
    heat = charts.heat_map(
        rows=[row.name for row in view.areas],
        columns=[p.name.get_text(language) for p in framework.pillars],
        values=[[cell.score for cell in cells] for _area, cells in view.grid],
        title=_("Score per area and pillar"),
        no_data_label=_("no data"),
        description=_(
            "Heat map of the scores of every area and pillar; darker is more mature. "
            "The same figures are in the table below."
        ),
        value_format="{:.0f}",
        level_labels=[
            levels.get(framework.scale.level_for_score(cell.score) or 0, "")
            if cell.score is not None
            else _("no data")
            for _area, cells in view.grid
            for cell in cells
        ],
    )
    return {"radar": radar, "heat_map": heat}

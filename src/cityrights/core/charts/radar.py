"""Radar chart: one axis per area or pillar, one closed line per series."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .drawing import (
    GRID,
    MUTED,
    Series,
    SeriesStyle,
    ValueFormat,
    _chart_id,
    _dash,
    _format,
    _legend,
    _marker,
    _n,
    _require_title,
    _series_values,
    _styles_for,
    _svg,
    _text,
    _text_lines,
    _text_width,
    _wrap,
)


def radar_chart(
    axes: Sequence[str],
    series: Sequence[Series],
    max_value: float = 100,
    *,
    title: str,
    description: str = "",
    value_format: ValueFormat = "{:.0f}",
    no_data_label: str = "no data",
    chart_id: str | None = None,
) -> str:
    """A radar (spider) chart of up to three series over three or more axes.

    Typical use: this year's area scores, last year's and the coalition median. Each
    series has its own colour, dash pattern and marker shape, and under every axis label
    the values of all series are written next to their marker, so nothing depends on
    colour or on reading the polygon. A ``None`` value breaks the outline at that axis and
    is written as ``no_data_label``. Values outside ``0..max_value`` are drawn at the edge
    but printed as they are.

    Companion table: one row per axis (``<th scope="row">`` with the axis name) and one
    column per series (``<th scope="col">`` with the series label), each cell holding the
    same formatted value or "no data".
    """
    title, description = _require_title(title, description)
    axes = [str(axis) for axis in axes]
    if len(axes) < 3:
        raise ValueError(f"a radar chart needs at least 3 axes, got {len(axes)}")
    if max_value <= 0:
        raise ValueError(f"max_value must be positive, got {max_value!r}")
    styles = _styles_for(series, limit=3)
    values = [_series_values(item, len(axes)) for item in series]
    chart_id = chart_id or _chart_id("radar", title, description, axes, values, max_value)

    radius, width = 160.0, 780.0
    cx, cy = width / 2, 130 + radius
    body = [_radar_grid(cx, cy, radius, len(axes), max_value, value_format)]
    for index in reversed(range(len(series))):
        body.append(_radar_series(cx, cy, radius, values[index], max_value, styles[index]))
    for index, axis in enumerate(axes):
        column = [row[index] for row in values]
        body.append(
            _radar_label(
                cx, cy, radius, index, len(axes), axis, column, styles, value_format, no_data_label
            )
        )
    legend, legend_height = _legend(40, cy + radius + 120, series, styles, width - 80)
    body.append(legend)
    height = cy + radius + 120 + legend_height + 8
    return _svg("radar", chart_id, width, height, title, description, "".join(body))


def _polar(cx: float, cy: float, r: float, index: int, count: int) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def _radar_grid(
    cx: float, cy: float, radius: float, count: int, max_value: float, value_format: ValueFormat
) -> str:
    parts = ['<g class="grid" fill="none">']
    for step in range(1, 6):
        r = radius * step / 5
        points = " ".join(
            f"{_n(x)},{_n(y)}" for x, y in (_polar(cx, cy, r, i, count) for i in range(count))
        )
        parts.append(f'<polygon points="{points}" stroke="{GRID}" stroke-width="1"/>')
    for i in range(count):
        x, y = _polar(cx, cy, radius, i, count)
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{GRID}"/>'
        )
    parts.append("</g>")
    for step in range(1, 6):
        label = _format(max_value * step / 5, value_format)
        parts.append(_text(cx + 5, cy - radius * step / 5 + 12, label, size=11, fill=MUTED))
    return "".join(parts)


def _runs(values: Sequence[float | None]) -> tuple[bool, list[list[int]]]:
    """Indices of consecutive present values around the circle; (closed, runs)."""
    count = len(values)
    if all(v is not None for v in values):
        return True, [list(range(count))]
    start = next(i for i, v in enumerate(values) if v is None)
    runs: list[list[int]] = []
    current: list[int] = []
    for offset in range(1, count + 1):
        index = (start + offset) % count
        if values[index] is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(index)
    if current:
        runs.append(current)
    return False, runs


def _radar_series(
    cx: float,
    cy: float,
    radius: float,
    values: Sequence[float | None],
    max_value: float,
    style: SeriesStyle,
) -> str:
    count = len(values)
    points: dict[int, tuple[float, float]] = {}
    for i, value in enumerate(values):
        if value is not None:
            share = min(max(value / max_value, 0.0), 1.0)
            points[i] = _polar(cx, cy, radius * share, i, count)
    closed, runs = _runs(values)
    stroke = f'stroke="{style.colour}" stroke-width="2.5"{_dash(style)}'
    parts = ['<g class="series">']
    if closed:
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in (points[i] for i in range(count)))
        parts.append(
            f'<polygon points="{coords}" fill="{style.colour}" fill-opacity="0.08" {stroke}/>'
        )
    else:
        for run in runs:
            if len(run) > 1:
                coords = " L ".join(f"{_n(points[i][0])} {_n(points[i][1])}" for i in run)
                parts.append(f'<path d="M {coords}" fill="none" {stroke}/>')
    parts.extend(_marker(style.marker, x, y, style.colour) for x, y in points.values())
    parts.append("</g>")
    return "".join(parts)


def _radar_label(
    cx: float,
    cy: float,
    radius: float,
    index: int,
    count: int,
    axis: str,
    column: Sequence[float | None],
    styles: Sequence[SeriesStyle],
    value_format: ValueFormat,
    no_data_label: str,
) -> str:
    """Axis name (wrapped) and, beneath it, each series' marker and value as text."""
    x, y = _polar(cx, cy, radius + 20, index, count)
    angle = -math.pi / 2 + 2 * math.pi * index / count
    cos, sin = math.cos(angle), math.sin(angle)
    anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
    lines = _wrap(axis, 24)
    block = len(lines) * 16 + 20
    if sin < -0.3:
        top = y - block
    elif sin > 0.3:
        top = y + 4
    else:
        top = y - block / 2
    parts = [_text_lines(x, top + 12, lines, anchor=anchor, weight="bold")]
    texts = [no_data_label if v is None else _format(v, value_format) for v in column]
    widths = [16 + _text_width(t, 12) + 10 for t in texts]
    total = sum(widths)
    left = x if anchor == "start" else (x - total / 2 if anchor == "middle" else x - total)
    row_y = top + len(lines) * 16 + 10
    for text, item_width, style in zip(texts, widths, styles, strict=True):
        parts.append(_marker(style.marker, left + 5, row_y - 4, style.colour, size=4.5))
        fill = MUTED if text == no_data_label else style.colour
        parts.append(_text(left + 14, row_y, text, size=12, fill=fill, weight="bold"))
        left += item_width
    return '<g class="axis-label">' + "".join(parts) + "</g>"

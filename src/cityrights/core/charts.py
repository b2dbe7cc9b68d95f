"""Server-rendered, accessible SVG charts.

Every chart in cityrights is a plain SVG string built here, for three reasons:

* it works without JavaScript and prints, so the same markup goes into WeasyPrint PDFs;
* it can be made accessible by construction: ``role="img"`` with a ``<title>`` and a
  ``<desc>`` referenced by ``aria-labelledby``, every value written as text, and series
  told apart by dash pattern and marker shape as well as colour (WCAG 1.4.1);
* the functions are pure (data in, string out), so they are easy to test and cache.

All text is escaped with :func:`html.escape`; characters that XML forbids are dropped, so
a label typed by a user can neither inject markup nor break the document. Sizes use a
``viewBox`` so a chart scales to its container (the site CSS sets ``max-width: 100%``).

Each chart is meant to sit in a ``<figure>`` next to a data table with the same figures:
the docstring of every public function says which table to render. Charts never replace
the table; they summarise it for sighted readers.

Text colours are checked with :mod:`cityrights.core.colours`: fills behind text pick black
or white per cell (always at least 4.5:1), and series colours reach 4.5:1 on white so
their value labels can be written in the series colour.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .colours import mix, readable_text_colour

__all__ = [
    "BAND_COLOURS",
    "DEFAULT_BAND_LABELS",
    "SERIES_STYLES",
    "Series",
    "SeriesStyle",
    "bar_chart",
    "default_risk_band",
    "heat_map",
    "line_chart",
    "radar_chart",
    "risk_matrix",
]

Number = float | int
ValueFormat = str | Callable[[float], str] | None
MarkerShape = Literal["circle", "square", "triangle", "diamond"]
Place = tuple[float, float, str]

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"
TEXT = "#1b1b1f"
MUTED = "#4a4a55"
AXIS = "#4a4a55"
GRID = "#c9c9d1"
WHITE = "#ffffff"
HATCH = "#767682"

HEAT_LOW = "#eef3fa"
"""Lightest fill of the sequential palette (lowest value)."""
HEAT_HIGH = "#0b2f5e"
"""Darkest fill of the sequential palette (highest value)."""


@dataclass(frozen=True)
class SeriesStyle:
    """How one series is drawn: a colour *and* a dash pattern *and* a marker shape.

    Colours reach at least 4.5:1 against white, so lines, markers and value labels written
    in the series colour are readable; dash and marker keep series apart without colour.
    """

    colour: str
    dash: str
    marker: MarkerShape
    dash_name: str


SERIES_STYLES: dict[str, SeriesStyle] = {
    "primary": SeriesStyle("#1d4f91", "", "circle", "solid"),
    "secondary": SeriesStyle("#a8430f", "9 5", "square", "dashed"),
    "reference": SeriesStyle("#3d3d45", "2 4", "triangle", "dotted"),
    "extra": SeriesStyle("#6a3d9a", "12 4 3 4", "diamond", "dash-dot"),
}
_STYLE_ORDER = ("primary", "secondary", "reference", "extra")


@dataclass(frozen=True)
class Series:
    """A named list of values; ``None`` means "no data" and is shown as such.

    ``style`` is a key of :data:`SERIES_STYLES`; when omitted the series takes the next
    unused style in the order primary, secondary, reference, extra.
    """

    label: str
    values: Sequence[Number | None]
    style: str | None = None


# --------------------------------------------------------------------------------------
# Small helpers: escaping, numbers, text layout, markers
# --------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(value: object) -> str:
    """Escape for XML text and attributes; drop characters XML 1.0 cannot carry."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


def _n(value: float) -> str:
    """Compact coordinate: one decimal at most, no trailing zeros."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _default_format(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _format(value: float, value_format: ValueFormat) -> str:
    """Format a value with a ``str.format`` pattern, a callable, or the default (1 decimal)."""
    if value_format is None:
        return _default_format(value)
    if callable(value_format):
        return str(value_format(value))
    return str(value_format).format(value)


def _check_value(value: object, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: expected a number or None, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{where}: expected a finite number, got {value!r}")
    return float(value)


def _text_width(text: str, size: float) -> float:
    """Rough width of ``text`` in user units; good enough to lay out labels and legends."""
    return len(text) * size * 0.56


def _wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Wrap a label to lines of about ``width`` characters; ellipsis after ``max_lines``."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "…"
    return lines


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: float = 13,
    weight: str | None = None,
    fill: str = TEXT,
    extra: str = "",
) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{_n(size)}"'
        f' fill="{fill}"{bold}{extra}>{_esc(content)}</text>'
    )


def _text_lines(
    x: float,
    y: float,
    lines: Sequence[str],
    *,
    line_height: float = 16,
    anchor: str = "start",
    size: float = 13,
    weight: str | None = None,
    fill: str = TEXT,
) -> str:
    """One ``<text>`` with a ``<tspan>`` per line (first baseline at ``y``)."""
    bold = f' font-weight="{weight}"' if weight else ""
    spans = "".join(
        f'<tspan x="{_n(x)}" dy="{_n(0 if i == 0 else line_height)}">{_esc(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{_n(size)}"'
        f' fill="{fill}"{bold}>{spans}</text>'
    )


def _points(corners: Sequence[tuple[float, float]]) -> str:
    """``points`` attribute of a polygon."""
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in corners)


def _marker(shape: str, x: float, y: float, colour: str, size: float = 5) -> str:
    """A filled marker with a white outline so it stays visible over lines and fills."""
    paint = f'fill="{colour}" stroke="{WHITE}" stroke-width="1.5"'
    s = size
    if shape == "square":
        box = f'x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" height="{_n(2 * s)}"'
        return f"<rect {box} {paint}/>"
    if shape == "triangle":
        corners = [(x, y - 1.3 * s), (x + 1.2 * s, y + 0.9 * s), (x - 1.2 * s, y + 0.9 * s)]
        return f'<polygon points="{_points(corners)}" {paint}/>'
    if shape == "diamond":
        corners = [(x, y - 1.4 * s), (x + 1.4 * s, y), (x, y + 1.4 * s), (x - 1.4 * s, y)]
        return f'<polygon points="{_points(corners)}" {paint}/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(s)}" {paint}/>'


def _dash(style: SeriesStyle) -> str:
    return f' stroke-dasharray="{style.dash}"' if style.dash else ""


def _styles_for(series: Sequence[Series], limit: int) -> list[SeriesStyle]:
    """Resolve each series' style; explicit styles first, the rest take unused ones."""
    if not series:
        raise ValueError("a chart needs at least one series")
    if len(series) > limit:
        raise ValueError(f"at most {limit} series can be told apart, got {len(series)}")
    for item in series:
        if item.style is not None and item.style not in SERIES_STYLES:
            known = ", ".join(SERIES_STYLES)
            raise ValueError(f"unknown series style {item.style!r} (known: {known})")
    taken = {item.style for item in series if item.style}
    free = iter(key for key in _STYLE_ORDER if key not in taken)
    return [SERIES_STYLES[item.style or next(free, "extra")] for item in series]


def _hatch_pattern(pattern_id: str) -> str:
    """Diagonal hatching used for "no data": visible in greyscale print and without colour."""
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="8" height="8"'
        ' patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{WHITE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{HATCH}" stroke-width="2"/></pattern>'
    )


def _chart_id(kind: str, *parts: object) -> str:
    """Deterministic id so the same chart renders the same markup (cache- and test-friendly)."""
    digest = hashlib.sha1(repr(parts).encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"chart-{kind}-{digest[:10]}"


def _svg(
    kind: str, chart_id: str, width: float, height: float, title: str, description: str, body: str
) -> str:
    """Wrap ``body`` in the accessible root element shared by every chart."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}"'
        f' width="{_n(width)}" height="{_n(height)}" role="img"'
        f' aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart chart--{kind}"'
        f' id="{chart_id}" font-family="{FONT_FAMILY}" font-size="13" fill="{TEXT}">'
        f'<title id="{chart_id}-title">{_esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{_esc(description)}</desc>'
        f"{body}</svg>"
    )


def _require_title(title: object, description: object) -> tuple[str, str]:
    title, description = str(title or "").strip(), str(description or "").strip()
    if not title:
        raise ValueError("a chart needs a title: it is the accessible name of the image")
    return title, description


def _legend(
    x: float, y: float, series: Sequence[Series], styles: Sequence[SeriesStyle], width: float
) -> tuple[str, float]:
    """Legend rows (line sample with dash and marker, then the label); returns markup, height."""
    parts, cursor_x, cursor_y = [], x, y
    for item, style in zip(series, styles, strict=True):
        label = str(item.label)
        item_width = 44 + _text_width(label, 13) + 24
        if cursor_x > x and cursor_x + item_width > x + width:
            cursor_x, cursor_y = x, cursor_y + 24
        parts.append(
            f'<line x1="{_n(cursor_x)}" y1="{_n(cursor_y)}" x2="{_n(cursor_x + 36)}"'
            f' y2="{_n(cursor_y)}" stroke="{style.colour}" stroke-width="2.5"{_dash(style)}/>'
        )
        parts.append(_marker(style.marker, cursor_x + 18, cursor_y, style.colour))
        parts.append(_text(cursor_x + 44, cursor_y + 4.5, label))
        cursor_x += item_width
    return '<g class="legend">' + "".join(parts) + "</g>", cursor_y - y + 24


def _nice_ceiling(value: float) -> float:
    """Smallest 1, 2, 2.5, 5 or 10 times a power of ten that is >= ``value`` (for axes)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value - 1e-12:
            return step * power
    return 10 * power


# --------------------------------------------------------------------------------------
# Radar chart
# --------------------------------------------------------------------------------------


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


def _series_values(item: Series, expected: int) -> list[float | None]:
    values = [_check_value(v, f"series {item.label!r}") for v in item.values]
    if len(values) != expected:
        raise ValueError(
            f"series {item.label!r} has {len(values)} values but the chart has {expected} axes"
        )
    return values


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


# --------------------------------------------------------------------------------------
# Heat map
# --------------------------------------------------------------------------------------


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[Number | None]],
    *,
    title: str,
    description: str = "",
    value_format: ValueFormat = None,
    level_labels: Sequence[str | None]
    | Sequence[Sequence[str | None]]
    | Callable[[float], str]
    | None = None,
    min_value: float = 0,
    max_value: float = 100,
    no_data_label: str = "no data",
    chart_id: str | None = None,
) -> str:
    """A grid of cells whose fill darkens with the value (e.g. area x pillar scores).

    Every cell writes its value and, when given, its level label; the text is black or
    white per cell, whichever contrasts more with the fill (always >= 4.5:1). Cells without
    data are hatched and say ``no_data_label``. ``level_labels`` may be a flat row-major
    list, a list of rows, or a function of the value. A key under the grid shows five fills
    with their values and the hatching.

    Companion table: rows as ``<th scope="row">``, columns as ``<th scope="col">``, and in
    each cell the same formatted value and level label (or "no data").
    """
    title, description = _require_title(title, description)
    rows, columns = [str(r) for r in rows], [str(c) for c in columns]
    if not rows or not columns:
        raise ValueError("a heat map needs at least one row and one column")
    if max_value <= min_value:
        raise ValueError(f"max_value ({max_value}) must be above min_value ({min_value})")
    grid = _heat_values(rows, columns, values)
    labels = _level_grid(level_labels, grid)
    chart_id = chart_id or _chart_id("heat", title, description, rows, columns, grid, labels)

    label_width, cell_width, cell_height = 250.0, 150.0, 70.0
    header_lines = [_wrap(c, 18) for c in columns]
    header_height = max(len(lines) for lines in header_lines) * 16 + 14
    top = 12 + header_height
    width = label_width + cell_width * len(columns) + 12
    hatch_id = f"{chart_id}-nodata"
    body = [f"<defs>{_hatch_pattern(hatch_id)}</defs>"]
    for j, lines in enumerate(header_lines):
        x = label_width + cell_width * (j + 0.5)
        body.append(_text_lines(x, 24, lines, anchor="middle", weight="bold"))
    for i, row in enumerate(rows):
        y = top + cell_height * i
        row_lines = _wrap(row, 28)
        first = y + cell_height / 2 - (len(row_lines) - 1) * 8 + 4.5
        body.append(_text_lines(label_width - 12, first, row_lines, anchor="end"))
        for j in range(len(columns)):
            x = label_width + cell_width * j
            body.append(
                _heat_cell(
                    x,
                    y,
                    cell_width,
                    cell_height,
                    grid[i][j],
                    labels[i][j],
                    min_value,
                    max_value,
                    value_format,
                    no_data_label,
                    hatch_id,
                )
            )
    key_top = top + cell_height * len(rows) + 24
    body.append(_heat_key(label_width, key_top, min_value, max_value, value_format))
    body.append(_heat_no_data_key(label_width + 5 * 64 + 24, key_top, no_data_label, hatch_id))
    height = key_top + 56
    return _svg("heat", chart_id, width, height, title, description, "".join(body))


def _heat_values(
    rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[Number | None]]
) -> list[list[float | None]]:
    if len(values) != len(rows):
        raise ValueError(f"heat map has {len(rows)} rows but {len(values)} rows of values")
    grid = []
    for i, row in enumerate(values):
        if len(row) != len(columns):
            raise ValueError(
                f"row {rows[i]!r} has {len(row)} values but the heat map has {len(columns)} columns"
            )
        grid.append([_check_value(v, f"row {rows[i]!r}") for v in row])
    return grid


def _level_grid(
    level_labels: Sequence[str | None]
    | Sequence[Sequence[str | None]]
    | Callable[[float], str]
    | None,
    grid: Sequence[Sequence[float | None]],
) -> list[list[str]]:
    """Normalise the accepted shapes of ``level_labels`` to one label per cell."""
    height, width = len(grid), len(grid[0])
    if level_labels is None:
        return [["" for _ in range(width)] for _ in range(height)]
    if callable(level_labels):
        labeller = level_labels
        return [["" if v is None else str(labeller(v)) for v in row] for row in grid]
    items: list[Any] = list(level_labels)
    nested: list[list[Any]]
    if len(items) == height and all(not isinstance(x, str) and x is not None for x in items):
        nested = [list(row) for row in items]
    elif len(items) == height * width:
        nested = [items[i * width : (i + 1) * width] for i in range(height)]
    else:
        raise ValueError(
            f"level_labels must have {height * width} labels (row by row) or {height} rows"
        )
    if any(len(row) != width for row in nested):
        raise ValueError(f"every row of level_labels must have {width} labels")
    return [["" if label is None else str(label) for label in row] for row in nested]


def heat_fill(value: float, min_value: float = 0, max_value: float = 100) -> str:
    """Fill of the sequential palette for ``value`` (clamped to the range)."""
    share = (value - min_value) / (max_value - min_value)
    return mix(HEAT_LOW, HEAT_HIGH, share)


def _heat_cell(
    x: float,
    y: float,
    width: float,
    height: float,
    value: float | None,
    level: str,
    min_value: float,
    max_value: float,
    value_format: ValueFormat,
    no_data_label: str,
    hatch_id: str,
) -> str:
    box = f'x="{_n(x + 1)}" y="{_n(y + 1)}" width="{_n(width - 2)}" height="{_n(height - 2)}"'
    cx = x + width / 2
    if value is None:
        plate_width = _text_width(no_data_label, 13) + 16
        return (
            f'<g class="cell cell--no-data"><rect {box} fill="url(#{hatch_id})"'
            f' stroke="{HATCH}"/>'
            f'<rect x="{_n(cx - plate_width / 2)}" y="{_n(y + height / 2 - 12)}"'
            f' width="{_n(plate_width)}" height="24" rx="3" fill="{WHITE}"/>'
            + _text(cx, y + height / 2 + 4.5, no_data_label, anchor="middle")
            + "</g>"
        )
    fill = heat_fill(value, min_value, max_value)
    ink = readable_text_colour(fill)
    level_lines = _wrap(level, 22, max_lines=2) if level else []
    value_y = y + height / 2 + (6 if not level_lines else 1 - 7 * (len(level_lines) - 1))
    parts = [
        f'<g class="cell"><rect {box} fill="{fill}"/>',
        _text(
            cx,
            value_y,
            _format(value, value_format),
            anchor="middle",
            size=18,
            weight="bold",
            fill=ink,
        ),
    ]
    if level_lines:
        parts.append(
            _text_lines(
                cx, value_y + 17, level_lines, line_height=14, anchor="middle", size=12, fill=ink
            )
        )
    parts.append("</g>")
    return "".join(parts)


def _heat_key(
    x: float, y: float, min_value: float, max_value: float, value_format: ValueFormat
) -> str:
    parts = ['<g class="key">']
    for step in range(5):
        value = min_value + (max_value - min_value) * step / 4
        fill = heat_fill(value, min_value, max_value)
        left = x + step * 64
        parts.append(
            f'<rect x="{_n(left)}" y="{_n(y)}" width="60" height="18" fill="{fill}"'
            f' stroke="{AXIS}" stroke-width="0.5"/>'
        )
        parts.append(
            _text(left + 30, y + 34, _format(value, value_format), anchor="middle", size=12)
        )
    parts.append("</g>")
    return "".join(parts)


def _heat_no_data_key(x: float, y: float, no_data_label: str, hatch_id: str) -> str:
    return (
        f'<g class="key"><rect x="{_n(x)}" y="{_n(y)}" width="36" height="18"'
        f' fill="url(#{hatch_id})" stroke="{HATCH}"/>'
        + _text(x + 44, y + 14, no_data_label, size=12)
        + "</g>"
    )


# --------------------------------------------------------------------------------------
# Risk matrix
# --------------------------------------------------------------------------------------

BAND_ORDER = ("low", "medium", "high", "very-high")
BAND_COLOURS: dict[str, str] = {
    "low": "#cfe8c8",
    "medium": "#f7dc7c",
    "high": "#ef9f57",
    "very-high": "#a51d2d",
}
"""Fill per band; the band name is always written in the cell as well."""
DEFAULT_BAND_LABELS: dict[str, str] = {
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "very-high": "Very high",
}
_DEFAULT_BAND_RULE: dict[int, tuple[str, str, str, str]] = {
    # severity: bands for likelihood 1..4 (same rule as impact/templates_data/hria-dpia.v1)
    4: ("high", "high", "very-high", "very-high"),
    3: ("medium", "medium", "high", "very-high"),
    2: ("low", "medium", "medium", "high"),
    1: ("low", "low", "medium", "medium"),
}


def default_risk_band(likelihood: int, severity: int) -> str:
    """Band key for a (likelihood, severity) pair under the shipped rule.

    The impact app passes its own rule (read from its versioned template) to
    :func:`risk_matrix`; this default only keeps the chart usable on its own.
    """
    return _DEFAULT_BAND_RULE[severity][likelihood - 1]


def risk_matrix(
    likelihood_labels: Sequence[str],
    severity_labels: Sequence[str],
    counts: Mapping[tuple[int, int], int],
    *,
    title: str,
    description: str = "",
    band_of: Callable[[int, int], str] | None = None,
    band_labels: Mapping[str, str] | None = None,
    likelihood_title: str = "Likelihood",
    severity_title: str = "Severity",
    count_format: str | Callable[[int], str] = "{count}",
    chart_id: str | None = None,
) -> str:
    """A 4 x 4 risk matrix: likelihood left to right, severity bottom to top.

    ``counts`` maps ``(likelihood, severity)`` (1..4 each) to the number of risks in that
    cell; missing pairs count as 0. ``band_of(likelihood, severity)`` returns a band key
    (``low``, ``medium``, ``high``, ``very-high``); every cell writes its band name *and*
    its count, so the colour is never the only carrier. Cells holding risks get a heavy
    outline as well.

    Companion table: one row per risk (affected right, description, likelihood, severity,
    band), or the same 4 x 4 grid as a table with severity rows and likelihood columns.
    """
    title, description = _require_title(title, description)
    likelihood_labels = [str(x) for x in likelihood_labels]
    severity_labels = [str(x) for x in severity_labels]
    if len(likelihood_labels) != 4 or len(severity_labels) != 4:
        raise ValueError("a risk matrix needs exactly 4 likelihood and 4 severity labels")
    clean_counts = _risk_counts(counts)
    band_of = band_of or default_risk_band
    names = {**DEFAULT_BAND_LABELS, **{k: str(v) for k, v in (band_labels or {}).items()}}
    bands = {(l, s): band_of(l, s) for l in range(1, 5) for s in range(1, 5)}  # noqa: E741
    unknown = sorted({b for b in bands.values() if b not in BAND_COLOURS})
    if unknown:
        raise ValueError(f"unknown risk band(s) {unknown}; expected one of {list(BAND_ORDER)}")
    chart_id = chart_id or _chart_id(
        "risk",
        title,
        description,
        likelihood_labels,
        severity_labels,
        sorted(clean_counts.items()),
        sorted(bands.items()),
        sorted(names.items()),
    )

    left, top, cell_w, cell_h = 200.0, 16.0, 130.0, 74.0
    body = []
    for s in range(4, 0, -1):
        y = top + (4 - s) * cell_h
        lines = _wrap(severity_labels[s - 1], 18, max_lines=3)
        first = y + cell_h / 2 - (len(lines) - 1) * 8 + 4.5
        body.append(_text_lines(left - 10, first, lines, anchor="end"))
        for lk in range(1, 5):
            x = left + (lk - 1) * cell_w
            count = clean_counts.get((lk, s), 0)
            body.append(
                _risk_cell(x, y, cell_w, cell_h, bands[(lk, s)], names, count, count_format)
            )
    grid_bottom = top + 4 * cell_h
    column_lines = [_wrap(label, 17, max_lines=3) for label in likelihood_labels]
    for lk, lines in enumerate(column_lines, start=1):
        x = left + (lk - 0.5) * cell_w
        body.append(_text_lines(x, grid_bottom + 20, lines, anchor="middle"))
    axis_y = grid_bottom + 20 + max(len(lines) for lines in column_lines) * 16 + 10
    body.append(
        _text(left + 2 * cell_w, axis_y, f"{likelihood_title} →", anchor="middle", weight="bold")
    )
    mid = top + 2 * cell_h
    body.append(
        _text(
            24,
            mid,
            f"{severity_title} →",
            anchor="middle",
            weight="bold",
            extra=f' transform="rotate(-90 24 {_n(mid)})"',
        )
    )
    body.append(_risk_key(left, axis_y + 26, names))
    width = left + 4 * cell_w + 16
    height = axis_y + 26 + 30
    return _svg("risk", chart_id, width, height, title, description, "".join(body))


def _risk_counts(counts: Mapping[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    clean: dict[tuple[int, int], int] = {}
    for key, count in counts.items():
        if not (isinstance(key, tuple) and len(key) == 2) or any(
            isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 4 for k in key
        ):
            raise ValueError(
                f"risk matrix keys are (likelihood, severity) from 1 to 4, got {key!r}"
            )
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"the count for {key!r} must be a whole number >= 0, got {count!r}")
        clean[key] = count
    return clean


def _risk_cell(
    x: float,
    y: float,
    width: float,
    height: float,
    band: str,
    names: Mapping[str, str],
    count: int,
    count_format: str | Callable[[int], str],
) -> str:
    fill = BAND_COLOURS[band]
    ink = readable_text_colour(fill)
    outline = (
        f' stroke="{TEXT}" stroke-width="3"' if count else f' stroke="{WHITE}" stroke-width="2"'
    )
    label = count_format(count) if callable(count_format) else count_format.format(count=count)
    cx = x + width / 2
    return (
        f'<g class="cell cell--{band}"><rect x="{_n(x + 1.5)}" y="{_n(y + 1.5)}"'
        f' width="{_n(width - 3)}" height="{_n(height - 3)}" fill="{fill}"{outline}/>'
        + _text(cx, y + 28, names[band], anchor="middle", size=12, fill=ink)
        + _text(cx, y + 54, str(label), anchor="middle", size=20, weight="bold", fill=ink)
        + "</g>"
    )


def _risk_key(x: float, y: float, names: Mapping[str, str]) -> str:
    parts, left = ['<g class="key">'], x
    for band in BAND_ORDER:
        parts.append(
            f'<rect x="{_n(left)}" y="{_n(y - 13)}" width="18" height="18"'
            f' fill="{BAND_COLOURS[band]}" stroke="{AXIS}" stroke-width="0.5"/>'
        )
        parts.append(_text(left + 24, y, names[band], size=12))
        left += 24 + _text_width(names[band], 12) + 22
    parts.append("</g>")
    return "".join(parts)


# --------------------------------------------------------------------------------------
# Bar chart (horizontal)
# --------------------------------------------------------------------------------------


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Number | None],
    *,
    title: str,
    description: str = "",
    max_value: float | None = None,
    min_value: float = 0,
    value_format: ValueFormat = None,
    axis_label: str = "",
    no_data_label: str = "no data",
    colour: str = SERIES_STYLES["primary"].colour,
    chart_id: str | None = None,
) -> str:
    """Horizontal bars, one per label (KPI values, progress towards targets).

    Each bar is followed by its formatted value; ``None`` gives a short hatched stub and
    ``no_data_label``. Bars start at zero (or at ``min_value`` when zero is outside the
    range); values beyond the axis are drawn to its end but printed as they are.
    ``max_value`` defaults to a round number above the largest value.

    Companion table: one row per label (``<th scope="row">``) with the formatted value
    and, for progress, the baseline and target the percentage was computed from.
    """
    title, description = _require_title(title, description)
    labels = [str(label) for label in labels]
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels but {len(values)} values")
    if not labels:
        raise ValueError("a bar chart needs at least one bar")
    clean = [_check_value(v, f"bar {label!r}") for label, v in zip(labels, values, strict=True)]
    present = [v for v in clean if v is not None]
    low = min([min_value, *present]) if present else min_value
    high = max_value if max_value is not None else _nice_ceiling(max([0.0, *present]))
    if high <= low:
        raise ValueError(f"max_value ({high}) must be above the smallest value ({low})")
    chart_id = chart_id or _chart_id("bar", title, description, labels, clean, low, high)

    label_width, plot_width, value_room = 250.0, 380.0, 110.0
    hatch_id = f"{chart_id}-nodata"
    body = [f"<defs>{_hatch_pattern(hatch_id)}</defs>"]
    y = 12.0
    rows = []
    for label, value in zip(labels, clean, strict=True):
        lines = _wrap(label, 32)
        row_height = max(len(lines) * 16, 22) + 14
        rows.append((label, value, lines, y, row_height))
        y += row_height
    plot_bottom = y

    def scale(v: float) -> float:
        share = (min(max(v, low), high) - low) / (high - low)
        return label_width + share * plot_width

    body.append(_bar_axis(scale, low, high, 12.0, plot_bottom, value_format))
    for _label, value, lines, row_top, row_height in rows:
        middle = row_top + row_height / 2
        body.append(
            _text_lines(label_width - 12, middle - (len(lines) - 1) * 8 + 4.5, lines, anchor="end")
        )
        body.append(
            _bar(scale, value, middle, colour, value_format, no_data_label, hatch_id, label_width)
        )
    axis_text_y = plot_bottom + 20
    height = axis_text_y + (28 if axis_label else 8)
    if axis_label:
        body.append(
            _text(label_width + plot_width / 2, axis_text_y + 22, axis_label, anchor="middle")
        )
    width = label_width + plot_width + value_room
    return _svg("bar", chart_id, width, height, title, description, "".join(body))


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    return [low + (high - low) * i / (count - 1) for i in range(count)]


def _bar_axis(
    scale: Callable[[float], float],
    low: float,
    high: float,
    top: float,
    bottom: float,
    value_format: ValueFormat,
) -> str:
    parts = ['<g class="axis">']
    for tick in _ticks(low, high):
        x = scale(tick)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(bottom)}" stroke="{GRID}"/>'
        )
        parts.append(
            _text(x, bottom + 18, _format(tick, value_format), anchor="middle", size=11, fill=MUTED)
        )
    zero = scale(0 if low <= 0 <= high else low)
    parts.append(
        f'<line x1="{_n(zero)}" y1="{_n(top)}" x2="{_n(zero)}" y2="{_n(bottom)}"'
        f' stroke="{AXIS}" stroke-width="1.5"/>'
    )
    parts.append("</g>")
    return "".join(parts)


def _bar(
    scale: Callable[[float], float],
    value: float | None,
    middle: float,
    colour: str,
    value_format: ValueFormat,
    no_data_label: str,
    hatch_id: str,
    base_x: float,
) -> str:
    if value is None:
        return (
            f'<g class="bar bar--no-data"><rect x="{_n(base_x)}" y="{_n(middle - 9)}" width="36"'
            f' height="18" fill="url(#{hatch_id})" stroke="{HATCH}"/>'
            + _text(base_x + 44, middle + 4.5, no_data_label, fill=MUTED)
            + "</g>"
        )
    start = scale(0.0)  # the scale clamps, so this is the axis start when 0 is out of range
    end = scale(value)
    left, right = min(start, end), max(start, end)
    return (
        f'<g class="bar"><rect x="{_n(left)}" y="{_n(middle - 9)}"'
        f' width="{_n(max(right - left, 1))}" height="18" fill="{colour}"/>'
        + _text(right + 6, middle + 4.5, _format(value, value_format), weight="bold")
        + "</g>"
    )


# --------------------------------------------------------------------------------------
# Line chart
# --------------------------------------------------------------------------------------


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    value_format: ValueFormat = None,
    y_label: str = "",
    x_label: str = "",
    min_value: float | None = None,
    max_value: float | None = None,
    no_data_label: str = "no data",
    chart_id: str | None = None,
) -> str:
    """Values over time (KPI measurements, year-on-year scores), up to four series.

    ``labels`` are the points in time, evenly spaced (dates as text, years...). Each point
    shows its marker and its value written in the series colour (all series colours reach
    4.5:1 on white); ``None`` breaks the line and ``no_data_label`` is written at the foot
    of the plot. The y axis starts at zero unless values are negative or ``min_value`` is
    given, and ends at a round number unless ``max_value`` is given.

    Companion table: one row per label (date or year, ``<th scope="row">``) and one column
    per series, with the same formatted values or "no data".
    """
    title, description = _require_title(title, description)
    labels = [str(label) for label in labels]
    if not labels:
        raise ValueError("a line chart needs at least one point")
    styles = _styles_for(series, limit=4)
    values = [_series_values(item, len(labels)) for item in series]
    present = [v for row in values for v in row if v is not None]
    low = min_value if min_value is not None else min([0.0, *present])
    high = max_value if max_value is not None else _nice_ceiling(max([0.0, *present]))
    if high <= low:
        raise ValueError(f"max_value ({high}) must be above min_value ({low})")
    chart_id = chart_id or _chart_id("line", title, description, labels, values, low, high)

    left, top, plot_height = 80.0, 24.0, 260.0
    step = 80.0
    plot_width = max(480.0, step * len(labels))
    bottom = top + plot_height

    def x_of(index: int) -> float:
        return left + plot_width * (index + 0.5) / len(labels)

    def y_of(value: float) -> float:
        share = (min(max(value, low), high) - low) / (high - low)
        return bottom - share * plot_height

    body = [_line_axes(left, top, plot_width, bottom, low, high, y_of, value_format, y_label)]
    label_lines = [_wrap(label, 12, max_lines=2) for label in labels]
    for index, lines in enumerate(label_lines):
        body.append(_text_lines(x_of(index), bottom + 18, lines, anchor="middle", size=12))
    for number in reversed(range(len(series))):
        body.append(_line_series(values[number], styles[number], x_of, y_of))
    body.append(_line_labels(values, styles, x_of, y_of, bottom, value_format, no_data_label))
    cursor = bottom + 18 + max(len(lines) for lines in label_lines) * 15 + 6
    if x_label:
        body.append(_text(left + plot_width / 2, cursor + 10, x_label, anchor="middle"))
        cursor += 24
    legend, legend_height = _legend(left, cursor + 14, series, styles, plot_width)
    body.append(legend)
    width = left + plot_width + 24
    height = cursor + 14 + legend_height
    return _svg("line", chart_id, width, height, title, description, "".join(body))


def _line_axes(
    left: float,
    top: float,
    plot_width: float,
    bottom: float,
    low: float,
    high: float,
    y_of: Callable[[float], float],
    value_format: ValueFormat,
    y_label: str,
) -> str:
    parts = ['<g class="axis">']
    for tick in _ticks(low, high):
        y = y_of(tick)
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_width)}" y2="{_n(y)}"'
            f' stroke="{GRID}"/>'
        )
        parts.append(
            _text(left - 8, y + 4, _format(tick, value_format), anchor="end", size=11, fill=MUTED)
        )
    parts.append(
        f'<line x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(bottom)}" stroke="{AXIS}"'
        f' stroke-width="1.5"/><line x1="{_n(left)}" y1="{_n(y_of(max(low, min(0, high))))}"'
        f' x2="{_n(left + plot_width)}" y2="{_n(y_of(max(low, min(0, high))))}" stroke="{AXIS}"'
        ' stroke-width="1.5"/>'
    )
    if y_label:
        middle = (top + bottom) / 2
        parts.append(
            _text(
                16,
                middle,
                y_label,
                anchor="middle",
                extra=f' transform="rotate(-90 16 {_n(middle)})"',
            )
        )
    parts.append("</g>")
    return "".join(parts)


def _line_series(
    values: Sequence[float | None],
    style: SeriesStyle,
    x_of: Callable[[int], float],
    y_of: Callable[[float], float],
) -> str:
    """The line (broken at ``None``) and the markers of one series."""
    parts = ['<g class="series">']
    path: list[str] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        command = "L" if index > 0 and values[index - 1] is not None else "M"
        path.append(f"{command} {_n(x_of(index))} {_n(y_of(value))}")
    if any(p.startswith("L") for p in path):
        parts.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{style.colour}"'
            f' stroke-width="2.5"{_dash(style)}/>'
        )
    parts.extend(
        _marker(style.marker, x_of(i), y_of(v), style.colour)
        for i, v in enumerate(values)
        if v is not None
    )
    parts.append("</g>")
    return "".join(parts)


def _label_places(values: Sequence[Sequence[float | None]]) -> dict[tuple[int, int], Place]:
    """Where each value label goes, so labels of different series do not overlap.

    At every point the highest value is labelled above its marker, the lowest below, and
    any in between to the right.
    """
    places: dict[tuple[int, int], Place] = {}
    for index in range(len(values[0])):
        present = [(row[index], n) for n, row in enumerate(values) if row[index] is not None]
        present.sort(key=lambda item: -(item[0] or 0.0))
        for rank, (_value, number) in enumerate(present):
            if rank == 0:
                places[(number, index)] = (0.0, -10.0, "middle")
            elif rank == len(present) - 1:
                places[(number, index)] = (0.0, 21.0, "middle")
            else:
                places[(number, index)] = (10.0, 4.5, "start")
    return places


def _line_labels(
    values: Sequence[Sequence[float | None]],
    styles: Sequence[SeriesStyle],
    x_of: Callable[[int], float],
    y_of: Callable[[float], float],
    bottom: float,
    value_format: ValueFormat,
    no_data_label: str,
) -> str:
    """Every value as text in its series colour; ``no_data_label`` at the foot for gaps."""
    places = _label_places(values)
    parts = ['<g class="values">']
    for number, (row, style) in enumerate(zip(values, styles, strict=True)):
        for index, value in enumerate(row):
            x = x_of(index)
            if value is None:
                y = bottom - 8 - 14 * number
                parts.append(
                    _text(x, y, no_data_label, anchor="middle", size=11, fill=style.colour)
                )
                continue
            dx, dy, anchor = places[(number, index)]
            if dy > 0 and y_of(value) + dy > bottom - 2:
                dx, dy, anchor = 10.0, -6.0, "start"  # keep clear of the x-axis labels
            label = _format(value, value_format)
            parts.append(
                _text(
                    x + dx,
                    y_of(value) + dy,
                    label,
                    anchor=anchor,
                    size=12,
                    weight="bold",
                    fill=style.colour,
                )
            )
    parts.append("</g>")
    return "".join(parts)

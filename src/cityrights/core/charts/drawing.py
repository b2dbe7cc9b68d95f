"""What every chart is drawn with: series and their styles, palette, escaping, text, markers.

Internal to :mod:`cityrights.core.charts`: the chart modules build on these pieces so each
chart escapes text, formats numbers, tells series apart and wraps itself in the accessible
``<svg>`` root the same way.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.utils.formats import get_format

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


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def _localised(text: str) -> str:
    """A number Python wrote ("57.9") in the reader's notation ("57,9" in French and Dutch),
    as the chart's data table beside it writes it."""
    separator = str(get_format("DECIMAL_SEPARATOR"))
    return text if separator == "." else _DECIMAL_POINT.sub(separator, text)


def _format(value: float, value_format: ValueFormat) -> str:
    """Format a value with a ``str.format`` pattern, a callable, or the default (1 decimal),
    with the decimal separator of the active language."""
    if value_format is None:
        return _localised(_default_format(value))
    if callable(value_format):
        return _localised(str(value_format(value)))
    return _localised(str(value_format).format(value))


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


def _series_values(item: Series, expected: int) -> list[float | None]:
    values = [_check_value(v, f"series {item.label!r}") for v in item.values]
    if len(values) != expected:
        raise ValueError(
            f"series {item.label!r} has {len(values)} values but the chart has {expected} axes"
        )
    return values


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    return [low + (high - low) * i / (count - 1) for i in range(count)]

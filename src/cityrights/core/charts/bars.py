"""Bar chart (horizontal): one bar per label, the value written at its end."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .drawing import (
    AXIS,
    GRID,
    HATCH,
    MUTED,
    SERIES_STYLES,
    Number,
    ValueFormat,
    _chart_id,
    _check_value,
    _format,
    _hatch_pattern,
    _n,
    _nice_ceiling,
    _require_title,
    _svg,
    _text,
    _text_lines,
    _ticks,
    _wrap,
)


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

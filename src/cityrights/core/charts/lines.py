"""Line chart: values over time, one line per series, with labels placed clear of each other."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .drawing import (
    AXIS,
    GRID,
    MUTED,
    Place,
    Series,
    SeriesStyle,
    ValueFormat,
    _chart_id,
    _dash,
    _format,
    _legend,
    _marker,
    _n,
    _nice_ceiling,
    _require_title,
    _series_values,
    _styles_for,
    _svg,
    _text,
    _text_lines,
    _ticks,
    _wrap,
)


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

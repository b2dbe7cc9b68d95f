"""Heat map: a grid of cells shaded on a sequential palette, each value written in its cell."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..colours import mix, readable_text_colour
from .drawing import (
    AXIS,
    HATCH,
    HEAT_HIGH,
    HEAT_LOW,
    WHITE,
    Number,
    ValueFormat,
    _chart_id,
    _check_value,
    _format,
    _hatch_pattern,
    _n,
    _require_title,
    _svg,
    _text,
    _text_lines,
    _text_width,
    _wrap,
)


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

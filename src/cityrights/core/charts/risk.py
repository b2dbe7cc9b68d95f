"""Risk matrix: likelihood by severity, each cell coloured and named by its band."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..colours import readable_text_colour
from .drawing import (
    AXIS,
    TEXT,
    WHITE,
    _chart_id,
    _n,
    _require_title,
    _svg,
    _text,
    _text_lines,
    _text_width,
    _wrap,
)

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

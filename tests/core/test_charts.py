"""Server-rendered SVG charts: valid XML, accessible by construction, every value as text.

Also covers :mod:`cityrights.core.colours`, whose contrast arithmetic the charts rely on to
pick readable text per cell.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.core import charts
from cityrights.core.colours import (
    contrast_ratio,
    is_valid_hex,
    mix,
    readable_text_colour,
    relative_luminance,
)

SVG = "{http://www.w3.org/2000/svg}"
AREAS = ["Inclusion", "Autonomy", "Transparency", "Participation", "Privacy", "Public goods"]
LIKELIHOOD = ["Rare", "Possible", "Likely", "Almost certain"]
SEVERITY = ["Negligible", "Limited", "Significant", "Maximum"]
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

hex_colours = st.integers(0, 0xFFFFFF).map(lambda i: f"#{i:06x}")
scores = st.one_of(st.none(), st.integers(0, 100).map(float))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - parses our own output, not untrusted input


def texts(node: ET.Element) -> list[str]:
    """The full text of every ``<text>`` element (tspans joined with spaces)."""
    return [" ".join(t.itertext()) for t in node.iter(f"{SVG}text")]


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in (g.get("class") or "").split()]


def assert_accessible(svg: str, title: str) -> ET.Element:
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox", "").startswith("0 0 ")
    title_el, desc_el = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title_el is not None and desc_el is not None
    assert title_el.text == title
    labelled_by = (root.get("aria-labelledby") or "").split()
    assert labelled_by == [title_el.get("id"), desc_el.get("id")]
    assert root.find(f"{SVG}script") is None and "<script" not in svg
    return root


def radar(values: list[list[float | None]], **kwargs: object) -> str:
    styles = ["primary", "secondary", "reference"]
    series = [charts.Series(f"series {i}", row, styles[i]) for i, row in enumerate(values)]
    axes = kwargs.pop("axes", AREAS[: len(values[0])])
    return charts.radar_chart(axes, series, title="Scores", description="d", **kwargs)  # type: ignore[arg-type]


BUILDERS: dict[str, Callable[[str], str]] = {
    "radar": lambda t: charts.radar_chart(
        AREAS, [charts.Series("now", [1, 2, 3, 4, 5, 6])], title=t, description="radar"
    ),
    "heat": lambda t: charts.heat_map(["a", "b"], ["x", "y"], [[1, 2], [3, None]], title=t),
    "risk": lambda t: charts.risk_matrix(LIKELIHOOD, SEVERITY, {(1, 1): 1}, title=t),
    "bar": lambda t: charts.bar_chart(["a", "b"], [1, None], title=t),
    "line": lambda t: charts.line_chart(["2024", "2025"], [charts.Series("v", [1, 2])], title=t),
}


# --------------------------------------------------------------------------------------
# Every chart: accessible root, escaping, determinism
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_chart_is_an_accessible_image(kind: str) -> None:
    svg = BUILDERS[kind]("A <b>title</b> & more")
    root = assert_accessible(svg, "A <b>title</b> & more")
    assert root.find(f"{SVG}b") is None  # markup in a title stays text


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_chart_refuses_an_empty_title(kind: str) -> None:
    with pytest.raises(ValueError, match="title"):
        BUILDERS[kind]("  ")


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_charts_are_deterministic_and_ids_differ_between_charts(kind: str) -> None:
    first, again, other = BUILDERS[kind]("One"), BUILDERS[kind]("One"), BUILDERS[kind]("Two")
    assert first == again
    assert parse(first).get("id") != parse(other).get("id")


def test_script_labels_are_escaped_everywhere() -> None:
    evil = "<script>alert(1)</script>"
    outputs = [
        charts.radar_chart(
            [evil, "b", "c"], [charts.Series(evil, [1, 2, 3])], title=evil, description=evil
        ),
        charts.heat_map([evil], [evil], [[5]], title=evil, level_labels=[evil]),
        charts.risk_matrix(
            [evil, "b", "c", "d"], SEVERITY, {}, title=evil, band_labels={"low": evil}
        ),
        charts.bar_chart([evil], [3], title=evil, axis_label=evil),
        charts.line_chart([evil], [charts.Series(evil, [3])], title=evil, y_label=evil),
    ]
    for svg in outputs:
        root = assert_accessible(svg, evil)
        assert "&lt;script&gt;" in svg
        assert any(evil in "".join(t.split()) for t in texts(root))


@settings(max_examples=60, deadline=None)
@given(label=st.text(max_size=30))
def test_any_label_keeps_the_document_well_formed(label: str) -> None:
    svg = charts.bar_chart([label], [1.0], title=label if label.strip() else "t", description=label)
    root = parse(svg)
    expected = "".join(ch for ch in INVALID_XML.sub("", label) if not ch.isspace())
    found = ["".join(ch for ch in t if not ch.isspace()) for t in texts(root)]
    assert expected in found


def test_numbers_must_be_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        charts.bar_chart(["a"], [float("nan")], title="t")
    with pytest.raises(ValueError, match="number"):
        charts.bar_chart(["a"], ["12"], title="t")  # type: ignore[list-item]


# --------------------------------------------------------------------------------------
# Radar
# --------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    data=st.integers(3, 8).flatmap(
        lambda n: st.lists(st.lists(scores, min_size=n, max_size=n), min_size=1, max_size=3)
    )
)
def test_radar_writes_every_value_under_its_axis(data: list[list[float | None]]) -> None:
    axes = [f"axis {i}" for i in range(len(data[0]))]
    root = parse(radar(data, axes=axes))
    labels = groups(root, "axis-label")
    assert len(labels) == len(axes)
    for index, group in enumerate(labels):
        written = texts(group)
        assert written[0] == axes[index]
        expected = ["no data" if row[index] is None else f"{row[index]:.0f}" for row in data]
        assert written[1:] == expected


def test_radar_breaks_the_outline_at_missing_values() -> None:
    full = parse(radar([[50, 60, 70, 80, 90, 40]]))
    assert len(list(full.iter(f"{SVG}polygon"))) > 5  # grid rings + the series polygon
    gapped = parse(radar([[50, None, 70, 80, None, 40]]))
    series = groups(gapped, "series")[0]
    assert series.find(f"{SVG}polygon") is None
    paths = series.findall(f"{SVG}path")
    assert len(paths) == 2  # 70-80 and 40-50 (wrapping around), none across the gaps
    assert len(series.findall(f"{SVG}circle")) == 4  # a marker per present value


def test_radar_series_differ_by_dash_and_marker_not_only_colour() -> None:
    root = parse(radar([[10] * 6, [20] * 6, [30] * 6]))
    legend = groups(root, "legend")[0]
    dashes = [line.get("stroke-dasharray") for line in legend.iter(f"{SVG}line")]
    assert len(set(dashes)) == 3
    shapes = [child.tag for child in legend if child.tag != f"{SVG}line"]
    assert {f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon"} <= set(shapes)
    assert [t for t in texts(legend) if t.startswith("series")] == [
        "series 0",
        "series 1",
        "series 2",
    ]


def test_radar_refuses_bad_shapes() -> None:
    with pytest.raises(ValueError, match="at least 3 axes"):
        radar([[1, 2]], axes=["a", "b"])
    with pytest.raises(ValueError, match="at most 3 series"):
        charts.radar_chart(AREAS, [charts.Series(str(i), [1] * 6) for i in range(4)], title="t")
    with pytest.raises(ValueError, match="has 5 values but the chart has 6 axes"):
        charts.radar_chart(AREAS, [charts.Series("s", [1] * 5)], title="t")
    with pytest.raises(ValueError, match="unknown series style"):
        charts.radar_chart(AREAS, [charts.Series("s", [1] * 6, "neon")], title="t")


def test_series_colours_are_readable_as_text_and_distinct() -> None:
    styles = list(charts.SERIES_STYLES.values())
    for style in styles:
        assert contrast_ratio(style.colour, "#ffffff") >= 4.5
    assert len({s.colour for s in styles}) == len({s.dash for s in styles}) == len(styles)
    assert len({s.marker for s in styles}) == len(styles)


# --------------------------------------------------------------------------------------
# Heat map
# --------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    grid=st.integers(1, 4).flatmap(
        lambda w: st.lists(st.lists(scores, min_size=w, max_size=w), min_size=1, max_size=5)
    )
)
def test_heat_map_cells_show_value_and_level_with_readable_text(
    grid: list[list[float | None]],
) -> None:
    rows = [f"row {i}" for i in range(len(grid))]
    columns = [f"col {j}" for j in range(len(grid[0]))]
    levels = [[f"L{i}{j}" for j in range(len(columns))] for i in range(len(rows))]
    root = parse(
        charts.heat_map(
            rows, columns, grid, title="Heat", value_format="{:.0f}", level_labels=levels
        )
    )
    cells = groups(root, "cell")
    flat = [(v, levels[i][j]) for i, row in enumerate(grid) for j, v in enumerate(row)]
    assert len(cells) == len(flat)
    (pattern,) = root.iter(f"{SVG}pattern")
    for cell, (value, level) in zip(cells, flat, strict=True):
        fill = cell.find(f"{SVG}rect").get("fill")  # type: ignore[union-attr]
        if value is None:
            assert texts(cell) == ["no data"]
            assert fill == f"url(#{pattern.get('id')})"
            continue
        assert texts(cell) == [f"{value:.0f}", level]
        for text in cell.iter(f"{SVG}text"):
            assert contrast_ratio(fill, text.get("fill")) >= 4.5  # type: ignore[arg-type]


def test_heat_map_fill_darkens_with_the_value() -> None:
    fills = [charts.heat_fill(v) for v in (0, 25, 50, 75, 100)]
    luminance = [relative_luminance(f) for f in fills]
    assert luminance == sorted(luminance, reverse=True)
    assert charts.heat_fill(150) == charts.heat_fill(100)  # clamped


def test_heat_map_accepts_flat_nested_or_function_level_labels() -> None:
    values = [[10.0, 90.0], [None, 50.0]]
    flat = charts.heat_map(["a", "b"], ["x", "y"], values, title="t", level_labels=list("ABCD"))
    nested = charts.heat_map(
        ["a", "b"], ["x", "y"], values, title="t", level_labels=[["A", "B"], ["C", "D"]]
    )
    assert flat == nested
    by_value = charts.heat_map(
        ["a", "b"], ["x", "y"], values, title="t", level_labels=lambda v: "hi" if v > 40 else "lo"
    )
    assert [texts(c)[-1] for c in groups(parse(by_value), "cell")] == [
        "lo", "hi", "no data", "hi",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="level_labels"):
        charts.heat_map(["a"], ["x", "y"], [[1, 2]], title="t", level_labels=["only one"])
    with pytest.raises(ValueError, match="has 1 values but the heat map has 2 columns"):
        charts.heat_map(["a"], ["x", "y"], [[1]], title="t")


# --------------------------------------------------------------------------------------
# Risk matrix
# --------------------------------------------------------------------------------------


def test_risk_matrix_writes_band_name_and_count_in_every_cell() -> None:
    counts = {(1, 1): 2, (3, 4): 1, (4, 2): 3}
    root = parse(charts.risk_matrix(LIKELIHOOD, SEVERITY, counts, title="Risks"))
    cells = groups(root, "cell")
    assert len(cells) == 16
    seen = {}
    for cell in cells:
        band = cell.get("class", "").split("cell--")[1]
        name, count = texts(cell)
        assert name == charts.DEFAULT_BAND_LABELS[band]
        seen.setdefault(band, []).append(int(count))
        rect = cell.find(f"{SVG}rect")
        assert rect is not None
        for text in cell.iter(f"{SVG}text"):
            assert contrast_ratio(rect.get("fill"), text.get("fill")) >= 4.5  # type: ignore[arg-type]
    assert sum(sum(v) for v in seen.values()) == 6
    assert sorted(seen) == sorted(charts.BAND_ORDER)
    assert all(label in texts(root) for label in LIKELIHOOD + SEVERITY)


def test_risk_matrix_uses_the_given_band_rule_and_labels() -> None:
    svg = charts.risk_matrix(
        LIKELIHOOD,
        SEVERITY,
        {(2, 2): 4},
        title="Risks",
        band_of=lambda likelihood, severity: "very-high" if likelihood == severity else "low",
        band_labels={"low": "Faible", "very-high": "Très élevé"},
        count_format=lambda n: f"{n} risque(s)",
    )
    cells = groups(parse(svg), "cell")
    diagonal = [texts(c) for c in cells if "cell--very-high" in c.get("class", "")]
    assert len(diagonal) == 4 and ["Très élevé", "4 risque(s)"] in diagonal
    assert sum(1 for c in cells if texts(c)[0] == "Faible") == 12


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({(0, 1): 1}, "from 1 to 4"),
        ({(1, 5): 1}, "from 1 to 4"),
        ({(1, 1): -1}, "whole number"),
        ({(True, 1): 1}, "from 1 to 4"),
    ],
)
def test_risk_matrix_refuses_bad_counts(counts: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        charts.risk_matrix(LIKELIHOOD, SEVERITY, counts, title="t")


def test_risk_matrix_refuses_unknown_bands_and_wrong_label_counts() -> None:
    with pytest.raises(ValueError, match="unknown risk band"):
        charts.risk_matrix(LIKELIHOOD, SEVERITY, {}, title="t", band_of=lambda l, s: "extreme")  # noqa: E741
    with pytest.raises(ValueError, match="exactly 4"):
        charts.risk_matrix(LIKELIHOOD[:3], SEVERITY, {}, title="t")


def test_default_band_rule_is_monotone() -> None:
    for likelihood in range(1, 5):
        for severity in range(1, 5):
            rank = charts.BAND_ORDER.index(charts.default_risk_band(likelihood, severity))
            if likelihood < 4:
                assert rank <= charts.BAND_ORDER.index(
                    charts.default_risk_band(likelihood + 1, severity)
                )
            if severity < 4:
                assert rank <= charts.BAND_ORDER.index(
                    charts.default_risk_band(likelihood, severity + 1)
                )


# --------------------------------------------------------------------------------------
# Bar and line charts
# --------------------------------------------------------------------------------------


def test_bar_chart_writes_values_and_scales_bars() -> None:
    svg = charts.bar_chart(
        ["half", "full", "unknown", "over"],
        [50, 100, None, 120],
        max_value=100,
        title="Progress",
        value_format="{:.0f} %",
        axis_label="Progress (%)",
    )
    root = parse(svg)
    bars = groups(root, "bar")
    assert [texts(b)[-1] for b in bars] == ["50 %", "100 %", "no data", "120 %"]
    widths = [float(b.find(f"{SVG}rect").get("width")) for b in bars]  # type: ignore[union-attr]
    assert widths[0] == pytest.approx(widths[1] / 2)
    assert widths[3] == widths[1]  # drawn to the end of the axis, printed as it is
    assert "url(#" in (bars[2].find(f"{SVG}rect").get("fill") or "")  # type: ignore[union-attr]
    assert "Progress (%)" in texts(root)


def test_bar_chart_defaults_to_a_round_axis_end_and_handles_negatives() -> None:
    root = parse(charts.bar_chart(["a", "b"], [-20, 37], title="t"))
    axis = texts(groups(root, "axis")[0])
    assert axis[0] == "-20" and axis[-1] == "50"
    with pytest.raises(ValueError, match="2 labels but 1 values"):
        charts.bar_chart(["a", "b"], [1], title="t")


@settings(max_examples=40, deadline=None)
@given(
    data=st.integers(1, 8).flatmap(
        lambda n: st.lists(st.lists(scores, min_size=n, max_size=n), min_size=1, max_size=4)
    )
)
def test_line_chart_writes_every_value(data: list[list[float | None]]) -> None:
    labels = [str(2020 + i) for i in range(len(data[0]))]
    series = [charts.Series(f"s{i}", row) for i, row in enumerate(data)]
    root = parse(charts.line_chart(labels, series, title="KPI", value_format="{:.0f}"))
    written = texts(groups(root, "values")[0])
    expected = ["no data" if v is None else f"{v:.0f}" for row in data for v in row]
    assert written == expected
    assert all(label in texts(root) for label in labels)


def test_line_chart_breaks_the_line_at_gaps() -> None:
    root = parse(
        charts.line_chart(["a", "b", "c", "d"], [charts.Series("v", [1, None, 3, 4])], title="t")
    )
    path = groups(root, "series")[0].find(f"{SVG}path")
    assert path is not None
    d = path.get("d") or ""
    assert d.count("M") == 2 and d.count("L") == 1


def test_line_chart_refuses_more_than_four_series() -> None:
    with pytest.raises(ValueError, match="at most 4 series"):
        charts.line_chart(["a"], [charts.Series(str(i), [1]) for i in range(5)], title="t")


# --------------------------------------------------------------------------------------
# Colours (WCAG 2.x contrast)
# --------------------------------------------------------------------------------------


@given(first=hex_colours, second=hex_colours)
def test_contrast_ratio_is_symmetric_and_bounded(first: str, second: str) -> None:
    ratio = contrast_ratio(first, second)
    assert ratio == contrast_ratio(second, first)
    assert 1.0 <= ratio <= 21.0
    assert contrast_ratio(first, first) == pytest.approx(1.0)


def test_contrast_ratio_known_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert relative_luminance("#ffffff") == pytest.approx(1.0)


@given(background=hex_colours)
def test_readable_text_colour_always_reaches_aa(background: str) -> None:
    ink = readable_text_colour(background)
    assert ink in {"#000000", "#ffffff"}
    assert contrast_ratio(background, ink) >= 4.5


@given(value=st.text(max_size=10))
def test_is_valid_hex_only_accepts_rrggbb(value: str) -> None:
    assert is_valid_hex(value) == bool(re.fullmatch(r"#[0-9a-fA-F]{6}", value))


def test_invalid_colours_raise_a_clear_error() -> None:
    for bad in ("#fff", "red", "#12345g", ""):
        assert not is_valid_hex(bad)
        with pytest.raises(ValueError, match="#RRGGBB"):
            contrast_ratio(bad, "#000000")


@given(first=hex_colours, second=hex_colours, weight=st.floats(0, 1))
def test_mix_stays_between_its_ends(first: str, second: str, weight: float) -> None:
    blended = mix(first, second, weight)
    assert is_valid_hex(blended)
    for i in (1, 3, 5):
        a, b, c = (int(x[i : i + 2], 16) for x in (first, second, blended))
        assert min(a, b) <= c <= max(a, b)
    assert mix(first, second, 0) == first and mix(first, second, 1) == second


@pytest.mark.parametrize(("language", "shown"), [("en", "57.9"), ("fr", "57,9"), ("nl", "57,9")])
def test_chart_values_are_written_as_the_data_table_beside_them(language, shown) -> None:
    """A French reader read "60.4" in the chart next to "60,4" in its table."""
    from django.utils import translation

    with translation.override(language):
        svg = charts.bar_chart(["Inclusion"], [57.94], title="Scores", max_value=100)
    assert f">{shown}<" in svg
    assert ">57.9<" not in svg or language == "en"
    # Coordinates stay numbers SVG reads, whatever the language.
    assert re.search(r'x="\d+(\.\d)?"', svg)

"""Report sections as plain data: what apps hand the reporting app, frozen and read back."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cityrights.core.registry import Registry
from cityrights.core.report import (
    SUPPRESSED,
    Alert,
    Chart,
    Figure,
    ReportSection,
    Table,
    suppress_small,
)


def _section(key: str = "demo") -> ReportSection:
    return ReportSection(
        key=key,
        title="Demo",
        introduction="What the demo app did.",
        url="/cities/x/demo/",
        figures=(
            Figure("things", "Things", 12, "things", "Counted in the table.", "/cities/x/"),
            Figure("share", "Share", 33.3, "%", "Things out of all.", staff_only=True),
            Figure("small", "Small group", None, suppressed=True),
        ),
        tables=(Table("per-kind", "Per kind", ("Kind", "Things"), (("a", 3), ("b", SUPPRESSED))),),
        charts=(
            Chart("trend", "lines", "Trend", "Per year.", ("2024", "2025"), (("x", (1, 2)),)),
            Chart("bars", "bars", "Per kind", "", ("a", "b"), (("Things", (3, None)),), unit="%"),
        ),
    )


def test_a_section_survives_the_trip_through_json_unchanged():
    section = _section()
    data = json.loads(json.dumps(section.as_dict()))
    assert ReportSection.from_dict(data) == section
    assert ReportSection.from_dict(data).as_dict() == section.as_dict()


def test_a_section_that_holds_nothing_says_so_and_holds_no_figures():
    empty = ReportSection.nothing("demo", "Demo", "Nothing was recorded in 2025.")
    assert empty.holds_nothing and empty.empty == "Nothing was recorded in 2025."
    with pytest.raises(ValueError, match="holds no figures"):
        ReportSection(key="demo", title="Demo", empty="Nothing", figures=(Figure("a", "A", 1),))


@pytest.mark.parametrize(
    "build",
    [
        lambda: Figure("Not A Key", "x", 1),
        lambda: Figure("a", "x", float("nan")),
        lambda: Figure("a", "x", True),
        lambda: Figure("a", "x", 3, suppressed=True),
        lambda: Table("t", "T", ("a", "b"), (("row",),)),
        lambda: Table("t", "T", (), ()),
        lambda: Chart("c", "bars", "C", "", ("a",), (("x", (1,)), ("y", (2,)))),
        lambda: Chart("c", "lines", "C", "", ("a", "b"), (("x", (1,)),)),
        lambda: Chart("c", "pie", "C", "", ("a",), (("x", (1,)),)),  # type: ignore[arg-type]
        lambda: ReportSection("s", "S", figures=(Figure("a", "A", 1), Figure("a", "B", 2))),
        lambda: Alert("x", "X", 0, "/"),
    ],
)
def test_malformed_records_are_refused_when_made(build):
    with pytest.raises(ValueError):
        build()


def test_a_chart_draws_accessible_svg_and_gives_its_companion_table():
    chart = _section().charts[0]
    svg = chart.svg()
    assert svg.startswith("<svg") and "<title" in svg and "Trend" in svg
    table = chart.table()
    assert table.columns == ("Trend", "x")
    assert table.rows == (("2024", 1), ("2025", 2))
    bars = _section().charts[1].svg(no_data_label="nothing")
    assert "3 %" in bars and "nothing" in bars


def test_registered_sections_come_in_order_and_must_keep_their_key():
    reg = Registry()
    reg.add_report_section("b", lambda city, year: _section("b"), order=20)
    reg.add_report_section("a", lambda city, year: _section("a"), order=10)
    reg.add_report_section("hidden", lambda city, year: None, order=5)
    assert [s.key for s in reg.report_sections(None, 2025)] == ["a", "b"]
    assert reg.report_section_keys() == ["hidden", "a", "b"]
    with pytest.raises(ValueError, match="already registered"):
        reg.add_report_section("a", lambda city, year: None)
    reg.add_report_section("c", lambda city, year: _section("not-c"), order=30)
    with pytest.raises(ValueError, match="answered with section"):
        reg.report_sections(None, 2025)


def test_alerts_of_every_provider_come_largest_first():
    reg = Registry()
    reg.add_alert_provider(lambda city: [Alert("a.small", "Small", 1, "/a/")])
    reg.add_alert_provider(lambda city: [Alert("b.big", "Big", 7, "/b/")])
    reg.add_alert_provider(lambda city: [])
    assert [alert.key for alert in reg.alerts(None)] == ["b.big", "a.small"]


counts = st.lists(st.integers(min_value=0, max_value=60), max_size=12)


@settings(max_examples=300, deadline=None)
@given(counts)
def test_no_count_under_ten_is_ever_shown(values):
    shown = suppress_small(values)
    assert len(shown) == len(values)
    for original, value in zip(values, shown, strict=True):
        assert value is None or (value == original and value >= 10)


@settings(max_examples=300, deadline=None)
@given(counts)
def test_a_lone_withheld_count_cannot_be_worked_out_from_the_total(values):
    shown = suppress_small(values)
    withheld = [v for v in shown if v is None]
    if len(values) >= 2:
        assert len(withheld) != 1
    # Only one count of ten or more is ever withheld, and only to protect another one.
    extra = [o for o, v in zip(values, shown, strict=True) if v is None and o >= 10]
    assert len(extra) <= 1
    if extra:
        assert sum(1 for o in values if o < 10) == 1


def test_the_installed_apps_contribute_their_sections_alerts_and_facts():
    from cityrights.core.registry import registry

    assert registry.report_section_keys() == [
        "maturity",
        "roadmap",
        "transparency",
        "impact",
        "consent",
        "capacity",
        "participation",
    ]
    assert len(registry.alert_providers) >= 4
    assert registry.has_facts("register.entry.impact_approvals")

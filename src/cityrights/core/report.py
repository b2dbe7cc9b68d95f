"""What an app contributes to the annual digital-rights report and the live dashboard.

The Guide's Mechanism 13 asks a city to report every year on human rights and digital
technology. cityrights builds that report from the records the apps already hold, so each
app describes its own part and the ``reporting`` app never reads another app's models: an
app registers a *section provider* (``registry.add_report_section``) that turns a city and a
year into a :class:`ReportSection`, and an *alert provider* (``registry.add_alert_provider``)
that lists what staff should fix now (:class:`Alert`).

A section is plain data, so the same section is

* shown live on the staff dashboard for the current year,
* frozen into a published report as JSON (:meth:`ReportSection.as_dict`) in each of the
  city's languages, and read back from there (:meth:`ReportSection.from_dict`) for the
  HTML page, the PDF and the open-data downloads, whatever the records say later.

Every :class:`Figure` carries its value and unit, a "how this is computed" note in plain
words and the address of the live page it comes from, so a reader can trace it. Charts are
kept as data (:class:`Chart`) and drawn by :mod:`cityrights.core.charts`; each chart has a
companion table with the same figures (:meth:`Chart.table`). A section whose app holds
nothing for the year says so in one sentence (:meth:`ReportSection.nothing`) instead of
showing a row of zeros.

Providers write their texts in the active language (``gettext``); the reporting app calls
them once per city language. Values must be the same in every language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TypeVar

from django.utils import timezone
from django.utils.formats import date_format

from . import charts

__all__ = [
    "SUPPRESSED",
    "Alert",
    "Cell",
    "Chart",
    "Figure",
    "ReportSection",
    "Table",
    "counted",
    "counting_once",
    "end_of",
    "period",
    "report_date",
    "suppress_small",
]

Number = int | float
#: A table cell: a count or measure, a text (a row's name), or ``None`` for "no data".
Cell = int | float | str | None
ChartKind = Literal["bars", "lines"]

#: What a suppressed cell holds in a table (a count too small to show): see :func:`suppress_small`.
SUPPRESSED = "<"

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


def _check_key(value: str, what: str) -> str:
    if not isinstance(value, str) or not _KEY.match(value):
        raise ValueError(f"{what} {value!r} must be a short lower-case slug (a-z, 0-9, - and _).")
    return value


def _check_number(value: Any, where: str) -> Number | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: {value!r} is not a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: {value!r} is not a finite number.")
    return value


def _check_cell(value: Any, where: str) -> Cell:
    if isinstance(value, str):
        return value
    return _check_number(value, where)


@dataclass(frozen=True)
class Figure:
    """One figure of a section: a value with its unit, how it is computed and where from.

    ``value`` is ``None`` when there is nothing to count (no assessment validated that
    year); ``suppressed`` is set instead when a count exists but is too small to publish
    (the value is then ``None`` as well, never stored). ``url`` is the live page the figure
    comes from (a site path or an absolute address); ``staff_only`` says that page is for
    the city's staff: public pages name it instead of linking residents to a log-in form.
    """

    key: str
    label: str
    value: Number | None
    unit: str = ""
    note: str = ""
    url: str = ""
    staff_only: bool = False
    suppressed: bool = False

    def __post_init__(self) -> None:
        _check_key(self.key, "The figure key")
        _check_number(self.value, f"figure {self.key}")
        if self.suppressed and self.value is not None:
            raise ValueError(f"figure {self.key}: a suppressed figure keeps no value.")

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "note": self.note,
            "url": self.url,
            "staff_only": self.staff_only,
            "suppressed": self.suppressed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Figure:
        return cls(
            key=data["key"],
            label=data["label"],
            value=data.get("value"),
            unit=data.get("unit", ""),
            note=data.get("note", ""),
            url=data.get("url", ""),
            staff_only=bool(data.get("staff_only", False)),
            suppressed=bool(data.get("suppressed", False)),
        )


@dataclass(frozen=True)
class Table:
    """Rows of figures under column headings; the first cell of each row names the row.

    A cell holding :data:`SUPPRESSED` is a count withheld because it is small; ``None`` is
    "no data". ``note`` explains the table (what is counted, what is withheld).
    """

    key: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    def __post_init__(self) -> None:
        _check_key(self.key, "The table key")
        if not self.columns:
            raise ValueError(f"table {self.key}: a table needs columns.")
        object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))
        rows = []
        for number, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.key}, row {number}: {len(row)} cells for "
                    f"{len(self.columns)} columns."
                )
            rows.append(tuple(_check_cell(c, f"table {self.key}, row {number}") for c in row))
        object.__setattr__(self, "rows", tuple(rows))

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "caption": self.caption,
            "columns": list(self.columns),
            "rows": [list(row) for row in self.rows],
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Table:
        return cls(
            key=data["key"],
            caption=data["caption"],
            columns=tuple(data["columns"]),
            rows=tuple(tuple(row) for row in data["rows"]),
            note=data.get("note", ""),
        )


@dataclass(frozen=True)
class Chart:
    """A chart kept as data: bars (one value per label) or lines (series over labels).

    ``svg`` draws it with :mod:`cityrights.core.charts`; :meth:`table` is its companion
    table with the same values, rendered after it everywhere (page, PDF).
    """

    key: str
    kind: ChartKind
    title: str
    description: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[Number | None, ...]], ...]
    unit: str = ""
    max_value: float | None = None
    label_heading: str = ""

    def __post_init__(self) -> None:
        _check_key(self.key, "The chart key")
        if self.kind not in ("bars", "lines"):
            raise ValueError(f"chart {self.key}: unknown kind {self.kind!r}.")
        labels = tuple(str(label) for label in self.labels)
        if not labels:
            raise ValueError(f"chart {self.key}: a chart needs at least one label.")
        if not self.series or (self.kind == "bars" and len(self.series) != 1):
            raise ValueError(f"chart {self.key}: bars take one series, lines one to four.")
        if len(self.series) > 4:
            raise ValueError(f"chart {self.key}: at most four series.")
        series = []
        for name, values in self.series:
            if len(values) != len(labels):
                raise ValueError(f"chart {self.key}: series {name!r} has the wrong length.")
            series.append((str(name), tuple(_check_number(v, f"chart {self.key}") for v in values)))
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "series", tuple(series))
        _check_number(self.max_value, f"chart {self.key}")

    def _format(self, value: float) -> str:
        text = f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
        return f"{text} {self.unit}" if self.unit else text

    def svg(self, no_data_label: str = "no data") -> str:
        """The chart as accessible SVG (title, description, values written as text)."""
        if self.kind == "bars":
            _name, values = self.series[0]
            return charts.bar_chart(
                self.labels,
                list(values),
                title=self.title,
                description=self.description,
                max_value=self.max_value,
                value_format=self._format,
                no_data_label=no_data_label,
                chart_id=f"chart-{self.key}",
            )
        return charts.line_chart(
            self.labels,
            [charts.Series(name, list(values)) for name, values in self.series],
            title=self.title,
            description=self.description,
            value_format=self._format,
            max_value=self.max_value,
            no_data_label=no_data_label,
            chart_id=f"chart-{self.key}",
        )

    def table(self) -> Table:
        """The companion table: one row per label, one column per series."""
        columns = (self.label_heading or self.title, *(name for name, _values in self.series))
        rows = tuple(
            (label, *(values[index] for _name, values in self.series))
            for index, label in enumerate(self.labels)
        )
        return Table(key=self.key, caption=self.title, columns=columns, rows=rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "title": self.title,
            "description": self.description,
            "labels": list(self.labels),
            "series": [{"name": name, "values": list(values)} for name, values in self.series],
            "unit": self.unit,
            "max_value": self.max_value,
            "label_heading": self.label_heading,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Chart:
        return cls(
            key=data["key"],
            kind=data["kind"],
            title=data["title"],
            description=data.get("description", ""),
            labels=tuple(data["labels"]),
            series=tuple((s["name"], tuple(s["values"])) for s in data["series"]),
            unit=data.get("unit", ""),
            max_value=data.get("max_value"),
            label_heading=data.get("label_heading", ""),
        )


@dataclass(frozen=True)
class ReportSection:
    """One app's part of the report for a city and a year.

    ``empty`` holds the plain sentence shown when the app holds nothing for the year
    (then there are no figures, tables or charts); build it with :meth:`nothing`.
    ``url`` is the live page of this part of the platform; ``staff_only`` as for figures.
    """

    key: str
    title: str
    introduction: str = ""
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    url: str = ""
    staff_only: bool = False
    empty: str = ""

    def __post_init__(self) -> None:
        _check_key(self.key, "The section key")
        for name in ("figures", "tables", "charts"):
            items = tuple(getattr(self, name))
            object.__setattr__(self, name, items)
            keys = [item.key for item in items]
            if len(keys) != len(set(keys)):
                raise ValueError(f"section {self.key}: two {name} share a key.")
        if self.empty and (self.figures or self.tables or self.charts):
            raise ValueError(f"section {self.key}: an empty section holds no figures.")

    @classmethod
    def nothing(
        cls, key: str, title: str, message: str, *, url: str = "", staff_only: bool = False
    ) -> ReportSection:
        """The section of an app that holds nothing for this year, saying so in ``message``."""
        return cls(key=key, title=title, url=url, staff_only=staff_only, empty=message)

    @property
    def holds_nothing(self) -> bool:
        return bool(self.empty)

    def figure(self, key: str) -> Figure:
        for item in self.figures:
            if item.key == key:
                return item
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "introduction": self.introduction,
            "url": self.url,
            "staff_only": self.staff_only,
            "empty": self.empty,
            "figures": [item.as_dict() for item in self.figures],
            "tables": [item.as_dict() for item in self.tables],
            "charts": [item.as_dict() for item in self.charts],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportSection:
        return cls(
            key=data["key"],
            title=data["title"],
            introduction=data.get("introduction", ""),
            url=data.get("url", ""),
            staff_only=bool(data.get("staff_only", False)),
            empty=data.get("empty", ""),
            figures=tuple(Figure.from_dict(item) for item in data.get("figures", ())),
            tables=tuple(Table.from_dict(item) for item in data.get("tables", ())),
            charts=tuple(Chart.from_dict(item) for item in data.get("charts", ())),
        )


@dataclass(frozen=True)
class Alert:
    """Something staff should fix now, with how many records it concerns and where to fix it.

    ``key`` is stable (``"register.unanswered-questions"``); ``title`` names the problem in
    plain words, ``detail`` says why it matters or what to do; ``url`` is the page where it
    is fixed. Providers return no alert at all when the count is zero.
    """

    key: str
    title: str
    count: int
    url: str
    detail: str = ""
    items: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not re.match(r"^[a-z0-9][a-z0-9_.-]{0,99}$", self.key):
            raise ValueError(f"The alert key {self.key!r} must be a dotted lower-case name.")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError(f"alert {self.key}: the count must be a positive whole number.")


def suppress_small(values: Sequence[int], threshold: int = 10) -> list[int | None]:
    """Withhold counts below ``threshold`` so no small group can be singled out.

    Every value under ``threshold`` becomes ``None`` (zero included: a zero can say as much
    about a person as a one). When exactly one value of the list is withheld and the others
    are shown, anyone who knows the total could work it out by subtraction, so the smallest
    shown value is withheld as well (secondary suppression). Lists of one value are left
    to the primary rule.
    """
    result: list[int | None] = [None if v < threshold else v for v in values]
    withheld = [i for i, v in enumerate(result) if v is None]
    shown = [i for i, v in enumerate(result) if v is not None]
    if len(withheld) == 1 and shown:
        smallest = min(shown, key=lambda i: (values[i], i))
        result[smallest] = None
    return result


def report_date(year: int) -> date:
    """The day a report of ``year`` describes: the 31st of December, or today in that year.

    Counts "at the end of the year" (entries in the register, open conditions) are taken
    on this day, so this year's live dashboard and a past year's report read the same way.
    """
    return min(date(year, 12, 31), timezone.localdate())


def day_words(day: date) -> str:
    """``day`` as the report's reader writes a date ("7 décembre 2026", "7 december 2026"), in
    the active language: the notes under the figures are read, not parsed."""
    return date_format(day, "DATE_FORMAT")


def period(year: int) -> tuple[datetime, datetime]:
    """The start of ``year`` and of the next one, as aware times (``start <= t < end``)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time.min, tzinfo=zone)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone)
    return start, end


def end_of(day: date) -> datetime:
    """The first moment after ``day`` (aware), for "on or before that day" filters."""
    zone = timezone.get_current_timezone()
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


T = TypeVar("T")

_COUNTS: ContextVar[dict[Hashable, Any] | None] = ContextVar("report_counts", default=None)


@contextmanager
def counting_once() -> Iterator[None]:
    """Keep what :func:`counted` counts until the block ends.

    The reporting app asks every provider for its section once per city language, and the
    values are the same in each: inside this block a provider's expensive count (an
    aggregate over a million ledger events) is made for the first language only.
    """
    token = _COUNTS.set({})
    try:
        yield
    finally:
        _COUNTS.reset(token)


def counted(key: Hashable, count: Callable[[], T]) -> T:
    """``count()``, or what it gave for ``key`` earlier in the same :func:`counting_once`
    block. ``key`` must name everything the count depends on (app, organisation, period);
    outside a block nothing is kept."""
    memo = _COUNTS.get()
    if memo is None:
        return count()
    if key not in memo:
        memo[key] = count()
    return memo[key]

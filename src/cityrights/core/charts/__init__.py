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

One module per kind of chart (``radar``, ``heat``, ``risk``, ``bars``, ``lines``), built on
the shared pieces in ``drawing``; import the functions from this package
(``from cityrights.core import charts; charts.radar_chart(...)``).
"""

from __future__ import annotations

from .bars import bar_chart
from .drawing import SERIES_STYLES, Series, SeriesStyle
from .heat import heat_fill, heat_map
from .lines import line_chart
from .radar import radar_chart
from .risk import BAND_COLOURS, BAND_ORDER, DEFAULT_BAND_LABELS, default_risk_band, risk_matrix

__all__ = [
    "BAND_COLOURS",
    "BAND_ORDER",
    "DEFAULT_BAND_LABELS",
    "SERIES_STYLES",
    "Series",
    "SeriesStyle",
    "bar_chart",
    "default_risk_band",
    "heat_fill",
    "heat_map",
    "line_chart",
    "radar_chart",
    "risk_matrix",
]

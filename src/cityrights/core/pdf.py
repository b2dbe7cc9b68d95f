"""Printing: every PDF of the platform is HTML laid out by WeasyPrint through ``render``.

Assessment reports, impact assessment files and street signs (and, next, capacity
certificates, participation exports and the annual report) share one way to print, so a
fix to fonts, paper or errors reaches them all:

* **Fonts.** The shared print stylesheet (``cityrights/print.css``) sets DejaVu Sans, which
  the server installs with its Debian packages (``fonts-dejavu-core``, see ``.ci/run``) and
  which covers French and Dutch. Any ``@font-face`` an app adds is loaded through the same
  font configuration.
* **Paper.** ``Page`` writes the ``@page`` rule: size (A4 unless told), margins and the
  "page / pages" number at the bottom right. It comes after the shared stylesheet and before
  the app's own stylesheets, which add their layout.
* **Files.** Relative addresses resolve against ``CITYRIGHTS_BASE_URL``. Static files
  (``{% static %}`` addresses, ``url()`` in a stylesheet) are read from disk, never fetched
  over HTTP from the server that is busy rendering (with one worker it would wait on
  itself). Anything else outside the document (another site, another file) is refused, so
  a text printed in a PDF can never make the server fetch something.
* **Errors.** Whatever WeasyPrint raises comes back as ``PdfError`` naming what failed.

Stylesheets are named like static files (``"impact/report.css"``) and found by Django's
static file finders.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders

# WeasyPrint logs every layout step at INFO: one line per step and page would drown the logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

SHARED_STYLESHEET = "cityrights/print.css"

PAPER_SIZES = frozenset({"a3", "a4", "a5", "a6", "b5", "letter", "legal"})
_ORIENTATIONS = frozenset({"portrait", "landscape"})
_MARGIN = re.compile(r"^(?:\d+(?:\.\d+)?(?:mm|cm|in|pt|px) ?){1,4}$")


class PdfError(Exception):
    """A PDF could not be made: a stylesheet is missing, or WeasyPrint failed to lay it out."""


@dataclass(frozen=True)
class Page:
    """The paper a document is printed on.

    ``size`` is a CSS page size (``"A4"``, ``"A5"``, ``"A4 landscape"``); ``margin`` one to
    four CSS lengths like the ``margin`` property; ``numbers`` prints "page / pages" at the
    bottom right of every page.
    """

    size: str = "A4"
    margin: str = "18mm 16mm 20mm"
    numbers: bool = True

    def __post_init__(self) -> None:
        words = self.size.lower().split()
        if not (
            words
            and words[0] in PAPER_SIZES
            and len(words) <= 2
            and all(word in _ORIENTATIONS for word in words[1:])
        ):
            raise ValueError(f"Unknown paper size {self.size!r}.")
        if not _MARGIN.match(self.margin):
            raise ValueError(f"Margins must be one to four CSS lengths, not {self.margin!r}.")

    def css(self) -> str:
        numbers = (
            '@bottom-right { content: counter(page) " / " counter(pages);'
            " font-size: 8pt; color: #4a4a55; }"
            if self.numbers
            else ""
        )
        return f"@page {{ size: {self.size}; margin: {self.margin}; {numbers} }}"


def stylesheet_path(name: str) -> Path:
    """The file of the static stylesheet ``name`` (``"impact/report.css"``)."""
    found = finders.find(name)
    if not found:
        raise PdfError(f"The print stylesheet {name} is not among the static files.")
    return Path(found if isinstance(found, str) else found[0])


def _static_roots() -> list[Path]:
    """Folders whose files a document may use: the static folders of apps and settings."""
    roots = [Path(config.path) / "static" for config in apps.get_app_configs()]
    roots += [
        Path(item[1] if isinstance(item, tuple) else item) for item in settings.STATICFILES_DIRS
    ]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots if root.is_dir()]


def static_file(url: str, base_url: str) -> Path | None:
    """The file on disk that ``url`` stands for, if it is one of the static files.

    ``url`` is absolute (WeasyPrint resolves addresses before fetching): either a
    ``/static/…`` address on the document's own site, or a ``file:`` address inside a
    static folder (what a stylesheet read from disk refers to).
    """
    parts = urlsplit(url)
    if parts.scheme == "file":
        candidate = Path(url2pathname(unquote(parts.path))).resolve()
        if any(candidate.is_relative_to(root) for root in _static_roots()):
            return candidate if candidate.is_file() else None
        return None
    base = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or parts.netloc != base.netloc:
        return None
    prefix = urlsplit(settings.STATIC_URL).path
    if not parts.path.startswith(prefix):
        return None
    name = unquote(parts.path[len(prefix) :])
    found = finders.find(name)
    if found:
        return Path(found if isinstance(found, str) else found[0])
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


# WeasyPrint is imported where it is used: loading it (Pango, fonts) takes a noticeable time
# that commands and pages without PDFs need not pay.


def _fetcher(base_url: str) -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFetcher(URLFetcher):
        """Static files from disk, ``data:`` addresses as they are, nothing else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=["data"], allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file(url, base_url)
            if path is not None:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), headers={"Content-Type": kind}
                )
            if not url.startswith("data:"):
                raise ValueError(f"{url} is neither a static file nor a data: address.")
            return super().fetch(url, headers)

    return StaticFetcher()


def document(
    html: str,
    *,
    stylesheets: Iterable[str] = (),
    page: Page | None = None,
    base_url: str | None = None,
) -> Any:
    """``html`` laid out on pages (a WeasyPrint ``Document``: ``.pages``, ``.write_pdf()``).

    ``stylesheets`` are static names, applied in order after the shared print stylesheet
    and the page rule. ``base_url`` defaults to ``CITYRIGHTS_BASE_URL``.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    base = (base_url or settings.CITYRIGHTS_BASE_URL).rstrip("/") + "/"
    page = page or Page()
    paths = [stylesheet_path(name) for name in (SHARED_STYLESHEET, *stylesheets)]
    fetcher = _fetcher(base)
    fonts = FontConfiguration()
    try:
        sheets = [CSS(filename=str(paths[0]), url_fetcher=fetcher, font_config=fonts)]
        sheets.append(CSS(string=page.css(), font_config=fonts))
        sheets += [
            CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts) for path in paths[1:]
        ]
        source = HTML(string=html, base_url=base, url_fetcher=fetcher)
        return source.render(stylesheets=sheets, font_config=fonts)
    except Exception as error:
        raise PdfError(f"The PDF could not be laid out: {type(error).__name__}: {error}") from error


def render(
    html: str,
    *,
    stylesheets: Iterable[str] = (),
    page: Page | None = None,
    base_url: str | None = None,
) -> bytes:
    """``html`` as PDF bytes; the arguments are those of ``document``."""
    laid_out = document(html, stylesheets=stylesheets, page=page, base_url=base_url)
    try:
        return bytes(laid_out.write_pdf())
    except Exception as error:
        raise PdfError(f"The PDF could not be written: {type(error).__name__}: {error}") from error

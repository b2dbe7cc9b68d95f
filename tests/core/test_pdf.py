"""The one way to print (core.pdf): real WeasyPrint, read back with pypdf."""

from __future__ import annotations

import http.server
import threading

import pytest
import segno
from django.test import override_settings

from cityrights.core import pdf

from ..printing import pdf_pages, pdf_reader

MM = 72 / 25.4  # PDF points per millimetre


def test_a_short_document_is_one_a4_page_numbered_in_the_project_font():
    reader = pdf_reader(pdf.render("<h1>Évaluation d'impact</h1><p>Één pagina, ça suffit.</p>"))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) / MM) == 210 and round(float(box.height) / MM) == 297
    text = reader.pages[0].extract_text()
    # French and Dutch letters survive: the font covers them and text stays searchable.
    assert "Évaluation d'impact" in text and "Één pagina, ça suffit." in text
    assert "1 / 1" in text
    fonts = {
        str(font["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    # Text, headings and the page number: all in DejaVu Sans, none in a fallback serif.
    assert fonts and all("DejaVu-Sans" in name for name in fonts), fonts


def test_a_long_document_flows_over_numbered_pages():
    html = "".join(f"<p>Paragraph {n}</p>" for n in range(1, 121))
    pages = pdf_pages(pdf.render(html))
    assert len(pages) >= 3
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {total}" in text
    assert "Paragraph 1\n" in pages[0] and "Paragraph 120" in pages[-1]


def test_the_page_sets_size_margins_and_numbers():
    page = pdf.Page(size="A5 landscape", margin="5mm", numbers=False)
    reader = pdf_reader(pdf.render("<p>Landscape</p>", page=page))
    box = reader.pages[0].mediabox
    assert round(float(box.width) / MM) == 210 and round(float(box.height) / MM) == 148
    assert "1 / 1" not in reader.pages[0].extract_text()
    # Wider margins leave less room: the same text needs more pages.
    html = "".join(f"<p>Line {n}</p>" for n in range(60))
    narrow = pdf.document(html, page=pdf.Page(margin="5mm"))
    wide = pdf.document(html, page=pdf.Page(margin="80mm 16mm"))
    assert len(wide.pages) > len(narrow.pages)


@pytest.mark.parametrize(
    ("size", "margin"),
    [
        ("A4; } body { display: none", "10mm"),
        ("A9", "10mm"),
        ("A4", "10mm; color: red"),
        ("A4", ""),
    ],
)
def test_a_page_refuses_what_is_not_a_paper_size_or_margins(size, margin):
    with pytest.raises(ValueError, match=r"paper size|CSS lengths"):
        pdf.Page(size=size, margin=margin)


def test_an_app_stylesheet_comes_after_the_shared_one():
    plain = pdf.document("<p>x</p>" * 40)
    styled = pdf.document("<p>x</p>" * 40, stylesheets=["assessment/report.css"])
    # report.css sets a smaller body text than the default: the same text takes less height.
    assert len(styled.pages) <= len(plain.pages)
    assert pdf.stylesheet_path("impact/report.css").is_file()


def test_a_missing_stylesheet_is_a_clear_error():
    with pytest.raises(pdf.PdfError, match=r"no/such\.css is not among the static files"):
        pdf.render("<p>x</p>", stylesheets=["no/such.css"])


@pytest.fixture
def web_server(tmp_path):
    """A real HTTP server on this machine serving ``tmp_path``, counting its requests."""
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, format, *args):
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_static_images_are_read_from_disk_and_other_addresses_refused(tmp_path, web_server):
    segno.make("https://example.org/r/ABC").save(tmp_path / "code.png", scale=4)
    address, requests = web_server
    with override_settings(STATICFILES_DIRS=[tmp_path]):
        assert pdf.static_file("http://testserver/static/code.png", "http://testserver/")
        # Another site, even at the same path, is not a static file of ours.
        assert (
            pdf.static_file("http://elsewhere.example/static/code.png", "http://testserver/")
            is None
        )
        assert pdf.static_file((tmp_path / "code.png").as_uri(), "http://testserver/")
        assert pdf.static_file("file:///etc/hostname", "http://testserver/") is None
        local = pdf_reader(pdf.render('<img src="/static/code.png" alt="QR">'))
        remote = pdf_reader(pdf.render(f'<img src="{address}/code.png" alt="QR">'))
    assert len(local.pages[0].images) == 1
    # The image is there to be fetched, but a PDF never asks the network for it.
    assert len(remote.pages[0].images) == 0
    assert requests == []


def test_base_url_defaults_to_the_public_address(settings):
    settings.CITYRIGHTS_BASE_URL = "https://rights.example.org"
    document = pdf.document('<a href="/r/ABC">entry</a>')
    links = [link for page in document.pages for link in page.links]
    assert links and links[0][1] == "https://rights.example.org/r/ABC"

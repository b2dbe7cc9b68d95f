"""QR codes (SVG and PNG) and printable signs (A4, A5, batch per department)."""

from __future__ import annotations

import pytest
from django.test import Client

from cityrights.register import signs

from .conftest import make_entry

pytestmark = pytest.mark.django_db

BASE = "/cities/city-a/register/"


def test_qr_codes_encode_the_short_url(published):
    client = Client()
    svg = client.get(f"{BASE}{published.code}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    png = client.get(f"{BASE}{published.code}/qr.png")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert client.get(f"{BASE}{published.code}/qr.gif").status_code == 404
    location = published.locations.get()
    assert client.get(f"{BASE}places/{location.code}/qr.svg").status_code == 200
    # segno decodes nothing, so check the content it was made from.
    assert signs.absolute(published.short_url()) == f"http://testserver/r/{published.code}"


@pytest.mark.parametrize("size", ["a4", "a5", "nonsense"])
def test_sign_pdf_for_entry_and_location(published, size):
    client = Client()
    response = client.get(f"{BASE}{published.code}/sign.pdf?size={size}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    location = published.locations.get()
    response = client.get(f"{BASE}places/{location.code}/sign.pdf?size={size}")
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(("size", "width_mm"), [("a4", 210), ("a5", 148)])
def test_one_page_per_sign_in_the_paper_size(city_a, size, width_mm):
    entry = make_entry(city_a, name="Three places", locations=3)
    document = signs.render_document(signs.signs_for([entry]), size)
    assert len(document.pages) == 3
    px_per_mm = 96 / 25.4
    assert round(document.pages[0].width / px_per_mm) == width_mm


def test_sign_content_says_what_why_who(city_a):
    entry = make_entry(city_a, name="Plate camera", categories=["pd:VehicleLicense", "pd:Health"])
    sign = signs.build_sign(entry, entry.locations.get())
    assert sign.collected == ["Vehicle licence plate", "Health"] or len(sign.collected) == 2
    assert sign.sensitive
    assert "kind-sensor" in sign.icons and "data-personal" in sign.icons
    assert sign.url.endswith(entry.locations.get().short_url())
    from django.template.loader import render_to_string

    html = render_to_string("register/signs/signs.html", {"signs": [sign], "page_size": "A4"})
    assert "Who is accountable" in html
    assert "Mobility" in html
    assert "<svg" in html


def test_batch_pdf_of_a_department_is_staff_only(city_a):
    make_entry(city_a, name="One", locations=2)
    make_entry(city_a, name="Two", locations=0, kind="service")
    make_entry(city_a, state="draft", name="Hidden")
    url = f"/manage/city-a/register/signs/?department={city_a.department.pk}&size=a5"
    assert Client().get(url).status_code == 302
    response = city_a.client_for("viewer").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from cityrights.register import selectors

    entries = selectors.department_signs(city_a.city, "mobility")
    assert [e.name for e in entries] == ["One", "Two"]
    assert len(signs.signs_for(entries)) == 3  # two places + one entry without places


def test_batch_for_empty_department_explains(city_a):
    from cityrights.core.models import Department

    empty = Department.objects.create(organisation=city_a.city, slug="empty", name="Empty")
    response = city_a.client_for("viewer").get(
        f"/manage/city-a/register/signs/?department={empty.pk}&size=a4"
    )
    assert "no published entries" in response.content.decode()

"""QR codes (SVG and PNG) and printable signs (A4, A5, batch per department)."""

from __future__ import annotations

import pytest
from django.test import Client

from cityrights.register import signs

from ..printing import pdf_pages
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


@pytest.mark.parametrize("size", ["a4", "a5", "A5"])
def test_sign_pdf_for_entry_and_location(published, size):
    client = Client()
    response = client.get(f"{BASE}{published.code}/sign.pdf?size={size}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    (page,) = pdf_pages(response.content)
    assert published.name in page and "Transparency register" in page
    assert "1 / 1" not in page  # a sign is a sheet for the street, not a numbered report
    location = published.locations.get()
    response = client.get(f"{BASE}places/{location.code}/sign.pdf?size={size}")
    (page,) = pdf_pages(response.content)
    assert published.name in page and signs.shorten(location.description, 40)[:20] in page


@pytest.mark.parametrize("size", ["zz", "a3", ""])
def test_a_sign_size_we_do_not_print_is_refused_not_printed_on_a4(published, size):
    client = Client()
    location = published.locations.get()
    for path in (f"{published.code}/sign.pdf", f"places/{location.code}/sign.pdf"):
        response = client.get(f"{BASE}{path}?size={size}")
        assert response.status_code == 400
        assert not response.content.startswith(b"%PDF")
        assert "A4, A5" in response.content.decode()


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

    empty = Department.objects.create(organisation=city_a.city, slug="empty", name_en="Empty")
    response = city_a.client_for("viewer").get(
        f"/manage/city-a/register/signs/?department={empty.pk}&size=a4"
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors


def test_print_form_offers_departments_with_signs_and_says_how_many(city_a):
    """An editor sees which departments have something to print and how many sheets it takes."""
    from cityrights.core.models import Department

    Department.objects.create(organisation=city_a.city, slug="empty", name_en="Empty")
    make_entry(city_a, name="One", locations=2)
    make_entry(city_a, name="Two", locations=0, kind="service")
    make_entry(city_a, state="draft", name="Hidden", locations=4)
    response = city_a.client_for("viewer").get("/manage/city-a/register/signs/")
    html = response.content.decode()
    assert f"{city_a.department.name} (3 signs)" in html
    assert ">Empty" not in html


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_a_sign_with_the_longest_texts_still_fits_one_page(city_a, size):
    """A sign is one sheet on a pole: long texts are shortened; the entry page has the rest."""
    entry = make_entry(
        city_a,
        name="Camera " * 28,
        summary="Counts the cars that pass and keeps the counts for planning. " * 24,
        retention="Kept for a long time, then deleted after review. " * 5,
        categories=[
            "pd:VehicleLicense",
            "pd:Health",
            "pd:Location",
            "pd:Picture",
            "pd:Income",
            "pd:Name",
            "pd:EmailAddress",
            "pd:Age",
        ],
        purposes=["dpv:CombatClimateChange", "dpv:LegalCompliance", "dpv:ServiceProvision"],
        locations=1,
    )
    location = entry.locations.get()
    location.description = "At the corner of a very long street name near the bridge " * 4
    location.save()
    document = signs.render_document([signs.build_sign(entry, location)], size)
    assert len(document.pages) == 1
    assert len(signs.build_sign(entry).summary) <= signs.SUMMARY_CHARS + 1


@pytest.mark.parametrize(
    ("level", "icon"),
    [
        ("none", None),
        ("assisted", "decision-assisted"),
        ("partly_automated", "decision-partly"),
        ("fully_automated", "decision-automated"),
    ],
)
def test_decision_icon_follows_the_degree_of_automation(city_a, level, icon):
    """A partly automated system where a person checks must not be signed as fully automated."""
    entry = make_entry(city_a, kind="service", automation_level=level, locations=0)
    keys = signs.icon_keys(entry)
    decision = [key for key in keys if key.startswith("decision-")]
    assert decision == ([icon] if icon else [])


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_a_full_sign_just_below_the_dense_threshold_fits_one_page(city_a, size):
    """The largest sign printed at full size (big type, big QR code) still fits its sheet."""
    entry = make_entry(
        city_a,
        name="Number-plate cameras at the entrances of the zone",
        summary=signs.shorten("Cameras read the plates of vehicles entering the zone. " * 8),
        retention="Allowed vehicles: deleted at once. Possible offences: one year, then erased.",
        categories=["pd:VehicleLicense", "pd:Picture", "pd:Location", "pd:Health"],
        purposes=["dpv:CombatClimateChange", "dpv:LegalCompliance"],
    )
    location = entry.locations.get()
    location.description = "Zone entrance at the North Gate, on the lamp post by the crossing"
    location.save()
    sign = signs.build_sign(entry, location)
    assert not sign.dense
    assert len(signs.render_document([sign], size).pages) == 1

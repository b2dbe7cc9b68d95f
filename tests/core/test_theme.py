"""A city's theme: colours checked for contrast, logo validated and served safely."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from cityrights.core.colours import contrast_ratio, readable_text_colour
from cityrights.core.models import AuditEvent

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)


def _settings_form(**extra):
    data = {
        "name": "City A",
        "default_language": "en",
        "is_public": "on",
        "primary_colour": "#1d4f91",
        "accent_colour": "#8a1c4a",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_logo_upload_is_served_with_a_locked_down_policy(city_a, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        client = city_a.client_for("admin")
        logo = SimpleUploadedFile("logo.svg", SVG, content_type="image/svg+xml")
        response = client.post("/manage/city-a/settings/", _settings_form(logo=logo))
        assert response.status_code == 302
        served = Client().get("/cities/city-a/logo")
        assert served.status_code == 200
        assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert served["Content-Disposition"] == 'attachment; filename="city-a-logo.svg"'
        assert served["Content-Type"] == "image/svg+xml"
        assert b"<svg" in b"".join(served.streaming_content)


@pytest.mark.django_db
def test_a_raster_logo_is_shown_inline(city_a, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        client = city_a.client_for("admin")
        logo = SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
        assert client.post("/manage/city-a/settings/", _settings_form(logo=logo)).status_code == 302
        served = Client().get("/cities/city-a/logo")
        assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "Content-Disposition" not in served or "inline" in served["Content-Disposition"]


@pytest.mark.django_db
def test_logo_of_the_wrong_type_or_size_is_refused(city_a, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        client = city_a.client_for("admin")
        exe = SimpleUploadedFile("logo.exe", b"MZ...", content_type="application/octet-stream")
        response = client.post("/manage/city-a/settings/", _settings_form(logo=exe))
        assert response.status_code == 200
        assert 'id="id_logo_errors"' in response.content.decode()
        big = SimpleUploadedFile("logo.png", b"x" * 1_100_000, content_type="image/png")
        response = client.post("/manage/city-a/settings/", _settings_form(logo=big))
        assert "larger than 1 MB" in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="core.organisation").exists()


@pytest.mark.django_db
def test_city_without_logo_answers_404(city_a):
    assert Client().get("/cities/city-a/logo").status_code == 404


def test_readable_text_colour_always_reaches_aa():
    for colour in ("#000000", "#ffffff", "#777777", "#1d4f91", "#ffff00", "#8a1c4a"):
        assert contrast_ratio(colour, readable_text_colour(colour)) >= 4.5


@pytest.mark.django_db
def test_operator_admin_changes_are_audited(city_a, admin_client):
    response = admin_client.post(
        f"/admin/core/organisation/{city_a.city.pk}/change/",
        {
            "name": "City A renamed",
            "slug": "city-a",
            "kind": "city",
            "default_language": "en",
            "is_public": "on",
            "primary_colour": "#1d4f91",
            "accent_colour": "#8a1c4a",
            "departments-TOTAL_FORMS": "0",
            "departments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.get(object_type="core.organisation")
    assert event.changes["name"] == {"from": "City A", "to": "City A renamed"}

"""A text longer than a field takes is refused with a message, never cut by the browser."""

from __future__ import annotations

import re

from cityrights.core.models import Organisation

SETTINGS = "/manage/city-a/settings/"


def test_text_boxes_carry_no_maxlength(city_a):
    admin = city_a.client_for("admin")
    for page in (SETTINGS, "/manage/city-a/members/", "/manage/city-a/departments/"):
        html = admin.get(page).content.decode()
        assert re.search(r"<input[^>]+maxlength", html) is None, page
        assert "<input" in html and 'type="text"' in html, page


def test_a_name_too_long_is_refused_beside_its_box_and_kept_to_shorten(city_a):
    admin = city_a.client_for("admin")
    long_name = "Braine-l'Alleud " * 16  # 256 characters, 255 once stripped
    response = admin.post(
        SETTINGS,
        {
            "name": long_name,
            "default_language": "en",
            "is_public": "on",
            "primary_colour": "#1d4f91",
            "accent_colour": "#8a1c4a",
        },
    )
    assert response.status_code == 200
    (message,) = response.context["form"].errors["name"]
    assert "at most 200 characters" in message and "it has 255" in message
    html = response.content.decode()
    assert "Braine-l&#x27;Alleud Braine-l&#x27;Alleud" in html  # the text is still there
    assert Organisation.objects.get(slug="city-a").name == "City A"


def test_the_limit_is_still_kept_by_the_field(city_a):
    """Only the attribute goes: the form field keeps its max_length validator."""
    from cityrights.core.forms import ThemeForm

    form = ThemeForm(instance=city_a.city)
    assert form.fields["name"].max_length == 200
    assert form.fields["name"].widget.attrs["maxlength"] == "200"

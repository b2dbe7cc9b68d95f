"""The staff dashboard writes every date one way, the reader's language's short format, in
its own lines and in every app's panel (demo city, where each panel has dates to show)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import formats, translation
from django.utils.dates import MONTHS

from cityrights.core import demo
from cityrights.core.models import User

pytestmark = pytest.mark.django_db

NUMERIC = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")


def short_date_pattern(lang: str) -> re.Pattern[str]:
    """The shape of the language's SHORT_DATE_FORMAT (31/12/2026 in English)."""
    with translation.override(lang):
        sample = formats.date_format(date(2026, 12, 31), "SHORT_DATE_FORMAT")
    return re.compile("^" + re.sub(r"\d+", lambda m: rf"\d{{1,{len(m[0])}}}", sample) + "$")


def main_text(html: str) -> str:
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"<[^>]+>", " ", main)  # attributes (datetime="…") are for machines


def test_every_date_on_the_dashboard_has_the_locale_short_format():
    context = demo.load()
    client = Client()
    client.force_login(User.objects.get(email="admin@demo-city.example"))
    for lang in ("en", "fr", "nl"):
        html = client.get(f"/manage/{context.city.slug}/", HTTP_ACCEPT_LANGUAGE=lang).content
        text = main_text(html.decode())
        dates = NUMERIC.findall(text)
        assert len(dates) >= 5, lang  # recent changes and the panels' dates are all there
        expected = short_date_pattern(lang)
        assert [d for d in dates if not expected.match(d)] == [], lang
        with translation.override(lang):
            months = "|".join(str(name) for name in MONTHS.values())
        assert re.findall(rf"\b\d{{1,2}}\.? (?:{months})\b", text, re.IGNORECASE) == [], lang

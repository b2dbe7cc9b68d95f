"""Every interface string is translated to French and Dutch, and compiled."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2] / "src" / "cityrights"
CATALOGUES = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po"))


def test_every_app_with_templates_has_fr_and_nl_catalogues():
    apps = {path.parents[3].name for path in CATALOGUES}
    assert "core" in apps
    for app in apps:
        for language in ("fr", "nl"):
            assert (ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po").exists()


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po_path):
    catalogue = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{po_path}: untranslated {untranslated[:5]}"
    assert not fuzzy, f"{po_path}: fuzzy {fuzzy[:5]}"
    for entry in catalogue.translated_entries():
        for placeholder in ("%(", "{{", "%s"):
            assert entry.msgid.count(placeholder) == entry.msgstr.count(placeholder) or (
                entry.msgid_plural
            ), f"{po_path}: placeholders differ in {entry.msgid!r}"
    compiled = po_path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run `make messages`"
    # Keyed by context too: "created" as an audit action is not the "created" of a date.
    mo = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(compiled))}
    for entry in catalogue.translated_entries():
        if not entry.msgid_plural:
            found = mo.get((entry.msgctxt, entry.msgid))
            assert found == entry.msgstr, f"{compiled} is stale: run `make messages`"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Se connecter"), ("nl", "Inloggen"), ("en", "Log in")],
)
def test_pages_follow_the_chosen_language(language, expected):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html


@pytest.mark.django_db
def test_language_switcher_sets_the_language():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert response.status_code == 302
    assert "Inloggen" in client.get("/").content.decode()

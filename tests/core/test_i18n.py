"""Every interface string is in the catalogues, translated to French and Dutch, and compiled."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parents[2] / "src" / "cityrights"
CATALOGUES = sorted(ROOT.glob("*/locale/*/LC_MESSAGES/django.po"))
APPS = sorted({path.parents[3] for path in CATALOGUES})
# What ``makemessages`` reads (its default extensions), and the folders the make-messages
# script leaves out or that hold no interface text.
SOURCES = {".py", ".html", ".txt"}
SKIPPED = {"locale", "migrations", "__pycache__"}

Key = tuple[str | None, str, str]


def entries(catalogue: polib.POFile) -> set[Key]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in catalogue if not e.obsolete}


def extracted(app: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> set[Key]:
    """What ``make messages`` would put in ``app``'s catalogues, extracted in ``workdir``.

    ``makemessages`` writes into the catalogues of the folder it runs in, so it runs in a
    copy of the app's sources with an empty ``locale`` folder; the committed catalogues
    are never touched.
    """

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {
            name
            for name in names
            if name in SKIPPED
            or (Path(folder, name).is_file() and Path(name).suffix not in SOURCES)
        }

    copy = workdir / app.name
    shutil.copytree(app, copy, ignore=ignore)
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], no_location=True, no_obsolete=True, verbosity=0)
    return entries(polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")))


def catalogue_gaps(wanted: set[Key], po_path: Path) -> tuple[list[Key], list[Key]]:
    """The texts of ``wanted`` that ``po_path`` lacks, and those it holds that nothing uses."""
    held = entries(polib.pofile(str(po_path)))
    return sorted(wanted - held, key=str), sorted(held - wanted, key=str)


def needs_xgettext() -> None:
    if shutil.which("xgettext") is None:
        pytest.skip("makemessages needs xgettext (GNU gettext) to extract the texts")


@pytest.mark.parametrize("app", APPS, ids=lambda app: app.name)
def test_every_interface_text_is_in_the_apps_catalogues(app, tmp_path, monkeypatch):
    """A text in code or a template that ``make messages`` would add is already there."""
    needs_xgettext()
    wanted = extracted(app, tmp_path, monkeypatch)
    assert wanted, f"no interface text found in {app.name}"
    for language in ("fr", "nl"):
        po_path = app / "locale" / language / "LC_MESSAGES" / "django.po"
        missing, unused = catalogue_gaps(wanted, po_path)
        assert not missing, f"{po_path} lacks {missing[:5]}: run `make messages` and translate"
        assert not unused, f"{po_path} holds texts nothing uses {unused[:5]}: run `make messages`"


def test_a_text_missing_from_a_catalogue_is_found(tmp_path, monkeypatch):
    needs_xgettext()
    app = ROOT / "reporting"
    planted = tmp_path / "planted" / "reporting"
    shutil.copytree(app, planted, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (planted / "planted.py").write_text(
        "from django.utils.translation import gettext as _\n\n"
        'def label() -> str:\n    return _("A text no catalogue has yet")\n',
        encoding="utf-8",
    )
    template = planted / "templates" / "reporting" / "planted.html"
    template.write_text(
        '{% load i18n %}<p>{% translate "A template text no catalogue has" %}</p>\n',
        encoding="utf-8",
    )
    catalogue = polib.pofile(str(app / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    dropped = next(
        entry for entry in catalogue if not (entry.msgctxt or entry.msgid_plural or entry.obsolete)
    )
    catalogue.remove(dropped)
    po_path = tmp_path / "django.po"
    catalogue.save(str(po_path))

    missing, unused = catalogue_gaps(extracted(planted, tmp_path, monkeypatch), po_path)

    assert missing == sorted(
        [
            (None, "A template text no catalogue has", ""),
            (None, "A text no catalogue has yet", ""),
            (None, dropped.msgid, ""),
        ],
        key=str,
    )
    assert unused == []


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


@pytest.mark.django_db
def test_a_logged_in_person_who_switches_keeps_the_language_for_their_e_mails(resident):
    """The account page promises that e-mails follow the pages' language: a resident who
    switched to Dutch got their training confirmations in English."""
    client = Client(enforce_csrf_checks=True)  # the switcher carries no token
    client.force_login(resident)
    assert resident.language != "nl"
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.language == "nl"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    resident.refresh_from_db()
    assert resident.language == "nl"
    # A visitor's choice touches no account.
    Client().post("/i18n/setlang/", {"language": "fr", "next": "/"})
    resident.refresh_from_db()
    assert resident.language == "nl"


#: Words that are a verb on one page and a noun on another. Django merges every app's
#: catalogue into one, where the first app's translation of a text wins: each meaning has its
#: own context, so a column of differences never reads "Modifier" and a sign-up button never
#: reads "Registre".
MEANINGS = [
    ("fr", None, "Change", "Modifier"),  # the language switcher's button
    ("fr", "difference", "Change", "Évolution"),  # a column of score or share differences
    ("nl", "change made to the draft", "Change", "Wijziging"),
    ("fr", None, "Answer", "Réponse"),  # a column of answers
    ("nl", "verb", "Answer", "Antwoorden"),  # a column of links to answer a section
    ("fr", None, "Register", "Registre"),  # the transparency register
    ("fr", "sign up", "Register", "S'inscrire"),  # a training session
    ("nl", "add a webhook", "Register", "Registreren"),
    ("fr", "verb", "Record", "Enregistrer"),  # a measurement
    ("fr", "linked record", "Record", "Fiche"),  # what a principle's action links to
]


@pytest.mark.parametrize(("language", "context", "text", "expected"), MEANINGS)
def test_each_meaning_of_an_ambiguous_word_has_its_own_translation(
    language, context, text, expected
):
    from django.utils.translation import gettext, override, pgettext

    with override(language):
        found = gettext(text) if context is None else pgettext(context, text)
    assert found == expected


def test_a_single_risk_is_counted_in_the_singular():
    from django.utils.translation import ngettext, override

    one, many = (
        "%(n)d risk placed by likelihood (left to right) and severity (bottom to top).",
        "%(n)d risks placed by likelihood (left to right) and severity (bottom to top).",
    )
    with override("fr"):
        assert ngettext(one, many, 1) % {"n": 1} == (
            "1 risque placé selon la probabilité (de gauche à droite) et la gravité (de bas en "
            "haut)."
        )
        assert ngettext(one, many, 3).startswith("%(n)d risques placés")

"""French puts a non-breaking space before a colon ("Code : F1"), English and Dutch none.

Sentences are the translators' (their catalogues write " :"); a colon that a template
writes between two of its own pieces (a label and a value) is ``{% translate ":" %}``,
which Django's catalogues give as ":" or "\\u00a0:" (found by the French walkthrough:
"Votre commentaire: …")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import engines
from django.template.base import DebugLexer, TokenType
from django.utils import translation

import cityrights

TEMPLATES = sorted(Path(cityrights.__file__).parent.glob("*/templates/**/*.html"))


def _bare_colons(source: str) -> list[str]:
    """Colons a template writes itself after a tag, a value or a closing element."""
    found, depth = [], 0
    for token in DebugLexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            word = (token.contents.split() or [""])[0]
            depth += word in ("blocktranslate", "blocktrans")
            depth -= word in ("endblocktranslate", "endblocktrans")
        elif token.token_type == TokenType.TEXT and depth == 0:
            text = token.contents
            if re.match(r":\s", text) or re.search(r"</(?:a|strong|time|code)>:\s", text):
                found.append(text[:40])
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: "/".join(p.parts[-3:]))
def test_templates_write_their_colons_through_the_catalogue(path):
    assert _bare_colons(path.read_text()) == []


def test_the_guard_finds_a_bare_colon():
    assert _bare_colons("{{ label }}: {{ value }}") == [": {{ value }}"[:2]]
    assert _bare_colons('<a href="#x">{{ label }}</a>: {{ text }}') == ["</a>: "]
    assert _bare_colons("{% blocktranslate %}{{ city }}: report{% endblocktranslate %}") == []


def test_the_colon_is_spaced_in_french_only():
    template = engines["django"].from_string(
        '{% load i18n %}{{ label }}{% translate ":" %} {{ value }}'
    )
    context = {"label": "Code", "value": "F1"}
    with translation.override("fr"):
        assert template.render(context) == "Code\u00a0: F1"
    for language in ("en", "nl"):
        with translation.override(language):
            assert template.render(context) == "Code: F1"


def test_a_french_form_error_summary_spaces_its_colons(city_a):
    city_a.users["admin"].language = "fr"
    city_a.users["admin"].save()
    admin = city_a.client_for("admin")
    response = admin.post(
        "/manage/city-a/members/",
        {"email": "not an address", "role": "viewer"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"</a>\u00a0: ", html), html[html.find("errorsummary") :][:400]


def test_labels_built_in_code_space_their_colon_in_french():
    from cityrights.core.translation import labelled

    with translation.override("fr"):
        assert (
            labelled("Principes adoptés sans action", 2) == "Principes adoptés sans action\u00a0: 2"
        )
    with translation.override("nl"):
        assert labelled("Principes", 2) == "Principes: 2"

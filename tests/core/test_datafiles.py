"""Content-file fingerprints and translation checks (``cityrights.core.datafiles``).

The content hash is what a version means: its structure and its English text. Any change
of translations leaves it alone and changes the snapshot hash; any change of English or
structure changes it. Hypothesis holds the hashes to that on arbitrary content trees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from cityrights.core.datafiles import (
    content_files,
    content_hash,
    english_only,
    is_text,
    missing_translations,
    snapshot_change,
    snapshot_hash,
    texts_of,
    translation_problems,
)

words = st.text(alphabet="abcdefgh éï'", min_size=1, max_size=12)
keys = st.sampled_from(["key", "title", "levels", "items", "unit", "weight", "1", "2"])
texts = st.fixed_dictionaries({"en": words}, optional={"fr": words, "nl": words, "fr-BE": words})
leaves = st.one_of(st.integers(0, 9), st.booleans(), words, texts)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=25,
)
documents = st.dictionaries(keys, trees, min_size=1, max_size=4)


def rewrite(data: Any, change: Any) -> Any:
    """``data`` with ``change(text)`` applied to every text."""
    if is_text(data):
        return change(data)
    if isinstance(data, dict):
        return {key: rewrite(item, change) for key, item in data.items()}
    if isinstance(data, list):
        return [rewrite(item, change) for item in data]
    return data


@given(documents, words)
def test_translations_never_change_the_content_hash(document: dict[str, Any], new: str) -> None:
    retranslated = rewrite(document, lambda text: {**text, "nl": new, "fr": new + "!"})
    stripped = rewrite(document, lambda text: {"en": text["en"]})
    assert content_hash(retranslated) == content_hash(document) == content_hash(stripped)
    assert content_hash(english_only(document)) == content_hash(document)
    if list(texts_of(document)):
        assert snapshot_hash(retranslated) != snapshot_hash(document)


@given(documents)
def test_any_english_change_changes_the_content_hash(document: dict[str, Any]) -> None:
    edited = rewrite(document, lambda text: {**text, "en": text["en"] + " (edited)"})
    if list(texts_of(document)):
        assert content_hash(edited) != content_hash(document)
        assert (
            snapshot_change(
                (content_hash(document), snapshot_hash(document)),
                content_hash(edited),
                snapshot_hash(edited),
            )
            == "conflict"
        )
    else:
        assert content_hash(edited) == content_hash(document)


@given(documents)
def test_a_structural_change_changes_the_content_hash(document: dict[str, Any]) -> None:
    assert content_hash({**document, "version": 2}) != content_hash({**document, "version": 1})
    assert content_hash(document, ignore=["languages"]) == content_hash(
        {**document, "languages": ["en", "fr", "nl"]}, ignore=["languages"]
    )


def test_snapshot_change_tells_new_same_translated_and_conflicting_files_apart() -> None:
    assert snapshot_change(None, "c", "s") == "new"
    assert snapshot_change(("c", "s"), "c", "s") == "unchanged"
    assert snapshot_change(("c", "s"), "c", "t") == "translations"
    assert snapshot_change(("c", "s"), "d", "s") == "conflict"


def test_what_counts_as_a_text() -> None:
    assert is_text({"en": "Yes", "fr": "Oui", "nl-BE": "Ja"})
    assert not is_text({"fr": "Oui"})  # every text has English
    assert not is_text({"en": "Yes", "weight": 2})
    assert not is_text({"en": "Yes", "Title": "x"})
    assert not is_text(["en"])


def test_missing_translations_name_the_key_path_and_line() -> None:
    content = (
        "title:\n"
        "  en: Screening\n"
        "  fr: Pré-analyse\n"
        "questions:\n"
        "  - key: q1\n"
        '    text: {en: "Does it decide?", fr: "Décide-t-il ?", nl: "Beslist het?"}\n'
        "  - key: q2\n"
        "    text:\n"
        "      en: Does it use location data?\n"
    )
    data = yaml.safe_load(content)
    problems = missing_translations(data, ["en", "fr", "nl"], content)
    assert [(p.path, p.line) for p in problems] == [("title", 1), ("questions[1].text", 8)]
    assert problems[0].message == "no nl text for 'Screening'"
    assert problems[1].message == "no fr, nl text for 'Does it use location data?'"
    assert problems[1].render("s.yaml") == (
        "s.yaml:8: questions[1].text: no fr, nl text for 'Does it use location data?'"
    )
    assert missing_translations(data, ["en"], content) == []


def test_content_files_are_found_in_every_app_but_not_in_static_or_templates(
    tmp_path: Path,
) -> None:
    for name in (
        "newapp/content/guide.yaml",
        "newapp/deep/er/rules.yml",
        "newapp/static/newapp/vendor.yaml",
        "newapp/templates/newapp/x.yaml",
        "newapp/locale/fr/x.yaml",
        "newapp/.hidden/x.yaml",
        "newapp/notes.txt",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("title: {en: x}\n", encoding="utf-8")
    found = [path.relative_to(tmp_path).as_posix() for path in content_files(tmp_path)]
    assert found == ["newapp/content/guide.yaml", "newapp/deep/er/rules.yml"]
    problems = translation_problems(tmp_path / "newapp/content/guide.yaml", ["en", "fr"])
    assert [(p.path, p.line, p.message) for p in problems] == [("title", 1, "no fr text for 'x'")]

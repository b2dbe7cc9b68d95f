"""French elision before a name that the interface's sentences insert.

A translator writes "Données ouvertes de %(city)s" not knowing the city: for Ixelles,
Anderlecht or Evere, French writes "d'Ixelles", and "Ce qu'Evere publie". The words
"de", "que" and the conjunctions ending in "que" lose their "e" before a value that
begins with a vowel sound. The rule is applied to the translated message at the places
where a value is inserted, never to the value itself nor to a resident's text.

A value beginning with "h" keeps "de": whether the h is silent depends on the word
("d'Herstal" but "de Huy", "de Hasselt"), so the full form is the safe one. A "Y" before
a consonant is a vowel ("d'Ypres", "d'Yvoir"), before a vowel it is not ("de Yaoundé").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language

#: A word that elides, a space, then a placeholder: ``de %(city)s``.
_BEFORE_VALUE = re.compile(r"\b((?:[Dd]|[Qq]u|[Ll]orsqu|[Pp]uisqu|[Jj]usqu)e) %\((\w+)\)s")

_VOWELS = frozenset("aeiouœæ")  # Œ and Æ have no decomposition: "d'Œudeghien"


def begins_with_vowel_sound(text: str) -> bool:
    """Whether French elides before ``text`` (its first letter, accents removed)."""
    # The base letters of the first two characters ("É" is "e"); a quote or a digit first
    # is not a vowel.
    letters = [unicodedata.normalize("NFD", c)[0] for c in text[:2].lower()]
    if not letters:
        return False
    if letters[0] == "y":
        return len(letters) > 1 and letters[1].isalpha() and letters[1] not in _VOWELS | {"y"}
    return letters[0] in _VOWELS


def could_elide(message: str) -> bool:
    """Whether ``message`` has a word that elides before a placeholder (any language)."""
    return _BEFORE_VALUE.search(message) is not None


def elide(message: str, values: Mapping[str, Any], language: str | None = None) -> str:
    """``message`` (a translated text with ``%(name)s`` placeholders) with "de %(city)s"
    written "d'%(city)s" where the value begins with a vowel sound, in French only."""
    if not (language or get_language() or "").startswith("fr") or "%(" not in message:
        return message

    def written(found: re.Match[str]) -> str:
        word, name = found.groups()
        if name in values and begins_with_vowel_sound(str(values[name])):
            return f"{word[:-1]}'%({name})s"
        return found.group()

    return _BEFORE_VALUE.sub(written, message)


def fill(message: str, values: Mapping[str, Any]) -> str:
    """``message % values``, with French elision before the values."""
    return elide(message, values) % values

"""City content in the city's languages: per-language columns, fallback, ``lang`` marking.

The interface is translated with gettext; what a city *writes* (a register entry's
description, a consultation's draft, a training module's goals) is entered by its staff
once per language. Brussels publishes in French and Dutch at once, a Flemish city in
Dutch only, so the languages are the city's choice (``Organisation.content_languages``).

Why django-translated-fields and not django-modeltranslation or django-parler:

* every language is a plain column declared on the model (``title_en``, ``title_fr``,
  ``title_nl``): migrations, forms, queries and full-text search see ordinary fields;
  nothing is patched onto models at start-up (modeltranslation's registration) and no
  join is needed to list a catalogue (parler's translation tables);
* the getter is ours to choose, so a missing text falls back to **the city's** first
  language, which neither of the other two supports per tenant.

Reading ``obj.title`` gives the text in the active language, else in the city's
languages in order, else in any language that has one. Pages about a city set the
city's languages for the time of the request (``core.tenancy.org_view``); elsewhere
(exports, commands) use :func:`city_languages`. :func:`shown` says which language a
text was actually shown in, so templates can mark it with ``lang`` (WCAG 3.1.2) through
the ``{% translated %}`` tag of ``core.templatetags.cityrights``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Field
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language, gettext
from translated_fields import TranslatedField as _TranslatedField
from translated_fields import to_attribute

__all__ = [
    "Shown",
    "TranslatedField",
    "alphabetical",
    "city_languages",
    "current_language",
    "fallback_order",
    "field_names",
    "in_any_language",
    "interface_languages",
    "labelled",
    "language_name",
    "missing_languages",
    "order_text",
    "order_text_in",
    "set_translations",
    "shown",
    "text_label",
    "translations",
]


# A page asks for these a few hundred times (each translated text on it does); they are
# worked out once per value of the settings they read (tests override the settings).
_INTERFACE: tuple[object, tuple[str, ...]] = (None, ())


def interface_languages() -> tuple[str, ...]:
    """The language codes the interface offers, in the settings' order."""
    global _INTERFACE
    languages = settings.LANGUAGES
    known = _INTERFACE
    if known[0] is not languages:
        known = _INTERFACE = (languages, tuple(code for code, _name in languages))
    return known[1]


def current_language() -> str:
    """The active language as one of the interface's codes (``fr`` for ``fr-be``).

    The one place that turns Django's active language into a content language; an
    unknown or missing one is the project's default language.
    """
    return _content_language(get_language(), interface_languages(), settings.LANGUAGE_CODE)


@lru_cache(maxsize=256)
def _content_language(active: str | None, codes: tuple[str, ...], default: str) -> str:
    code = (active or default).replace("_", "-").lower()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else default


#: Interface languages that write language names in lower case ("en néerlandais").
LOWER_CASE_LANGUAGE_NAMES = frozenset({"fr"})


def language_name(code: str) -> str:
    """The language's name as a sentence of the active language writes it: "French",
    "Frans", and in French "français" ("PDF en néerlandais", "Nom (français)"), since
    French, unlike English and Dutch, writes language names in lower case."""
    for known, name in settings.LANGUAGES:
        if known == code:
            found = gettext(str(name))
            if current_language() in LOWER_CASE_LANGUAGE_NAMES:
                return found[:1].lower() + found[1:]
            return found
    return code


_CITY_LANGUAGES: ContextVar[tuple[str, ...]] = ContextVar("city_languages", default=())


@contextmanager
def city_languages(languages: Sequence[str]) -> Iterator[None]:
    """Fall back through ``languages`` (a city's, first is primary) inside the block."""
    token = _CITY_LANGUAGES.set(tuple(languages))
    try:
        yield
    finally:
        _CITY_LANGUAGES.reset(token)


def fallback_order(language: str | None = None) -> tuple[str, ...]:
    """The languages to try, in order: asked (or active), the city's, then all others."""
    return _order(language or current_language(), _CITY_LANGUAGES.get(), interface_languages())


@lru_cache(maxsize=256)
def _order(first: str, city: tuple[str, ...], codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((first, *city, *codes)))


class Shown(str):
    """A text and the language it is in ("" when no language has a text).

    It is a ``str``, so it works wherever text does (plain-text e-mails rendered with
    autoescaping off, ``|linebreaks``, string formatting). Rendered with autoescaping it
    marks itself with ``lang`` when its language is not the page's, so screen readers
    pronounce a Dutch fallback on a French page as Dutch.
    """

    language: str

    def __new__(cls, text: str, language: str) -> Shown:
        shown = super().__new__(cls, text)
        shown.language = language
        return shown

    @property
    def text(self) -> str:
        return str.__str__(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Shown):
            return self.text == other.text and self.language == other.language
        return str.__eq__(self, other)

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return f"Shown({self.text!r}, {self.language!r})"

    @property
    def is_foreign(self) -> bool:
        """Whether the text is in another language than the page."""
        return self.foreign_on(current_language())

    def foreign_on(self, page: str) -> bool:
        """Whether the text is in another language than ``page`` (for code that renders
        many texts for one page and asks for its language once)."""
        return bool(self.language) and self.language != page

    @property
    def lang_attribute(self) -> str:
        """`` lang="nl"`` for a foreign text, else nothing (for block elements)."""
        return self.lang_attribute_on(current_language())

    def lang_attribute_on(self, page: str) -> str:
        return format_html(' lang="{}"', self.language) if self.foreign_on(page) else ""

    def __html__(self) -> str:
        return self.html_on(current_language())

    def html_on(self, page: str) -> str:
        """The text escaped, in ``<span lang>`` when it is not in ``page``'s language."""
        if self.foreign_on(page):
            return format_html('<span lang="{}">{}</span>', self.language, self.text)
        return conditional_escape(self.text)


def _value(obj: Any, name: str, language: str) -> str:
    value = getattr(obj, to_attribute(name, language), "")
    return value if isinstance(value, str) else ("" if value is None else str(value))


def shown(obj: Any, name: str, language: str | None = None) -> Shown:
    """The text of field ``name`` that a reader of ``language`` gets, and its language."""
    for code in fallback_order(language):
        value = _value(obj, name, code)
        if value.strip():
            return Shown(value, code)
    return Shown("", "")


def shown_from_mapping(values: Mapping[str, str], language: str | None = None) -> Shown:
    """As :func:`shown` for a ``{language: text}`` map (snapshots, exports)."""
    for code in fallback_order(language):
        value = values.get(code) or ""
        if isinstance(value, str) and value.strip():
            return Shown(value, code)
    return Shown("", "")


def _attrgetter(name: str, field: Any) -> Any:
    return lambda self: shown(self, name).text


def _attrsetter(name: str, field: Any) -> Any:
    def setter(self: Any, value: Any) -> None:
        setattr(self, to_attribute(name, current_language()), value)

    return setter


def TranslatedField(
    field: Field[Any, Any], specific: Mapping[str, Mapping[str, Any]] | None = None
) -> Any:
    """A model field entered once per interface language, read with the city's fallback.

    ``title = TranslatedField(models.CharField(_("title"), max_length=200, blank=True))``
    makes the columns ``title_en``, ``title_fr`` and ``title_nl``; ``obj.title`` reads
    as described in the module docstring and assigning it writes the active language.
    Declare the field ``blank=True``: which languages are required is the city's choice,
    checked by its forms (see :func:`missing_languages`), not by the column.
    """
    return _TranslatedField(
        field,
        dict(specific or {}),
        languages=list(interface_languages()),
        attrgetter=_attrgetter,
        attrsetter=_attrsetter,
    )


def field_names(name: str, languages: Sequence[str] | None = None) -> list[str]:
    """The column names of translated field ``name``: ``["title_en", "title_fr", …]``."""
    return [to_attribute(name, code) for code in (languages or interface_languages())]


def labelled(label: str, value: object) -> str:
    """``label: value`` as the active language writes it ("Code : F1" in French, with the
    non-breaking space Django's catalogue gives the colon)."""
    return f"{label}{gettext(':')} {value}"


def alphabetical(text: str) -> str:
    """A key that sorts names as a reader's index does: case and accents aside."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()


def order_text(name: str, language: str | None = None, prefix: str = "") -> Any:
    """An ordering expression: field ``name`` as a reader of ``language`` sees it.

    ``queryset.order_by(order_text("name"), "id")`` sorts a French reader's list by the
    French names, with a missing one taking its fallback's place (the same order as
    :func:`shown`), so a list never jumps between languages. ``prefix`` reaches a related
    model's field (``order_text("name", prefix="entry__")``).
    """
    return order_text_in(name, fallback_order(language), prefix)


def order_text_in(
    name: str,
    languages: Sequence[str],
    prefix: str = "",
    output_field: Field[Any, Any] | None = None,
) -> Any:
    """The expression of :func:`order_text` for an explicit language order (give
    ``output_field`` for a text column: a ``TextField`` does not mix with the empty default).

    An index that serves a sorted list declares it with the same order (one index per
    order a reader can have, see ``register.models.Entry.Meta``): PostgreSQL uses an
    expression index only when the query's expression is exactly the indexed one.
    """
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce, NullIf

    kind: dict[str, Any] = {"output_field": output_field} if output_field is not None else {}
    columns = [
        NullIf(F(prefix + to_attribute(name, code)), Value(""), **kind) for code in languages
    ]
    return Coalesce(*columns, Value(""), **kind) if len(columns) > 1 else columns[0]


def in_any_language(name: str, value: str, lookup: str = "icontains", prefix: str = "") -> Any:
    """A ``Q`` matching ``value`` in any language of field ``name`` (searching a catalogue).

    ``prefix`` reaches a related model's field (``prefix="department__"``).
    """
    from django.db.models import Q

    query = Q()
    for column in field_names(name):
        query |= Q(**{f"{prefix}{column}__{lookup}": value})
    return query


def text_label(model: Any, name: str) -> str:
    """The verbose name of translated field ``name`` without its language ("summary")."""
    column = model._meta.get_field(to_attribute(name, interface_languages()[0]))
    return str(column.verbose_name).split(" [")[0]


def translations(obj: Any, name: str) -> dict[str, str]:
    """Every non-empty language of field ``name``, for snapshots, exports and APIs."""
    result: dict[str, str] = {}
    for code in interface_languages():
        value = _value(obj, name, code)
        if value.strip():
            result[code] = value
    return result


def set_translations(obj: Any, name: str, values: Mapping[str, str]) -> None:
    """Write ``{language: text}`` into the columns of ``name``; other languages are kept."""
    codes = interface_languages()
    for code, value in values.items():
        if code not in codes:
            raise ValueError(f"{code!r} is not a language of this site ({', '.join(codes)})")
        setattr(obj, to_attribute(name, code), value or "")


def missing_languages(
    obj: Any, names: Sequence[str], languages: Sequence[str]
) -> dict[str, list[str]]:
    """For each field in ``names``, the languages of ``languages`` that have no text.

    Only fields that have a text in at least one language count as missing elsewhere:
    an optional field left empty everywhere is not a missing translation.
    """
    result: dict[str, list[str]] = {}
    for name in names:
        filled = translations(obj, name)
        if not filled:
            continue
        gaps = [code for code in languages if code not in filled]
        if gaps:
            result[name] = gaps
    return result


class TranslatedFormMixin:
    """For model forms that edit translated fields: one input per language of the city.

    List the columns in ``Meta.fields`` (``*field_names("title")``), name the translated
    fields in ``translated_fields`` and those that need a text in the city's default
    language in ``required_translations``, then call :meth:`limit_languages` with the
    city's :attr:`~cityrights.core.models.Organisation.content_languages` from
    ``__init__``. Inputs of languages the city does not use are removed (their stored
    texts are kept), each label names its language and each input carries ``lang``.
    """

    translated_fields: tuple[str, ...] = ()
    required_translations: tuple[str, ...] = ()
    fields: dict[str, Any]

    def limit_languages(self, languages: Sequence[str]) -> None:
        languages = [code for code in languages if code in interface_languages()] or [
            settings.LANGUAGE_CODE
        ]
        for name in self.translated_fields:
            for code in interface_languages():
                column = to_attribute(name, code)
                field = self.fields.get(column)
                if field is None:
                    continue
                if code not in languages:
                    del self.fields[column]
                    continue
                base = str(field.label or name).split(" [")[0]
                field.label = f"{base} ({language_name(code)})" if len(languages) > 1 else base
                field.widget.attrs["lang"] = code
                field.required = name in self.required_translations and code == languages[0]

    def cleaned_translations(self, name: str) -> dict[str, str]:
        """``{language: text}`` of translated field ``name`` for the languages the form
        kept (after ``is_valid()``); a service writes them and keeps the others."""
        cleaned: Mapping[str, Any] = getattr(self, "cleaned_data", {})
        return {
            code: cleaned.get(to_attribute(name, code)) or ""
            for code in interface_languages()
            if to_attribute(name, code) in self.fields
        }


def missing_fingerprint(gaps: Mapping[str, Iterable[str]]) -> str:
    """A stable text naming the translations missing, e.g. ``summary:nl;title:fr,nl``.

    A publish form sends back the fingerprint the reviewer saw; if a translation went
    missing (or was added) in between, the reviewer has not seen the current state, and the
    publication waits for them to look again.
    """
    return ";".join(f"{name}:{','.join(codes)}" for name, codes in sorted(gaps.items()))

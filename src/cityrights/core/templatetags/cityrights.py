"""Template tags shared by all apps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from django import template
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from .. import feedback as feedback_places
from ..markdown import render as render_markdown
from ..markdown import render_inline
from ..registry import registry
from ..translation import Shown, field_names, shown, shown_from_mapping

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str, obj: Any) -> SafeString:
    """Render what other apps contribute to slot ``name`` for ``obj`` (see core.registry)."""
    request = context["request"]
    sections = registry.fill_slot(name, request, obj)
    html = "".join(
        render_to_string(
            "core/includes/slot_section.html", {"section": section, "obj": obj}, request=request
        )
        for section in sections
    )
    return mark_safe(html)  # each section was rendered by a template with autoescaping


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ mapping|get_item:key }}`` for dictionaries keyed by variables."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def language_inputs(form: Any, name: str) -> list[Any]:
    """The bound inputs of translated field ``name``, one per language the form kept.

    ``{% for field in form|language_inputs:"summary" %}{% include "core/includes/field.html" %}
    {% endfor %}``: a form that called ``limit_languages`` shows only the city's languages.
    """
    return [form[column] for column in field_names(name) if column in form.fields]


@register.filter
def described(field: Any) -> SafeString:
    """Render a bound field's widget linked to its help text and errors.

    ``aria-describedby`` points at ``<id>_helptext`` and ``<id>_errors`` (the ids
    that ``core/includes/field.html`` gives them) and ``aria-invalid`` marks a
    field with errors, so screen readers announce both with the field.
    """
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_errors")
    attrs: dict[str, str] = {}
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def translated(obj: Any, name: str = "") -> Shown:
    """A city text in the reader's language, marked with ``lang`` when it fell back.

    ``{% translated entry "title" %}`` for a model's translated field,
    ``{% translated snapshot.title %}`` for a ``{language: text}`` map, and
    ``{% translated entry "description" as text %}`` to use ``text.text``,
    ``text.language`` and ``text.lang_attribute`` on a block element.
    """
    if isinstance(obj, Mapping):
        return shown_from_mapping(obj)
    if isinstance(obj, str):
        return Shown(obj, "")
    if obj is None:
        return Shown("", "")
    return shown(obj, name)


@register.inclusion_tag("core/includes/feedback.html", takes_context=True)
def feedback(context: template.Context, *parts: Any) -> dict[str, Any]:
    """The confirmations of an action done at a place (see core.feedback), shown there:
    ``{% feedback "agreement" agreement.pk %}`` for the place ``agreement-12``."""
    place = "-".join(str(part) for part in parts)
    all_messages = context.get("messages")
    if all_messages is None and context.get("request") is not None:  # an include with "only"
        all_messages = get_messages(context["request"])
    shown = feedback_places.at_place(all_messages or [], place)
    return {"place": feedback_places.anchor(place), "shown": shown}


@register.filter
def at_top(all_messages: Any) -> list[Any]:
    """The messages shown at the top of the page: those not tied to a place on it."""
    return [message for message in all_messages or [] if not feedback_places.place_of(message)]


@register.filter
def markdown(source: str) -> SafeString:
    """Text in the safe Markdown subset as HTML (``cityrights.core.markdown`` sanitises it)."""
    return mark_safe(render_markdown(str(source or "")))  # nh3 keeps only the safe subset


@register.filter
def markdown_inline(source: str) -> SafeString:
    """One line in the safe Markdown subset as HTML, without a paragraph around it."""
    return mark_safe(render_inline(str(source or "")))  # nh3 keeps only the safe subset


@register.filter
def fields_with_errors(form: Any) -> list[Any]:
    """The bound fields of ``form`` that have errors, in the form's order (error summary)."""
    return [field for field in form if field.errors]


@register.filter
def audit_type(object_type: str) -> str:
    """An audit event's object type in words (``core.audit_words``)."""
    from ..audit_words import object_type_label

    return object_type_label(str(object_type))


@register.filter
def audit_action(code: str) -> str:
    """An audit action code in words (``core.audit_actions``)."""
    from ..audit_actions import action_label

    return action_label(str(code))


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@register.filter
def moment(value: Any) -> str:
    """A moment kept as ISO 8601 ("2026-12-07T11:58:43Z", an export's or a signed document's
    time) as its readers write it: local time, in the language's date format ("7 décembre
    2026 12:58"). Anything that is not such a moment is shown as it is."""
    found = parse_datetime(str(value or ""))
    if found is None:
        return str(value or "")
    if timezone.is_naive(found):
        found = found.replace(tzinfo=UTC)
    return date_format(timezone.localtime(found), "DATETIME_FORMAT", use_l10n=True)


@register.filter
def iso_day(value: Any) -> str:
    """A day kept as ISO 8601 ("2026-12-07", an export row's) as its readers write it ("7
    december 2026"). Anything that is not such a day is shown as it is."""
    text = str(value or "")
    found = parse_date(text) if _ISO_DAY.fullmatch(text) else None
    return text if found is None else date_format(found, "DATE_FORMAT", use_l10n=True)

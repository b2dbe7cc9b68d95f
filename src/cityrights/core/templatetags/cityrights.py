"""Template tags shared by all apps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

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

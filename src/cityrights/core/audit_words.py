"""The audit log's technical codes in words for the officers who read it.

An event keeps what programs compare (``participation.comment``, ``outcome``, ``taken_up``,
``title_fr``, ``{"fr": "…"}``); the log page shows the model's name, the field's label, the
choice's label and language names instead, in the reader's language. Whatever cannot be
named (a model or field since removed, a key an app made up) is shown as it was recorded.
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .translation import interface_languages, labelled, language_name

_TRANSLATED_COLUMN = re.compile(r"^(?P<base>.+)_(?P<code>[a-z]{2})$")


def _known_keys() -> dict[str, str]:
    """Keys the apps record that are no model field (a phase's move, a change's comments,
    how many people a response was sent to), in the reader's language."""
    return {
        "from": pgettext("audit log: a value before a change", "from"),
        "to": pgettext("audit log: a value after a change", "to"),
        "section": pgettext("audit log", "section"),
        "comments": pgettext("audit log", "comments"),
        "reason": pgettext("audit log", "reason"),
        "notified": pgettext("audit log", "people told"),
        "sections": pgettext("audit log", "sections"),
        "languages": pgettext("audit log", "languages"),
    }


def _model(object_type: str) -> type[Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """``participation.comment`` → "Comment" (the model's name in the reader's language)."""
    model = _model(object_type)
    if model is None:
        return object_type
    return str(capfirst(model._meta.verbose_name))


def _field(model: type[Model] | None, name: str) -> Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, Field) else None


def field_label(object_type: str, name: str) -> str:
    """``title_fr`` → "title (French)"; ``outcome`` → "outcome"; unknown keys as recorded."""
    model = _model(object_type)
    field = _field(model, name)
    found = _TRANSLATED_COLUMN.match(name)
    if found and found["code"] in interface_languages():
        label = str(field.verbose_name).split(" [")[0] if field is not None else found["base"]
        return f"{label} ({language_name(found['code'])})"
    if field is not None:
        return str(field.verbose_name)
    return _known_keys().get(name) or name.replace("_", " ")


def value_text(object_type: str, name: str, value: Any) -> str:
    """A recorded value in words: a choice's label, yes/no, language names for a map or list
    keyed by language, "—" for nothing."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    codes = interface_languages()
    if isinstance(value, dict):
        keys = _known_keys()
        return "; ".join(
            labelled(
                language_name(key) if key in codes else str(keys.get(key, key)),
                value_text(object_type, name if key in ("from", "to") else "", item),
            )
            for key, item in value.items()
        )
    if isinstance(value, list):
        return ", ".join(
            language_name(item) if item in codes else value_text(object_type, name, item)
            for item in value
        )
    field = _field(_model(object_type), name)
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    return str(value)

"""``get_<field>_display()`` without Django's per-call rebuild of the choices.

Django's ``Model._get_FIELD_display`` turns the field's whole list of choices into a dict on
every call, translating each lazy label to hash it. A register entry page asks for six of
them; :class:`ChoiceLabelsMixin` keeps one ``{value: label}`` dict per field and interface
language instead. Only interface texts (gettext) are kept, never anything a city wrote.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import get_language


@lru_cache(maxsize=512)
def _labels(field: models.Field[Any, Any], language: str | None) -> dict[Any, str]:
    # ``language`` is only the key: the labels are read in the active language, which it is.
    return {value: force_str(label, strings_only=True) for value, label in field.flatchoices}


class ChoiceLabelsMixin(models.Model):
    """Model mixin: ``get_<field>_display()`` reads the labels from a per-language table."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        try:
            labels = _labels(field, get_language())
            return labels.get(value, value)
        except TypeError:  # unhashable choices or value (JSON): Django's own way
            return super()._get_FIELD_display(field)  # type: ignore[misc]

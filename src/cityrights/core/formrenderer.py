"""How every form of the site draws its fields (``settings.FORM_RENDERER``).

Django gives a text box with a length limit the HTML ``maxlength`` attribute. A browser
then cuts a longer pasted text without a word: the end of a 250-character name is lost
and the person never learns it (found by the Dutch walkthrough; the GOV.UK Design System
advises against the attribute for that reason). The boxes here carry no ``maxlength``:
the whole text reaches the server, whose form says "at most 200 characters (it has 250)"
beside the box, with the text still in it to shorten.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates


class BoundField(forms.BoundField):
    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if "maxlength" in (widget or self.field.widget).attrs:
            attrs["maxlength"] = False  # Django's attrs template leaves out a False value
        return attrs


class FormRenderer(DjangoTemplates):
    bound_field_class = BoundField

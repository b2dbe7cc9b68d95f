"""Django's ``i18n`` template library, with fixed texts translated once per language.

Every tag and filter of ``django.templatetags.i18n``, except that a ``translate`` or
``blocktranslate`` whose message is fixed in the template (a quoted string, no filter, no
variable, no plural) keeps what it rendered per language and escaping. Tags with a
variable or a plural render as Django renders them, and in French a ``blocktranslate``
with variables elides "de" and "que" before a value that begins with a vowel
(``core.elision``: "Données ouvertes d'Ixelles"). ``settings.TEMPLATES`` names this
module as the ``i18n`` library, so templates keep ``{% load i18n %}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Node, Parser, Token, TokenType, render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ..elision import could_elide, elide
from . import Kept, KeptRender, fixed

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


def _text_key(context: Any) -> tuple[str | None, bool]:
    """A fixed text's rendering differs only with the language and the escaping."""
    return (get_language(), context.autoescape)


class KeptTranslateNode(KeptRender, django_i18n.TranslateNode):
    """``{% translate "fixed text" %}`` (optionally ``context "…"``, ``as name``)."""

    def __init__(self, node: django_i18n.TranslateNode) -> None:
        self.__dict__.update(node.__dict__)
        self.kept = Kept()

    def render(self, context: Any) -> str:
        render = super().render
        return self.kept_render(context, _text_key(context), lambda: render(context))


class KeptBlockTranslateNode(KeptRender, django_i18n.BlockTranslateNode):
    """``{% blocktranslate %}fixed text{% endblocktranslate %}``, without variables."""

    def __init__(self, node: django_i18n.BlockTranslateNode) -> None:
        self.__dict__.update(node.__dict__)
        self.kept = Kept()

    def render(self, context: Any, nested: bool = False) -> str:
        render = super().render
        return self.kept_render(context, _text_key(context), lambda: render(context, nested))


class ElidingBlockTranslateNode(django_i18n.BlockTranslateNode):
    """``{% blocktranslate with city=… %}…of {{ city }}{% endblocktranslate %}``: in French,
    "de Ixelles" is written "d'Ixelles" (``core.elision``).

    Django renders the tag; only a French message with "de", "que"… before a placeholder
    is formatted again, with the elided message and the same values.
    """

    def __init__(self, node: django_i18n.BlockTranslateNode) -> None:
        self.__dict__.update(node.__dict__)

    def render(self, context: Any, nested: bool = False) -> str:
        result = super().render(context, nested)
        if self.plural or not (get_language() or "").startswith("fr"):
            return result
        singular, names = self.render_token_list(self.singular)
        if self.message_context:
            message = translation.pgettext(self.message_context.resolve(context), singular)
        else:
            message = translation.gettext(singular)
        if not could_elide(message):
            return result
        with context.push(
            {name: value.resolve(context) for name, value in self.extra_context.items()}
        ):
            values = {
                name: render_value_in_context(context.get(name, ""), context) for name in names
            }
        try:
            elided = elide(message, values) % values
        except (KeyError, ValueError):  # a broken translation: Django's rendering stands
            return result
        if self.asvar:
            context[self.asvar] = SafeString(elided)
            return ""
        return elided


@register.tag("translate")
@register.tag("trans")
def do_translate(parser: Parser, token: Token) -> Node:
    node = django_i18n.do_translate(parser, token)
    if (
        isinstance(node, django_i18n.TranslateNode)
        and not node.noop
        and fixed(node.filter_expression)
        and fixed(node.message_context)
    ):
        return KeptTranslateNode(node)
    return node


@register.tag("blocktranslate")
@register.tag("blocktrans")
def do_block_translate(parser: Parser, token: Token) -> Node:
    node = django_i18n.do_block_translate(parser, token)
    if (
        isinstance(node, django_i18n.BlockTranslateNode)
        and not node.extra_context
        and not node.plural
        and node.countervar is None
        and fixed(node.message_context)
        and all(t.token_type == TokenType.TEXT for t in node.singular)
    ):
        return KeptBlockTranslateNode(node)
    if isinstance(node, django_i18n.BlockTranslateNode) and not node.plural:
        return ElidingBlockTranslateNode(node)
    return node

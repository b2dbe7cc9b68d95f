"""Django's ``i18n`` template library, with fixed texts translated once per language.

Every tag and filter of ``django.templatetags.i18n``, except that a ``translate`` or
``blocktranslate`` whose message is fixed in the template (a quoted string, no filter, no
variable, no plural) keeps what it rendered per language and escaping. Tags with a
variable or a plural render as Django renders them. ``settings.TEMPLATES`` names this
module as the ``i18n`` library, so templates keep ``{% load i18n %}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.template.base import Node, Parser, Token, TokenType
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

from . import Kept, fixed

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)


class _KeptText:
    """Renders through Django's node once per (language, escaping), then gives that back."""

    asvar: str | None
    kept: Kept[tuple[str | None, bool]]

    def kept_render(self, context: Any, render: Callable[[], str]) -> str:
        key = (get_language(), context.autoescape)
        value = self.kept.get(key)
        if value is None:
            output = render()
            value = context[self.asvar] if self.asvar else output
            self.kept.put(key, value)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


class KeptTranslateNode(_KeptText, django_i18n.TranslateNode):
    """``{% translate "fixed text" %}`` (optionally ``context "…"``, ``as name``)."""

    def __init__(self, node: django_i18n.TranslateNode) -> None:
        self.__dict__.update(node.__dict__)
        self.kept = Kept()

    def render(self, context: Any) -> str:
        return self.kept_render(context, lambda: super(KeptTranslateNode, self).render(context))


class KeptBlockTranslateNode(_KeptText, django_i18n.BlockTranslateNode):
    """``{% blocktranslate %}fixed text{% endblocktranslate %}``, without variables."""

    def __init__(self, node: django_i18n.BlockTranslateNode) -> None:
        self.__dict__.update(node.__dict__)
        self.kept = Kept()

    def render(self, context: Any, nested: bool = False) -> str:
        return self.kept_render(
            context, lambda: super(KeptBlockTranslateNode, self).render(context, nested)
        )


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
    return node

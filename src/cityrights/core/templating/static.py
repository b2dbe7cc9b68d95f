"""Django's ``static`` template library, with a quoted path's URL worked out once.

Every tag and filter of ``django.templatetags.static``; ``{% static "path" %}`` with a
quoted path keeps the storage's answer. ``settings.TEMPLATES`` names this module as the
``static`` library, so templates keep ``{% load static %}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Node, Parser, Token
from django.templatetags import static as django_static

from . import Kept, fixed

register = template.Library()
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)


class KeptStaticNode(django_static.StaticNode):
    def __init__(self, node: django_static.StaticNode) -> None:
        self.__dict__.update(node.__dict__)
        self.kept: Kept[None] = Kept(size=1)

    def url(self, context: Any) -> str:
        value = self.kept.get(None)
        if value is None:
            value = super().url(context)
            self.kept.put(None, value)
        return value


@register.tag("static")
def do_static(parser: Parser, token: Token) -> Node:
    node = django_static.do_static(parser, token)
    if isinstance(node, django_static.StaticNode) and fixed(node.path):
        return KeptStaticNode(node)
    return node

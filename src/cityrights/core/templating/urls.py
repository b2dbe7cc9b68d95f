"""Django's ``{% url %}`` tag, with each answer of the resolver kept per node.

Registered in ``settings.TEMPLATES`` as a builtin after Django's, so it replaces the
``url`` tag everywhere with the same syntax and output. The URL depends on the view's
name, the arguments, the namespace (``current_app``), the script prefix and the URL
configuration; the node keeps its last answers under all of them. cityrights' routes are
not translated (no ``i18n_patterns``), so the language is not part of the key.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Node, Parser, Token
from django.urls import get_script_prefix, get_urlconf

from . import Kept, KeptRender

register = template.Library()

#: The argument types whose text cannot change under the same value.
KEYS = (str, int)


class KeptURLNode(KeptRender, defaulttags.URLNode):
    def __init__(self, node: defaulttags.URLNode) -> None:
        self.__dict__.update(node.__dict__)
        self.kept: Kept[Hashable] = Kept(size=64)

    def render(self, context: Any) -> str:
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((k, v.resolve(context)) for k, v in self.kwargs.items())
        view_name = self.view_name.resolve(context)
        values = (view_name, *args, *(value for _name, value in kwargs))
        if not all(isinstance(value, KEYS) for value in values):
            return super().render(context)  # an object: its text may change, ask each time
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        key = (
            view_name,
            args,
            kwargs,
            current_app,
            get_script_prefix(),
            get_urlconf(),
            context.autoescape,
        )
        render = super().render
        return self.kept_render(context, key, lambda: render(context))


@register.tag("url")
def url(parser: Parser, token: Token) -> Node:
    node = defaulttags.url(parser, token)
    return KeptURLNode(node) if isinstance(node, defaulttags.URLNode) else node

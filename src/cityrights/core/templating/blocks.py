"""Django's ``{% extends %}`` tag, with the root template's blocks listed once.

To render a page that extends ``base.html``, Django's ``ExtendsNode`` walks the whole node
tree of ``base.html`` on every render to list its ``{% block %}`` nodes (about 3 % of the
register entry page's CPU, and as much on every other page). A compiled template's blocks
never change, so this node lists them once per compiled parent. The list is held weakly
by the parent: a template loaded again (the cached loader reset, a changed file in
development) is a new object and is listed afresh.

Registered in ``settings.TEMPLATES`` as a builtin after Django's, so it replaces
``extends`` everywhere with the same syntax and output.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from django import template
from django.template.base import Node, Parser, Template, TextNode, Token
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)

register = template.Library()

#: Compiled template → its blocks by name when it is the root of a chain (it extends
#: nothing), ``None`` when it extends another template itself.
_roots: WeakKeyDictionary[Template, dict[str, BlockNode] | None] = WeakKeyDictionary()


def root_blocks(parent: Template) -> dict[str, BlockNode] | None:
    """The blocks of ``parent`` if its first tag is not ``extends``, else ``None``."""
    try:
        return _roots[parent]
    except KeyError:
        pass
    blocks: dict[str, BlockNode] | None = None
    first_tag = next((node for node in parent.nodelist if not isinstance(node, TextNode)), None)
    if first_tag is not None and not isinstance(first_tag, ExtendsNode):
        found = parent.nodelist.get_nodes_by_type(BlockNode)
        blocks = {node.name: node for node in found if isinstance(node, BlockNode)}
    _roots[parent] = blocks
    return blocks


class KeptExtendsNode(ExtendsNode):
    def __init__(self, node: ExtendsNode) -> None:
        self.__dict__.update(node.__dict__)

    def render(self, context: Any) -> str:
        parent = self.get_parent(context)
        block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
        if block_context is None:
            block_context = context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context.add_blocks(self.blocks)  # this template's overrides come first
        blocks = root_blocks(parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        # As Django does: the parent renders in this render's state, not an isolated one, and
        # through _render, which the test runner instruments (assertTemplateUsed).
        with context.render_context.push_state(parent, isolated_context=False):
            output: str = parent._render(context)  # type: ignore[attr-defined]  # not in the stubs
        return output


@register.tag("extends")
def extends(parser: Parser, token: Token) -> Node:
    node = do_extends(parser, token)
    return KeptExtendsNode(node) if isinstance(node, ExtendsNode) else node

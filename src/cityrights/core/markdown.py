"""The safe Markdown subset, rendered to HTML that cannot script: residents' comments and
drafts (the participation app) and the descriptions of the API reference share it.

Two well-kept libraries do it, each for what it is good at:

* ``markdown-it-py`` (CommonMark) parses, with raw HTML turned off and images and headings
  disabled, so ``<script>`` in a text comes out as text;
* ``nh3`` (the Rust ``ammonia`` sanitiser) then keeps only a short list of tags, only
  ``href`` on links, only ``http``, ``https`` and ``mailto`` addresses, and adds
  ``rel="nofollow ugc noopener noreferrer"``. Whatever the parser lets through by mistake,
  the sanitiser removes: the two are independent, and tests hold the pair to that over
  arbitrary text.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

__all__ = ["ALLOWED_TAGS", "PARSER", "render", "render_inline"]

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
_SCHEMES = frozenset({"http", "https", "mailto"})

PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
PARSER.disable(["image", "heading", "lheading", "html_block", "html_inline", "hr"])


def render(source: str) -> str:
    """``source`` (plain text or the Markdown subset) as sanitised HTML."""
    return _clean(PARSER.render(source or ""))


def render_inline(source: str) -> str:
    """One line of the subset (code, emphasis, links) without a paragraph: for a caption."""
    return _clean(PARSER.renderInline(source or ""))


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        url_schemes=set(_SCHEMES),
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )

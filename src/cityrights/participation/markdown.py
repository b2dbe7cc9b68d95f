"""The safe Markdown subset of comments and draft texts, rendered to HTML that cannot script.

Residents write plain text or a little Markdown: paragraphs, emphasis, lists, quotes, inline
code and links. Two well-kept libraries do it, each for what it is good at:

* ``markdown-it-py`` (CommonMark) parses, with raw HTML turned off and images and headings
  disabled, so ``<script>`` typed in a comment comes out as text;
* ``nh3`` (the Rust ``ammonia`` sanitiser) then keeps only a short list of tags, only
  ``href`` on links, only ``http``, ``https`` and ``mailto`` addresses, and adds
  ``rel="nofollow ugc noopener noreferrer"``. Whatever the parser lets through by mistake,
  the sanitiser removes: the two are independent, and tests hold the pair to that over
  arbitrary text.
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

__all__ = ["ALLOWED_TAGS", "normalise_space", "plain_text", "render"]

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "a"}
)
_SCHEMES = frozenset({"http", "https", "mailto"})

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_parser.disable(["image", "heading", "lheading", "html_block", "html_inline", "hr"])


def render(source: str) -> str:
    """``source`` (plain text or the Markdown subset) as sanitised HTML."""
    return nh3.clean(
        _parser.render(source or ""),
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        url_schemes=set(_SCHEMES),
        link_rel="nofollow ugc noopener noreferrer",
        strip_comments=True,
    )


_SPACE = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def plain_text(source: str) -> str:
    """What a reader sees of ``source``, without markup: for passages and exports."""
    bare = nh3.clean(_parser.render(source or ""), tags=set())
    return normalise_space(html.unescape(bare))

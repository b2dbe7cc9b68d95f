"""The safe Markdown subset of comments and draft texts, rendered to HTML that cannot script.

Residents write plain text or a little Markdown: paragraphs, emphasis, lists, quotes, inline
code and links. ``cityrights.core.markdown`` renders it (the API reference uses it too); this
module adds what the participation app needs of the text besides. Two well-kept libraries do
it, each for what it is good at:

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

from cityrights.core.markdown import ALLOWED_TAGS, render
from cityrights.core.markdown import PARSER as _parser

__all__ = ["ALLOWED_TAGS", "normalise_space", "plain_text", "render"]

_SPACE = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def plain_text(source: str) -> str:
    """What a reader sees of ``source``, without markup: for passages and exports."""
    bare = nh3.clean(_parser.render(source or ""), tags=set())
    return normalise_space(html.unescape(bare))

"""Confirmations shown where the person is (WCAG 3.2, 2.4.3).

A form inside a long page (a consent card, a risk's mitigations, a comment) sends the browser
back to its own place with a fragment. A confirmation in the messages at the top of the page
would then be out of sight, so the message is tied to that place instead: ``redirect_to_place``
records it with the place's name, the page renders it there with ``{% feedback "place" %}``,
and the fragment points at the confirmation itself. The confirmation has ``tabindex="-1"``, so
following the fragment moves the focus to it (HTML's "scroll to the fragment" focuses a
focusable target): a screen reader reads it and the next Tab continues from there, without
JavaScript. The base template leaves such messages out of the list at the top.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect

PLACE_TAG = "place:"


def anchor(place: str) -> str:
    """The element id of the confirmation shown at ``place``."""
    return f"feedback-{place}"


def redirect_to_place(
    request: HttpRequest, url: str, place: str, message: str, *, level: int = messages.SUCCESS
) -> HttpResponseRedirect:
    """Redirect to ``url`` with a confirmation shown (and focused) at ``place`` on that page."""
    messages.add_message(request, level, message, extra_tags=PLACE_TAG + place)
    return HttpResponseRedirect(f"{url.split('#')[0]}#{anchor(place)}")


def place_of(message: Any) -> str:
    """The place a message belongs to, or "" for a message shown at the top of the page."""
    for tag in str(getattr(message, "extra_tags", "") or "").split():
        if tag.startswith(PLACE_TAG):
            return tag[len(PLACE_TAG) :]
    return ""


def at_place(all_messages: Iterable[Any], place: str) -> list[Any]:
    return [message for message in all_messages if place_of(message) == place]

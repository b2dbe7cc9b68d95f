"""Atom feed of published changes: one item per published version (and per withdrawal)."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from cityrights.core.models import Organisation
from cityrights.core.tenancy import org_view

from . import selectors
from .models import EntryVersion


class RegisterFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Organisation:
        return request.organisation  # type: ignore[attr-defined]

    def title(self, organisation: Organisation) -> str:
        return _("%(city)s: changes in the transparency register") % {"city": organisation.name}

    def subtitle(self, organisation: Organisation) -> str:
        return _("Every publication, update and withdrawal of a register entry.")

    def link(self, organisation: Organisation) -> str:
        return reverse("register:catalogue", kwargs={"org": organisation.slug})

    def items(self, organisation: Organisation) -> list[EntryVersion]:
        return selectors.recent_versions(organisation, limit=50)

    def item_title(self, item: EntryVersion) -> str:
        return _("%(name)s (version %(number)d)") % {"name": item.entry.name, "number": item.number}

    def item_description(self, item: EntryVersion) -> str:
        # Atom readers treat the summary as HTML: escape so a name like "<b>" stays text.
        return escape(item.change_summary)

    def item_link(self, item: EntryVersion) -> str:
        return item.entry.get_absolute_url() + f"#version-{item.number}"

    def item_guid(self, item: EntryVersion) -> str:
        return f"register-{item.entry.code}-v{item.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: EntryVersion) -> Any:
        return item.published_at

    def item_updateddate(self, item: EntryVersion) -> Any:
        return item.published_at


_feed = RegisterFeed()


@org_view()
def feed(request: HttpRequest) -> Any:
    return _feed(request)

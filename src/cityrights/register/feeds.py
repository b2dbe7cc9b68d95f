"""Atom feed (RFC 4287) of published changes: one item per published version (and withdrawal).

Ids are ``tag:`` URIs (RFC 4151) minted from the base URL's host, the day the entry (or the
city) was created and its database key: they never change when a name, a slug or the page
address does, so a feed reader never shows an old change again as new.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import gettext as _

from cityrights.core.models import Organisation
from cityrights.core.tenancy import OrgRequest, org_view

from . import selectors
from .models import EntryVersion


def tag_authority() -> str:
    """The host of ``CITYRIGHTS_BASE_URL``: the naming authority of the feed's tag URIs."""
    return urlsplit(settings.CITYRIGHTS_BASE_URL).hostname or "localhost"


def feed_id(organisation: Organisation) -> str:
    day = organisation.created_at.date().isoformat()
    return f"tag:{tag_authority()},{day}:register/{organisation.pk}"


def version_id(item: EntryVersion) -> str:
    day = item.entry.created_at.date().isoformat()
    return f"tag:{tag_authority()},{day}:register/entry/{item.entry_id}/version/{item.number}"


class RegisterFeed(Feed):
    feed_type = Atom1Feed
    _entry_base = ""

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Django's Feed writes the XML into the response piece by piece (some 1,400 writes
        # for fifty items, each turned into bytes on its own); writing it into a string
        # first gives the same document at a fraction of the cost.
        organisation = self.get_object(request, *args, **kwargs)
        self._entry_base = self.link(organisation)
        feedgen = self.get_feed(organisation, request)
        response = HttpResponse(feedgen.writeString("utf-8"), content_type=Atom1Feed.content_type)
        response.headers["Last-Modified"] = http_date(feedgen.latest_post_date().timestamp())
        return response

    def feed_guid(self, organisation: Organisation) -> str:
        return feed_id(organisation)

    def author_name(self, organisation: Organisation) -> str:
        return organisation.name

    def author_link(self, organisation: Organisation) -> str:
        return settings.CITYRIGHTS_BASE_URL + self.link(organisation)

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Organisation:
        return cast(OrgRequest, request).organisation  # set by org_view around the feed

    def title(self, organisation: Organisation) -> str:
        return _("%(city)s: changes in the transparency register") % {
            "city": organisation.shown_name
        }

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
        return escape(item.change_shown())

    def item_link(self, item: EntryVersion) -> str:
        # An entry's page is the catalogue's address followed by its code (register.urls):
        # one reverse() per feed instead of one per item.
        return f"{self._entry_base}{item.entry.code}/#version-{item.number}"

    def item_guid(self, item: EntryVersion) -> str:
        return version_id(item)

    item_guid_is_permalink = False

    def item_pubdate(self, item: EntryVersion) -> Any:
        return item.published_at

    def item_updateddate(self, item: EntryVersion) -> Any:
        return item.published_at


@org_view()
def feed(request: OrgRequest) -> Any:
    # One feed object per request: it keeps the city's address while it writes the items.
    return RegisterFeed()(request)

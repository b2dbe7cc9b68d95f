"""Resolve the organisation a request is about and check the person's rights to it.

Views take the organisation's slug as the ``org`` URL argument and are
decorated with :func:`org_view`. The decorator sets ``request.organisation``
(and ``request.membership``) before the view runs, so a view can never
forget the check.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from .models import Membership, Organisation, User
from .permissions import can, membership_for
from .prepared import PreparedQuery
from .publiccache import city_scope
from .translation import city_languages

View = Callable[..., HttpResponseBase]


class UserRequest(HttpRequest):
    """A request behind ``login_required``: the person is a logged-in :class:`User`."""

    user: User


class OrgRequest(HttpRequest):
    """A request through :func:`org_view`: the organisation and the person's membership are set.

    Annotate a view's ``request`` with it (or :class:`StaffRequest`) instead of reaching
    for attributes that plain ``HttpRequest`` does not declare.
    """

    organisation: Organisation
    membership: Membership | None


class StaffRequest(OrgRequest):
    """A request through ``org_view(capability)``: the person is logged in and holds it."""

    user: User


# Every page of a city starts with this query: its SQL is written once (core.prepared).
_BY_SLUG = PreparedQuery(
    lambda slug: Organisation.objects.filter(slug=slug).select_related("city").order_by(),
    slug=str,
)


def get_organisation(slug: str) -> Organisation:
    found = _BY_SLUG(slug=slug)  # the slug is unique: one row or none
    if not found:
        raise Http404(_("There is no organisation at this address."))
    return found[0]


def org_view(capability: str | None = None) -> Callable[[View], View]:
    """Decorate a view that takes ``org``.

    ``capability=None`` marks a public page: anyone may see it when the city
    publishes its pages; members may always see their own city's pages.
    Otherwise the person must be logged in and hold the capability.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: OrgRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
            organisation = get_organisation(org)
            request.organisation = organisation
            request.membership = membership_for(request.user, organisation)
            if capability is None:
                if not organisation.is_public and request.membership is None:
                    raise Http404(_("This city does not publish its pages."))
            else:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not can(request.user, organisation, capability):
                    raise PermissionDenied(
                        _("Your account has no role in %(org)s that allows this.")
                        % {"org": organisation.shown_name}
                    )
            # Writes made here are the city's own for the public cache (``publiccache``).
            with city_languages(organisation.content_languages), city_scope(organisation):
                return view(request, *args, **kwargs)

        return wrapper

    return decorator

"""The base map under the register's markers: which tile server, its attribution, and the one
origin the Content-Security-Policy opens for it.

By default the map shows OpenStreetMap's standard tiles with the attribution their licence
(ODbL) asks for. A city switches to its own tile server with ``CITYRIGHTS_MAP_TILES`` (a
Leaflet URL template such as ``https://{s}.tiles.example.org/{z}/{x}/{y}.png``) and its
``CITYRIGHTS_MAP_ATTRIBUTION``, or turns the base map off with ``CITYRIGHTS_MAP_TILES=off``:
the markers and the list of places then stand alone. The policy is opened only for the
tile server's origin, only on the pages that show a map, and only for images.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_LINK = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
OFF = frozenset({"", "off", "none", "false", "0"})


@dataclass(frozen=True)
class BaseMap:
    url: str  # Leaflet's template: {s} subdomain, {z}/{x}/{y} tile, {r} retina
    attribution: str  # HTML set by the operator (Leaflet shows it as HTML)
    origin: str  # the Content-Security-Policy source that lets the browser load the tiles


def tile_origin(url: str) -> str:
    """The CSP source of a tile URL template: its scheme and host, ``{s}.`` as ``*.``."""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise ValueError(f"Not a web address for map tiles: {url!r}")
    host = parts.netloc.replace("{s}.", "*.")
    if "{" in host:
        raise ValueError(f"Only a leading {{s}} may vary in the host of map tiles: {url!r}")
    return f"{parts.scheme}://{host}"


def base_map() -> BaseMap | None:
    """The configured base map, or None when the city turned it off."""
    url = str(getattr(settings, "CITYRIGHTS_MAP_TILES", OSM_TILES) or "").strip()
    if url.lower() in OFF:
        return None
    attribution = str(getattr(settings, "CITYRIGHTS_MAP_ATTRIBUTION", "") or "").strip()
    if not attribution and urlsplit(url).netloc.endswith("openstreetmap.org"):
        # The credit the tiles' licence (ODbL) asks for, in the reader's language.
        attribution = _("&copy; %(osm)s contributors") % {"osm": OSM_LINK}
    return BaseMap(url=url, attribution=attribution, origin=tile_origin(url))


def allow_tiles(response: HttpResponse, shown: BaseMap | None) -> HttpResponse:
    """Open the page's Content-Security-Policy for the tile server's images, nothing else."""
    if shown is not None:
        extra = dict(getattr(response, "csp_extra", None) or {})
        extra["img-src"] = [*extra.get("img-src", []), shown.origin]
        response.csp_extra = extra  # type: ignore[attr-defined]
    return response

"""A city's open-data catalogue: every app's open datasets in one DCAT-AP catalogue.

Apps describe their datasets in a ``datasets.py`` of their own and register the provider
with ``core.registry.add_open_datasets``; this module only gathers them, so core imports no
app. The same publisher, contact and languages serve every catalogue the city publishes
(the register's own catalogue too), so a dataset has one description wherever it is listed.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from . import dcat
from .elision import fill
from .models import Organisation
from .registry import registry


def absolute(path: str) -> str:
    """``path`` (from ``reverse``) as an address on the public site."""
    return settings.CITYRIGHTS_BASE_URL.rstrip("/") + path


def city_url(organisation: Organisation, name: str, **kwargs: object) -> str:
    """The absolute address of the named route of ``organisation``'s public pages."""
    return absolute(reverse(name, kwargs={"org": organisation.slug, **kwargs}))


def publisher(organisation: Organisation) -> dcat.Agent:
    home = city_url(organisation, "core:city_home")
    return dcat.Agent(
        iri=organisation.website or home,
        name=organisation.name,
        kind=organisation.kind,
        homepage=organisation.website or home,
    )


def contact(organisation: Organisation) -> dcat.Contact:
    """The city's contact point: its e-mail address, else its public home page."""
    return dcat.Contact(
        name=organisation.name,
        email=organisation.contact_email or "",
        url="" if organisation.contact_email else city_url(organisation, "core:city_home"),
    )


def catalogue(
    organisation: Organisation,
    *,
    iri: str,
    title: dcat.Texts,
    description: dcat.Texts,
    homepage: str,
    datasets: Sequence[dcat.Dataset],
) -> dcat.Catalogue:
    """A catalogue published by ``organisation`` in its content languages."""
    return dcat.Catalogue(
        iri=iri,
        title=title,
        description=description,
        homepage=homepage,
        publisher=publisher(organisation),
        contact=contact(organisation),
        languages=organisation.content_languages,
        country=organisation.country,
        datasets=tuple(datasets),
    )


def city_catalogue(organisation: Organisation) -> dcat.Catalogue:
    """Every dataset the city publishes, from every installed app."""
    page = city_url(organisation, "core:open_data")
    languages = organisation.content_languages
    return catalogue(
        organisation,
        iri=page + "#catalogue",
        title=dcat.in_languages(
            languages, lambda: fill(_("Open data of %(city)s"), {"city": organisation.shown_name})
        ),
        description=dcat.in_languages(
            languages,
            lambda: fill(
                _(
                    "Every dataset %(city)s publishes about its digital-rights work: its "
                    "technology register, the figures of its annual reports and the "
                    "results it chose to make public, with the files to download."
                ),
                {"city": organisation.shown_name},
            ),
        ),
        homepage=page,
        datasets=registry.open_datasets(organisation),
    )

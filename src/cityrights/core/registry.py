"""Extension points through which apps add to core pages without core importing them.

Each app registers in its ``AppConfig.ready``:

* a *public section* on a city's public home page (what the city publishes),
* a *staff panel* on the staff dashboard, shown to members with a capability,
* a *navigation link* in the staff area,
* a provider for a named *slot* that another app's page renders, e.g. the
  impact app fills the slot ``register.entry.public`` on a register entry's
  page without the register app importing the impact app.

Callables receive the request and the organisation and return ``None`` to
hide themselves, so apps decide what each person sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Organisation


@dataclass(frozen=True)
class Section:
    """A block on a page: a title, an optional link and a few lines or a template."""

    title: str
    url: str = ""
    lines: tuple[str, ...] = ()
    template: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


Provider = Callable[["HttpRequest", "Organisation"], Section | None]


@dataclass(frozen=True)
class NavLink:
    label: Any
    url_name: str
    capability: str = "view"
    order: int = 100


SlotProvider = Callable[["HttpRequest", Any], Section | None]


@dataclass
class Registry:
    public_sections: list[Provider] = field(default_factory=list)
    staff_panels: list[tuple[str, Provider]] = field(default_factory=list)
    nav_links: list[NavLink] = field(default_factory=list)
    slots: dict[str, list[SlotProvider]] = field(default_factory=dict)

    def add_to_slot(self, name: str, provider: SlotProvider) -> SlotProvider:
        self.slots.setdefault(name, []).append(provider)
        return provider

    def fill_slot(self, name: str, request: HttpRequest, obj: Any) -> list[Section]:
        """The sections that apps contribute to slot ``name`` for ``obj``, in order."""
        sections = [provider(request, obj) for provider in self.slots.get(name, [])]
        return sorted((s for s in sections if s is not None), key=lambda s: s.order)

    def add_public_section(self, provider: Provider) -> Provider:
        self.public_sections.append(provider)
        return provider

    def add_staff_panel(self, capability: str, provider: Provider) -> Provider:
        self.staff_panels.append((capability, provider))
        return provider

    def add_nav_link(self, link: NavLink) -> None:
        self.nav_links.append(link)


registry = Registry()

"""Extension points through which apps add to core pages without core importing them.

Each app registers in its ``AppConfig.ready``:

* a *public section* on a city's public home page (what the city publishes),
* a *staff panel* on the staff dashboard, shown to members with a capability,
* a *navigation link* in the staff area,
* a provider for a named *slot* that another app's page renders, e.g. the
  impact app fills the slot ``register.entry.public`` on a register entry's
  page without the register app importing the impact app,
* a *linkable record kind*: a kind of record (a register entry, a roadmap
  action) that another app may point at, with a function listing a city's
  records to choose from and one resolving a stored id to a title and
  addresses, so the participation app links a principle to a register entry
  without importing the register,
* an *account eraser*: what the app keeps about a person, removed or made
  anonymous when that person deletes their account (``core.accounts``),
* a *report section* of the annual digital-rights report and the live dashboard
  (:mod:`cityrights.core.report`): a provider turns a city and a year into the
  app's figures, tables and charts, so the reporting app reads no other app's
  models; and an *alert provider* listing what staff should fix now,
* *cached public pages*: the URL names (``"register:catalogue"``) of the app's public
  pages that :mod:`cityrights.core.publiccache` may serve from the shared cache to
  anonymous visitors, and *private tables*: tables whose writes never change what an
  anonymous visitor sees (a consent check's log row), so writing them keeps those pages
  cached,
* a *landing page*: where a resident (a person without a role) lands after logging in,
  e.g. the consent app sends them to their data (staff land on their dashboard),
* a *facts provider*: data (not a page section) that an app gives about records
  of another app, in bulk, e.g. the impact app tells the register's report
  section which of its entries have an approved assessment
  (``register.entry.impact_approvals``) without the register importing it,
* an *open-data provider*: the datasets an app publishes for a city, as
  :mod:`cityrights.core.dcat` records, listed on the city's open-data page and in
  its DCAT-AP catalogue (each app keeps them in a small ``datasets.py``),
* an *API lane*: a handler that answers one machine-to-machine address ahead of the
  browser middlewares (:class:`cityrights.core.middleware.ApiLaneMiddleware`), e.g. the
  partner's consent check, whose latency a partner waits on.

Callables receive the request and the organisation and return ``None`` to
hide themselves, so apps decide what each person sees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from .dcat import Dataset
    from .models import Organisation, User
    from .report import Alert, ReportSection
    from .tenancy import StaffRequest


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
# An API lane answers its request, or returns None to let it take the whole middleware stack.
LaneHandler = Callable[["HttpRequest"], "HttpResponse | None"]
# Staff panels are drawn on the staff dashboard only, for a person holding the capability.
StaffPanelProvider = Callable[["StaffRequest", "Organisation"], Section | None]


@dataclass(frozen=True)
class NavLink:
    label: Any
    url_name: str
    capability: str = "view"
    order: int = 100
    #: The kinds of organisation whose staff see the link; empty: every kind but a coalition,
    #: whose secretariat has a navigation of its own (a city's register means nothing there).
    kinds: tuple[str, ...] = ()

    def shown_to(self, kind: str) -> bool:
        return kind in self.kinds if self.kinds else kind != "coalition"


SlotProvider = Callable[["HttpRequest", Any], Section | None]


@dataclass(frozen=True)
class LinkedRecord:
    """What a stored link points at now: a title, the staff address and the public one.

    ``public_url`` is empty while the record is not public (a draft, an internal
    action): public pages then name no title, they only count such links.
    """

    title: str
    staff_url: str
    public_url: str = ""


ChoiceLister = Callable[["Organisation"], list[tuple[str, str]]]
Resolver = Callable[["Organisation", str], LinkedRecord | None]


@dataclass(frozen=True)
class LinkableKind:
    """A kind of record other apps may link to.

    ``name`` is stable and stored with each link (``"register.entry"``); ``choices``
    lists ``(id, title)`` of a city's records for a select box; ``resolve`` turns an id
    back into a :class:`LinkedRecord`, or ``None`` when the record is gone or belongs to
    another city (the link is then shown as removed, never as another city's record).
    """

    name: str
    label: Any
    choices: ChoiceLister
    resolve: Resolver
    order: int = 100


#: Removes or anonymises what an app keeps about a person whose account is being deleted,
#: inside the deletion's transaction; returns whether it found anything.
AccountEraser = Callable[["User"], bool]

#: ``provider(city, year)``: the app's report section for that year, or ``None`` to stay out.
SectionProvider = Callable[["Organisation", int], "ReportSection | None"]
#: ``provider(city)``: what staff should fix now (an empty list when all is well).
AlertProvider = Callable[["Organisation"], "list[Alert]"]


#: ``provider(city)``: the open datasets the app publishes for that city, texts in every
#: language the city publishes in (an empty list when it publishes none).
DatasetProvider = Callable[["Organisation"], "Sequence[Dataset]"]

#: ``provider(user)``: where a person without a role in an organisation lands after logging in
#: (a resident's own data in a city), or ``None`` when the app has nothing for them.
LandingProvider = Callable[["User"], "str | None"]

#: Gives facts about many records at once: ``{key: [fact, ...]}`` for the keys it knows.
FactsProvider = Callable[[Sequence[Any]], Mapping[Any, Sequence[Any]]]


@dataclass(frozen=True)
class ReportSectionSpec:
    key: str
    provider: SectionProvider
    order: int = 100


@dataclass
class Registry:
    public_sections: list[Provider] = field(default_factory=list)
    staff_panels: list[tuple[str, StaffPanelProvider]] = field(default_factory=list)
    nav_links: list[NavLink] = field(default_factory=list)
    slots: dict[str, list[SlotProvider]] = field(default_factory=dict)
    linkable_kinds: dict[str, LinkableKind] = field(default_factory=dict)
    report_section_specs: dict[str, ReportSectionSpec] = field(default_factory=dict)
    alert_providers: list[AlertProvider] = field(default_factory=list)
    facts: dict[str, list[FactsProvider]] = field(default_factory=dict)
    account_erasers: list[tuple[str, AccountEraser]] = field(default_factory=list)
    dataset_providers: list[DatasetProvider] = field(default_factory=list)
    landing_pages: list[LandingProvider] = field(default_factory=list)
    api_lanes: dict[str, LaneHandler] = field(default_factory=dict)

    def add_open_datasets(self, provider: DatasetProvider) -> DatasetProvider:
        """Contribute datasets to a city's open-data catalogue (``core.open_data``)."""
        if provider not in self.dataset_providers:
            self.dataset_providers.append(provider)
        return provider

    def open_datasets(self, organisation: Organisation) -> list[Dataset]:
        """Every app's open datasets of ``organisation``, in catalogue order."""
        found = [item for provider in self.dataset_providers for item in provider(organisation)]
        return sorted(found, key=lambda dataset: (dataset.order, dataset.iri))

    cached_pages: set[str] = field(default_factory=set)
    private_tables: set[str] = field(default_factory=set)
    shared_tables: set[str] = field(default_factory=set)

    def add_cached_pages(self, namespace: str, *names: str) -> None:
        """Let anonymous visits of these public pages be served from the shared cache.

        Only pages that show the same thing to every anonymous visitor for the same
        address, query and language: a page with a form (a CSRF token) or a personal
        page is never stored even when listed, but list only what is public.
        """
        self.cached_pages.update(f"{namespace}:{name}" for name in names)

    def add_private_tables(self, *tables: str) -> None:
        """Tables no anonymous page reads: writing them does not outdate cached pages."""
        self.private_tables.update(tables)

    def add_shared_tables(self, *tables: str) -> None:
        """Tables whose rows one city's public pages show on another city's pages: writing
        them outdates every city's cached pages, not only the city that wrote."""
        self.shared_tables.update(tables)

    def add_api_lane(self, path: str, handler: LaneHandler) -> LaneHandler:
        """Let ``handler(request)`` answer requests for ``path`` (the whole path, as
        ``request.path_info`` has it) before the browser middlewares run; it returns ``None``
        for any request it does not take, which then goes through the whole stack to its URL's
        view. An address has one lane."""
        existing = self.api_lanes.get(path)
        if existing is not None and existing is not handler:
            raise ValueError(f"The API lane {path!r} is already registered.")
        self.api_lanes[path] = handler
        return handler

    def add_landing_page(self, provider: LandingProvider) -> LandingProvider:
        """Offer ``provider(user)`` as the page a resident lands on after logging in."""
        self.landing_pages.append(provider)
        return provider

    def add_account_eraser(self, name: str, eraser: AccountEraser) -> AccountEraser:
        """Run ``eraser(user)`` when a person deletes their account (``core.accounts``).

        ``name`` (the app's label) is what the audit event records as erased.
        """
        self.account_erasers.append((name, eraser))
        return eraser

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

    def add_staff_panel(self, capability: str, provider: StaffPanelProvider) -> StaffPanelProvider:
        self.staff_panels.append((capability, provider))
        return provider

    def add_nav_link(self, link: NavLink) -> None:
        self.nav_links.append(link)

    def add_linkable_kind(self, kind: LinkableKind) -> LinkableKind:
        """Offer records of ``kind`` as link targets; a name registers once."""
        existing = self.linkable_kinds.get(kind.name)
        if existing is not None and existing != kind:
            raise ValueError(f"The linkable kind {kind.name!r} is already registered.")
        self.linkable_kinds[kind.name] = kind
        return kind

    def linkable_kind(self, name: str) -> LinkableKind | None:
        return self.linkable_kinds.get(name)

    def linkable_kinds_in_order(self) -> list[LinkableKind]:
        return sorted(self.linkable_kinds.values(), key=lambda kind: (kind.order, kind.name))

    def resolve_link(self, organisation: Organisation, kind: str, pk: str) -> LinkedRecord | None:
        """The record a stored ``(kind, id)`` link points at in ``organisation``, if any."""
        found = self.linkable_kinds.get(kind)
        return None if found is None else found.resolve(organisation, pk)

    def add_report_section(
        self, key: str, provider: SectionProvider, order: int = 100
    ) -> SectionProvider:
        """Contribute the section ``key`` of the annual report; a key registers once."""
        existing = self.report_section_specs.get(key)
        if existing is not None and existing.provider is not provider:
            raise ValueError(f"The report section {key!r} is already registered.")
        self.report_section_specs[key] = ReportSectionSpec(key, provider, order)
        return provider

    def report_section_keys(self) -> list[str]:
        """The registered section keys in report order."""
        specs = sorted(self.report_section_specs.values(), key=lambda s: (s.order, s.key))
        return [spec.key for spec in specs]

    def report_sections(self, organisation: Organisation, year: int) -> list[ReportSection]:
        """Every app's section for ``organisation`` and ``year``, in report order.

        Texts come in the active language; call it once per language. A provider must
        answer with the key it registered (a section cannot stand in for another).
        """
        sections = []
        for key in self.report_section_keys():
            section = self.report_section_specs[key].provider(organisation, year)
            if section is None:
                continue
            if section.key != key:
                raise ValueError(f"The provider of {key!r} answered with section {section.key!r}.")
            sections.append(section)
        return sections

    def add_alert_provider(self, provider: AlertProvider) -> AlertProvider:
        if provider not in self.alert_providers:
            self.alert_providers.append(provider)
        return provider

    def alerts(self, organisation: Organisation) -> list[Alert]:
        """What every app asks staff of ``organisation`` to fix now, largest counts first."""
        found = [alert for provider in self.alert_providers for alert in provider(organisation)]
        return sorted(found, key=lambda alert: (-alert.count, alert.key))

    def add_facts_provider(self, name: str, provider: FactsProvider) -> FactsProvider:
        """Contribute facts named ``name``: ``provider(keys)`` returns ``{key: [fact, ...]}``."""
        self.facts.setdefault(name, []).append(provider)
        return provider

    def facts_for(self, name: str, keys: Sequence[Any]) -> dict[Any, list[Any]]:
        """Every provider's facts named ``name`` for ``keys`` (one call per provider, in bulk).

        Keys no provider knows are left out; without providers the answer is empty (ask
        :meth:`has_facts` to tell "nothing known" from "nobody to ask").
        """
        found: dict[Any, list[Any]] = {}
        if not keys:
            return found
        for provider in self.facts.get(name, []):
            for key, items in provider(keys).items():
                found.setdefault(key, []).extend(items)
        return found

    def has_facts(self, name: str) -> bool:
        """Whether any installed app gives the facts named ``name``."""
        return bool(self.facts.get(name))


registry = Registry()

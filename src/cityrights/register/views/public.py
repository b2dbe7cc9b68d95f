"""Public pages of the register: catalogue, entry page, map, short URLs, QR codes, signs, questions.

Every view is ``@org_view()`` (public) and reads through ``selectors``, which only ever return
published or withdrawn entries. A draft's code is a 404 here, like a code that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cityrights.core import dcat
from cityrights.core.errors import refuse
from cityrights.core.publiccache import local_values
from cityrights.core.tenancy import OrgRequest, org_view
from cityrights.core.throttling import client_address
from cityrights.core.translation import (
    Shown,
    current_language,
    field_names,
    interface_languages,
    language_name,
    order_text,
    shown_from_mapping,
)
from cityrights.core.translation import shown as shown_field
from cityrights.core.views.errors import refusal

from .. import datasets, exports, maps, selectors, services, signs
from ..forms import QuestionForm
from ..models import Entry, Kind, Location, Risk, State, Status, TermKind
from ..terms import choices as term_choices
from ..terms import term_label

PAGE_SIZE = 20
MAP_LIST_PAGE_SIZE = 50


def _entry_or_404(request: OrgRequest, code: str) -> Entry:
    entry = selectors.public_entry(request.organisation, code)
    if entry is None:
        raise Http404(_("There is no published register entry with this code."))
    return entry


def _location_or_404(request: OrgRequest, code: str) -> Location:
    location = selectors.public_location(request.organisation, code)
    if location is None:
        raise Http404(_("There is no published location with this code."))
    return location


def labelled(entry: Entry, kind: str) -> list[tuple[str, str]]:
    lang = get_language()
    return [(value, term_label(kind, value, lang)) for value in entry.values_of(kind)]


#: The columns a catalogue card shows, read as plain rows (an entry has some 70 columns,
#: most of them long texts, and making model instances of them cost more than the query).
CARD_COLUMNS = (
    "code",
    "kind",
    "status",
    "risk_level",
    "state",
    "department_id",
    *field_names("name"),
    *field_names("summary"),
    *(f"department__{column}" for column in field_names("name")),
)


@dataclass(frozen=True)
class Card:
    """One entry of the catalogue: its values worked out once in Python, and its markup.

    The card used to be rendered from the entry in the template (a ``{% url %}``, three
    ``get_…_display``, a ``{% blocktranslate %}``, three ``{% translated %}`` and a dozen
    variables per card: half the page's rendering); :func:`cards_markup` now writes the
    same HTML in Python, the cards of a page joined once. Every value is escaped as the
    template escaped it; the names, the department and the summary carry ``lang`` when they
    fell back.
    """

    url: str
    name: Shown
    kind: str
    status: str
    retired: bool
    risk: SafeString
    department: SafeString  # the department's name as HTML (the same for many cards)
    summary: Shown
    #: The page's language, asked once for every card (``Shown`` would ask per text).
    page: str

    def __html__(self) -> SafeString:
        # The markup format_html gave, written with escape() on the plain texts (the
        # SafeStrings go in as they are), which costs a third of format_html's checks.
        withdrawn = ""
        if self.retired:
            label = _("Withdrawn")  # outside the f-string, where makemessages finds it
            withdrawn = f' <span class="badge">{escape(label)}</span>'
        return mark_safe(
            '<li class="card">\n'
            f'    <h3><a href="{escape(self.url)}">{self.name.html_on(self.page)}</a></h3>\n'
            f'    <p class="entry-meta"><span class="badge">{escape(self.kind)}</span>'
            f' <span class="badge">{escape(self.status)}</span>'
            f"{withdrawn} {self.risk} · {self.department}</p>\n"
            f"    <p{self.summary.lang_attribute_on(self.page)}>"
            f"{escape(first_words(self.summary.text))}</p>\n"
            "  </li>"
        )

    __str__ = __html__  # the template turns what it shows into str first


def first_words(text: str, count: int = 40) -> str:
    """``text|truncatewords:count``: its words joined by single spaces, cut after ``count``
    with " …". Most summaries are shorter, and need no truncating machinery."""
    words = text.split()
    if len(words) > count:
        return str(truncatewords(text, count))
    return " ".join(words)


def cards_markup(cards: Iterable[Card]) -> SafeString:
    """The cards' markup, each on its own lines as the template's loop wrote them."""
    return mark_safe("".join(f"\n  {card.__html__()}\n  " for card in cards))


def catalogue_cards(rows: Iterable[tuple[Any, ...]], organisation_slug: str) -> list[Card]:
    """The cards of one catalogue page from rows of :data:`CARD_COLUMNS`."""
    # An entry's page is the catalogue's address followed by its code (register.urls), and
    # codes are made of letters and digits only: one reverse() serves every card.
    base = reverse("register:catalogue", kwargs={"org": organisation_slug})
    # The labels get_kind_display() and the like would give (the fields' choices).
    kinds = {value: str(label) for value, label in Kind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    risk_labels = {value: str(label) for value, label in Risk.choices}
    risks: dict[str, SafeString] = {}
    departments: dict[int, SafeString] = {}
    codes = interface_languages()
    size = len(codes)
    page = current_language()
    cards = []
    for code, kind, status, risk_level, state, department_id, *texts in rows:
        department = departments.get(department_id)
        if department is None:
            names = dict(zip(codes, texts[2 * size :], strict=True))
            department = departments[department_id] = mark_safe(
                shown_from_mapping(names, page).html_on(page)
            )
        risk = risks.get(risk_level)
        if risk is None:
            # "Risk: high" once per risk level rather than a {% blocktranslate %} per card,
            # made as the tag makes it: the label escaped, the translation taken as it is.
            label = conditional_escape(risk_labels.get(risk_level, risk_level))
            risk = risks[risk_level] = mark_safe(_("Risk: %(risk)s") % {"risk": label})
        cards.append(
            Card(
                url=f"{base}{code}/",
                name=shown_from_mapping(dict(zip(codes, texts[:size], strict=True)), page),
                kind=kinds.get(kind, kind),
                status=statuses.get(status, status),
                retired=state == State.RETIRED,
                risk=risk,
                department=department,
                summary=shown_from_mapping(
                    dict(zip(codes, texts[size : 2 * size], strict=True)), page
                ),
                page=page,
            )
        )
    return cards


def options(choices: Iterable[tuple[str, Any]], chosen: str) -> SafeString:
    """The ``<option>`` elements of one of the catalogue's filter lists, ``chosen`` selected.

    Written here rather than by a template loop with an ``{% if %}`` per option: the seven
    lists cost about a sixth of the catalogue's rendering. Values and labels are escaped as
    the template escaped them."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == chosen else "", label) for value, label in choices),
    )


def department_options(departments: Iterable[Any], chosen: str) -> SafeString:
    """As :func:`options` for the departments: each name in the reader's language, with
    ``lang`` when it fell back to another."""
    rows = []
    for department in departments:
        name = shown_field(department, "name")
        rows.append(
            (
                department.slug,
                " selected" if department.slug == chosen else "",
                name.lang_attribute,
                name.text,
            )
        )
    return format_html_join("", '<option value="{}"{}{}>{}</option>', rows)


class _CountedPaginator(Paginator):
    """A paginator told the number of objects (from the facets' counts) instead of
    asking the database for it."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


class _OneQueryPaginator(Paginator):
    """For a catalogue whose number of matches the facets cannot give (search words, a
    department, a vocabulary term): the asked page's rows and the number of all matches come
    from one query (``COUNT(*) OVER ()``), where ``Paginator`` would find the matches twice,
    once to count them and once for the page. A search for a common word scans every entry,
    so that halves the database's work. Any other page (past the end, a number below 1) is
    found as ``Paginator`` finds it."""

    def __init__(
        self, entries: QuerySet[Entry], columns: tuple[str, ...], per_page: int, asked: Any
    ) -> None:
        self._listed = entries.values_list(*columns)
        super().__init__(self._listed, per_page)
        self._asked: int | None = None
        self._total: int | None = None
        self._rows: list[tuple[Any, ...]] = []
        try:
            number = 1 if asked is None else int(asked)
        except (TypeError, ValueError):
            number = 1  # as Paginator.get_page reads a page that is not a number
        if number < 1:
            return
        bottom = (number - 1) * per_page
        rows = list(
            entries.annotate(matches=Window(Count("pk"))).values_list(*columns, "matches")[
                bottom : bottom + per_page
            ]
        )
        if rows:
            self._asked, self._total = number, rows[0][-1]
            self._rows = [row[:-1] for row in rows]
        elif number == 1:
            self._asked, self._total = 1, 0

    @cached_property
    def count(self) -> int:
        if self._total is not None:
            return self._total
        return self._listed.count()

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if number == self._asked:
            return Page(self._rows, number, self)
        return super().page(number)


@require_safe
@org_view()
def catalogue(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    filters = selectors.Filters.from_query(request.GET)
    facets = selectors.facets(organisation)
    known = selectors.catalogue_count(filters, facets)
    found = None  # the queryset, when the kept SQL of an unsearched catalogue does not fit
    entries: Any
    if selectors.CataloguePage.fits(filters):
        entries = selectors.CataloguePage(organisation, filters, CARD_COLUMNS)
    else:
        found = selectors.catalogue(organisation, filters)
        found = found.prefetch_related(None).select_related(None)
        entries = found.values_list(*CARD_COLUMNS)
    paginator: Paginator
    if known is not None:
        paginator = _CountedPaginator(entries, PAGE_SIZE, known)
    elif found is not None:
        paginator = _OneQueryPaginator(found, CARD_COLUMNS, PAGE_SIZE, request.GET.get("page"))
    else:
        paginator = Paginator(entries, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    lists = filter_lists(facets, get_language() or "")
    return render(
        request,
        "register/catalogue.html",
        {
            "page": page,
            "cards": cards_markup(catalogue_cards(list(page.object_list), organisation.slug)),
            "filters": filters,
            "query": filters.as_query(),
            "options": {name: selected(lists[name], getattr(filters, name)) for name in lists},
        },
    )


def filter_lists(facets: dict[str, Any], lang: str) -> dict[str, str]:
    """The ``<option>`` elements of the catalogue's seven filter lists, none selected.

    They depend on the facets and the reader's language alone, so each worker keeps them
    under the facets' key (which changes with the content) and the language: a sixth of the
    catalogue's work, done once per publication instead of on every visit."""

    def make() -> dict[str, str]:
        def offered(kind: str) -> list[tuple[str, str]]:
            present = facets["terms"].get(kind, set())
            return [(value, label) for value, label in term_choices(kind, lang) if value in present]

        return {
            "kind": options(Kind.choices, ""),
            "department": department_options(facets["departments"], ""),
            "purpose": options(offered(TermKind.PURPOSE), ""),
            "category": options(offered(TermKind.DATA_CATEGORY), ""),
            "status": options(Status.choices, ""),
            "risk": options(Risk.choices, ""),
            "area": options(offered(TermKind.AREA), ""),
        }

    lists: dict[str, str] = local_values().get_or_set(f"{facets['key']}:options:{lang}", make)
    return lists


def selected(markup: str, chosen: str) -> SafeString:
    """``markup`` (option elements) with the option of value ``chosen`` selected. The value is
    found as :func:`options` wrote it, escaped and quoted, so ``x`` never matches ``xy``."""
    needle = f'<option value="{escape(chosen)}"'
    at = markup.find(needle) if chosen else -1
    if at < 0:
        return mark_safe(markup)  # made by options(), which escaped it
    end = at + len(needle)
    return mark_safe(markup[:end] + " selected" + markup[end:])  # as above


_CODE = "~code~"  # never in a code (letters and digits) nor in a city's slug


def _per_code(name: str, **kwargs: str) -> tuple[str, str]:
    """The address ``name`` has for every code, as the text before and after the code: one
    ``reverse`` for a list of places instead of one per place (codes need no quoting)."""
    before, after = reverse(name, kwargs={**kwargs, "code": _CODE}).split(_CODE)
    return before, after


def _places(
    organisation_slug: str, locations: list[Location]
) -> list[tuple[Location, str, str, str]]:
    """Each place with the addresses its line links: sign, QR code, short address."""
    if not locations:
        return []
    sign = _per_code("register:location_sign", org=organisation_slug)
    qr = _per_code("register:location_qr", org=organisation_slug, fmt="png")
    short = _per_code("register:short")
    return [
        (
            location,
            sign[0] + location.code + sign[1],
            qr[0] + location.code + qr[1],
            short[0] + location.code + short[1],
        )
        for location in locations
    ]


@require_safe
@org_view()
def entry_detail(request: OrgRequest, code: str) -> HttpResponse:
    entry = _entry_or_404(request, code)
    locations = list(entry.locations.all())
    shown = maps.base_map()
    purposes = labelled(entry, TermKind.PURPOSE)
    categories = labelled(entry, TermKind.DATA_CATEGORY)
    legal_bases = labelled(entry, TermKind.LEGAL_BASIS)
    response = render(
        request,
        "register/entry.html",
        {
            "entry": entry,
            "purposes": purposes,
            "categories": categories,
            "legal_bases": legal_bases,
            # Residents read the labels; the vocabulary's addresses wait behind a disclosure.
            "dpv_terms": [
                (_("Purposes"), purposes),
                (_("Personal data"), categories),
                (_("Legal basis"), legal_bases),
            ],
            "areas": labelled(entry, TermKind.AREA),
            "locations": locations,
            "places": _places(request.organisation.slug, locations),
            "versions": selectors.public_versions(entry),
            "short_url": signs.absolute(entry.short_url()),
            "base_map": shown,
        },
    )
    return maps.allow_tiles(response, shown)


@require_safe
def short(request: HttpRequest, code: str) -> HttpResponse:
    """``/r/<code>``: the address printed on signs. Never changes, whatever is edited."""
    target = selectors.short_code_target(code)
    if target is None:
        raise Http404(_("This short address leads nowhere (any more)."))
    return redirect(target.get_absolute_url())


@require_safe
@org_view()
def map_view(request: OrgRequest) -> HttpResponse:
    organisation = request.organisation
    locations = (
        Location.objects.filter(
            entry__organisation=organisation,
            entry__state="published",
            entry__revision_of__isnull=True,
        )
        .select_related("entry")
        .order_by(order_text("name", prefix="entry__"), "id")
    )
    page = Paginator(locations, MAP_LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = maps.base_map()
    response = render(request, "register/map.html", {"page": page, "base_map": shown})
    return maps.allow_tiles(response, shown)


def _geojson(request: OrgRequest, *, map_layer: bool = False) -> HttpResponse:
    text = selectors.places_geojson(request.organisation, map_layer=map_layer)
    response = HttpResponse(text, content_type=exports.GEOJSON_MEDIA_TYPE)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
@org_view()
def locations_geojson(request: OrgRequest) -> HttpResponse:
    """The map's data layer: every location of every published entry (RFC 7946), with what
    the map shows in the reader's language; ``export_geojson`` is the full open-data file."""
    return _geojson(request, map_layer=True)


def _qr_response(url: str, fmt: str, title: str) -> HttpResponse:
    if fmt not in ("svg", "png"):
        raise Http404(_("QR codes come as .svg or .png."))
    if fmt == "svg":
        response = HttpResponse(signs.qr_svg(url, title=title), content_type="image/svg+xml")
    else:
        response = HttpResponse(signs.qr_png(url), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
@org_view()
def entry_qr(request: OrgRequest, code: str, fmt: str) -> HttpResponse:
    entry = _entry_or_404(request, code)
    return _qr_response(signs.absolute(entry.short_url()), fmt, entry.name)


@require_safe
@org_view()
def location_qr(request: OrgRequest, code: str, fmt: str) -> HttpResponse:
    location = _location_or_404(request, code)
    return _qr_response(signs.absolute(location.short_url()), fmt, location.entry.name)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _size(request: HttpRequest) -> str | None:
    """The sheet size asked for (A4 when none is); None for a size we do not print."""
    size = request.GET.get("size", "a4").lower()
    return size if size in signs.SIZES else None


def _bad_size(request: OrgRequest) -> HttpResponse:
    message = _("Signs are printed on %(sizes)s; choose one of these sizes.") % {
        "sizes": ", ".join(signs.SIZES.values())
    }
    return refusal(request, 400, message, field="size")


@require_safe
@org_view()
def entry_sign(request: OrgRequest, code: str) -> HttpResponse:
    entry = _entry_or_404(request, code)
    size = _size(request)
    if size is None:
        return _bad_size(request)
    return _pdf(signs.render_pdf([signs.build_sign(entry)], size), f"sign-{entry.code}-{size}.pdf")


@require_safe
@org_view()
def location_sign(request: OrgRequest, code: str) -> HttpResponse:
    location = _location_or_404(request, code)
    entry = selectors.public_entry(location.entry.organisation, location.entry.code)
    assert entry is not None
    size = _size(request)
    if size is None:
        return _bad_size(request)
    pdf = signs.render_pdf([signs.build_sign(entry, location)], size)
    return _pdf(pdf, f"sign-{location.code}-{size}.pdf")


@require_http_methods(["GET", "HEAD", "POST"])
@org_view()
def ask(request: OrgRequest, code: str) -> HttpResponse:
    entry = _entry_or_404(request, code)
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.ask(
                entry,
                message=form.cleaned_data["message"],
                contact_email=form.cleaned_data["contact_email"],
                client=client_address(request.META),
            )
        except services.WorkflowError as refusal:
            status = refuse(request, refusal, form=form)
        else:
            messages.success(
                request,
                _("Thank you. Your message was sent to the people responsible for this entry."),
            )
            return redirect(entry.get_absolute_url())
    return render(request, "register/ask.html", {"entry": entry, "form": form}, status=status)


# --- Open exports ----------------------------------------------------------------------------


def _records(request: OrgRequest) -> list:
    organisation = request.organisation
    filters = selectors.Filters.from_query(request.GET)
    return list(selectors.listed_records(organisation, filters if filters.active else None))


@require_safe
@org_view()
def export_csv(request: OrgRequest) -> StreamingHttpResponse:
    organisation = request.organisation
    filters = selectors.Filters.from_query(request.GET)
    records = selectors.listed_records(organisation, filters if filters.active else None)
    response = StreamingHttpResponse(
        exports.iter_csv(records, lang=get_language() or "en"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{organisation.slug}-register.csv"'
    return response


@require_safe
@org_view()
def export_geojson(request: OrgRequest) -> HttpResponse:
    response = _geojson(request)
    organisation = request.organisation
    response["Content-Disposition"] = (
        f'attachment; filename="{organisation.slug}-register-locations.geojson"'
    )
    return response


@require_safe
@org_view()
def export_dcat(request: OrgRequest, fmt: str) -> HttpResponse:
    """The register's DCAT-AP 3.0 catalogue (``register.datasets``, built by ``core.dcat``)."""
    if fmt not in ("ttl", "jsonld"):
        raise Http404(_("The DCAT description comes as .ttl or .jsonld."))
    found = datasets.register_catalogue(request.organisation)
    if fmt == "ttl":
        return HttpResponse(dcat.to_turtle(found), content_type="text/turtle; charset=utf-8")
    return HttpResponse(dcat.to_jsonld(found), content_type="application/ld+json")


STANDARDS = {
    "uk-atrs": "atrs",
    "eurocities": "eurocities",
    "algoritmeregister": "algoritmeregister",
}


#: The language of each standard's file when none is asked for (``None``: the reader's).
STANDARD_LANGUAGES = {"algoritmeregister": "nl"}


@require_safe
@org_view()
def export_standard(request: OrgRequest, standard: str) -> HttpResponse:
    """One standard's records, a file per language (``?language=fr``; the Dutch register's
    records are in Dutch): labels and sentences in that language, the city's texts too where
    they are translated (else in the city's first language)."""
    from django.http import JsonResponse

    key = STANDARDS.get(standard)
    if key is None:
        raise Http404(_("Unknown standard."))
    language = STANDARD_LANGUAGES.get(key) or request.GET.get("language") or current_language()
    if language not in interface_languages():
        raise Http404(_("There is no file in this language."))
    with translation.override(language):
        data = exports.export_standard(_records(request), key, lang=language)
    response = JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Language"] = language
    response["Content-Disposition"] = (
        f'inline; filename="{request.organisation.slug}-{standard}-{language}.json"'
    )
    return response


@require_safe
@org_view()
def exports_page(request: OrgRequest) -> HttpResponse:
    languages = [(code, language_name(code)) for code in request.organisation.content_languages]
    return render(
        request,
        "register/exports.html",
        {"standards": list(STANDARDS), "file_languages": languages},
    )

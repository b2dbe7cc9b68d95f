"""The city's data initiatives by citizen role: the public catalogue with filters and counts
per role (a chart and a table), the roles explained, and the staff pages to keep them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core import charts
from cityrights.core.errors import refuse
from cityrights.core.registry import registry
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view
from cityrights.core.translation import current_language

from .. import principles as writes
from .. import roles as role_texts
from .. import selectors
from ..forms import InitiativeForm, LinkForm, RecordField
from ..models import CitizenRole, DataInitiative, InitiativeLink
from ..services import ParticipationError
from .common import caps, org

GET_POST = ["GET", "HEAD", "POST"]


def _explained() -> list[dict[str, str]]:
    language = current_language()
    return [
        {
            "key": role.key,
            "title": role.title.get_text(language),
            "explanation": role.explanation.get_text(language),
        }
        for role in role_texts.roles()
    ]


def _links(initiative: DataInitiative, *, public: bool) -> list[dict[str, Any]]:
    rows = []
    for link in initiative.links.all():
        record = registry.resolve_link(initiative.organisation, link.kind, link.record_id)
        kind = registry.linkable_kind(link.kind)
        if public and (record is None or not record.public_url):
            continue
        rows.append({"link": link, "record": record, "kind": kind})
    return rows


@org_view()
@require_safe
def catalogue(request: OrgRequest) -> HttpResponse:
    organisation = org(request)
    rows = selectors.initiatives_of(organisation, public_only=True)
    role = request.GET.get("role", "")
    error = ""
    if role and role not in CitizenRole.values:
        error = _("There is no such role; showing every initiative.")
        role = ""
    if role:
        rows = rows.filter(roles__role=role)
    counts = selectors.role_counts(organisation)
    chart = charts.bar_chart(
        [label for _v, label, _n in counts],
        [n for _v, _l, n in counts],
        title=_("Data initiatives per role residents play"),
        description=_(
            "Number of the city's public data initiatives in which residents play each "
            "role; an initiative may count for several roles."
        ),
        value_format="{:.0f}",
        axis_label=_("initiatives"),
    )
    return render(
        request,
        "participation/public/initiatives.html",
        {
            "initiatives": rows,
            "role": role,
            "role_label": dict(CitizenRole.choices).get(role, ""),
            "counts": counts,
            "chart": chart,
            "roles": CitizenRole.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@org_view()
@require_safe
def roles(request: OrgRequest) -> HttpResponse:
    counts = {value: n for value, _l, n in selectors.role_counts(org(request))}
    items = [{**item, "count": counts.get(item["key"], 0)} for item in _explained()]
    return render(request, "participation/public/roles.html", {"roles": items})


@org_view()
@require_safe
def detail(request: OrgRequest, slug: str) -> HttpResponse:
    initiative = get_object_or_404(
        selectors.initiatives_of(org(request), public_only="view" not in caps(request)), slug=slug
    )
    explained = {item["key"]: item for item in _explained()}
    return render(
        request,
        "participation/public/initiative.html",
        {
            "initiative": initiative,
            "roles": [explained[r.role] for r in initiative.roles.all() if r.role in explained],
            "links": _links(initiative, public=True),
        },
    )


@org_view("view")
@require_safe
def staff_list(request: StaffRequest) -> HttpResponse:
    organisation = org(request)
    return render(
        request,
        "participation/staff/initiatives.html",
        {
            "initiatives": selectors.initiatives_of(organisation, public_only=False),
            "counts": selectors.role_counts(organisation, public_only=False),
            "may_edit": "edit" in caps(request),
        },
    )


@org_view("view")
@require_http_methods(GET_POST)
def edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    organisation = org(request)
    initiative = get_object_or_404(DataInitiative, pk=pk, organisation=organisation) if pk else None
    if initiative is None and "edit" not in caps(request):
        raise PermissionDenied(_("Your role does not allow this change."))
    instance = (
        DataInitiative.objects.get(pk=initiative.pk)
        if initiative
        else DataInitiative(organisation=organisation)
    )
    which = request.POST.get("form", "initiative")
    form = InitiativeForm(
        request.POST if which == "initiative" else None,
        instance=instance,
        organisation=organisation,
    )
    link_form = LinkForm(request.POST if which == "link" else None, organisation=organisation)
    status = 200
    if request.method == "POST":
        if "edit" not in caps(request):
            raise PermissionDenied(_("Your role does not allow this change."))
        status = 422
        try:
            if which == "link" and initiative is not None:
                if link_form.is_valid():
                    record_field = link_form.fields["record"]
                    assert isinstance(record_field, RecordField)
                    kind, record_id = record_field.split(link_form.cleaned_data["record"])
                    writes.add_initiative_link(
                        initiative=initiative,
                        actor=request.user,
                        kind=kind,
                        record_id=record_id,
                    )
                    messages.success(request, _("The record was linked."))
                    return redirect(
                        "participation:staff_initiative", org=organisation.slug, pk=initiative.pk
                    )
            elif form.is_valid():
                saved = writes.save_initiative(
                    organisation=organisation,
                    actor=request.user,
                    values=form.cleaned_data,
                    roles=form.cleaned_data["roles"],
                    initiative=initiative,
                )
                messages.success(request, _("The initiative was saved."))
                return redirect(
                    "participation:staff_initiative", org=organisation.slug, pk=saved.pk
                )
        except ParticipationError as error:
            status = refuse(
                request,
                error,
                form=link_form if which == "link" else form,
                field="record" if which == "link" else None,
            )
    return render(
        request,
        "participation/staff/initiative_form.html",
        {
            "initiative": initiative,
            "form": form,
            "link_form": link_form,
            "links": _links(initiative, public=False) if initiative else [],
            "may_edit": "edit" in caps(request),
        },
        status=status,
    )


@org_view("edit")
@require_POST
def link_delete(request: StaffRequest, pk: int, link_pk: int) -> HttpResponse:
    link = get_object_or_404(
        InitiativeLink, pk=link_pk, initiative__pk=pk, initiative__organisation=org(request)
    )
    writes.remove_initiative_link(link=link, actor=request.user)
    messages.success(request, _("The link was removed."))
    return redirect("participation:staff_initiative", org=org(request).slug, pk=pk)


@org_view("edit")
@require_POST
def delete(request: StaffRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(DataInitiative, pk=pk, organisation=org(request))
    writes.delete_initiative(initiative=initiative, actor=request.user)
    messages.success(request, _("The initiative was removed."))
    return redirect("participation:staff_initiatives", org=org(request).slug)

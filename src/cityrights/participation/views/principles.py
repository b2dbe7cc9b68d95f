"""The city's digital-rights principles: the public page and version history, and the staff
pages to draft a version, record its approval steps and signatories, adopt it, and link the
actions that carry each principle out.

Drafting needs ``edit``; adopting (a political decision recorded by the city) needs
``review``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import refuse
from cityrights.core.registry import registry
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view

from .. import principles as writes
from .. import selectors
from ..forms import (
    ActionForm,
    AdoptForm,
    ConsultationForm,
    PrincipleForm,
    PrincipleSectionForm,
    PrinciplesVersionForm,
    RecordField,
    SignatoryForm,
    StepForm,
)
from ..models import (
    ApprovalStep,
    Principle,
    PrincipleAction,
    PrincipleSection,
    PrinciplesVersion,
    Signatory,
)
from ..services import ParticipationError
from .common import caps, org, staff_consultation

GET_POST = ["GET", "HEAD", "POST"]


def _linked(organisation: Any, actions: list[PrincipleAction]) -> list[dict[str, Any]]:
    rows = []
    for action in actions:
        record = (
            registry.resolve_link(organisation, action.kind, action.record_id)
            if action.kind
            else None
        )
        kind = registry.linkable_kind(action.kind) if action.kind else None
        rows.append({"action": action, "record": record, "kind": kind})
    return rows


def _tree(version: PrinciplesVersion, organisation: Any) -> list[dict[str, Any]]:
    by_key = selectors.actions_by_key(organisation)
    sections = []
    for section in selectors.principles_tree(version):
        items = []
        for principle in section.principles.all():
            items.append(
                {
                    "principle": principle,
                    "actions": _linked(organisation, by_key.get(principle.key, [])),
                }
            )
        sections.append({"section": section, "principles": items})
    return sections


def _public_page(request: OrgRequest, version: PrinciplesVersion | None) -> HttpResponse:
    organisation = org(request)
    return render(
        request,
        "participation/public/principles.html",
        {
            "version": version,
            "tree": _tree(version, organisation) if version else [],
            "history": selectors.adopted_versions(organisation),
            "current": selectors.current_principles(organisation),
        },
    )


@org_view()
@require_safe
def public_principles(request: OrgRequest) -> HttpResponse:
    return _public_page(request, selectors.current_principles(org(request)))


@org_view()
@require_safe
def public_version(request: OrgRequest, number: int) -> HttpResponse:
    version = selectors.adopted_versions(org(request)).filter(number=number).first()
    if version is None:
        raise Http404(_("The city adopted no version with this number."))
    return _public_page(request, version)


# --------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------


def _require(request: OrgRequest, capability: str) -> None:
    if capability not in caps(request):
        raise PermissionDenied(_("Your role does not allow this change."))


@org_view("view")
@require_http_methods(GET_POST)
def staff_principles(request: StaffRequest) -> HttpResponse:
    organisation = org(request)
    if request.method == "POST":
        _require(request, "edit")
        try:
            version = writes.new_version(organisation=organisation, actor=request.user)
        except ParticipationError as error:
            refuse(request, error)
            return redirect("participation:staff_principles", org=organisation.slug)
        messages.success(request, _("Version %(n)d was started.") % {"n": version.number})
        return redirect(
            "participation:staff_principles_version", org=organisation.slug, pk=version.pk
        )
    return render(
        request,
        "participation/staff/principles.html",
        {
            "versions": selectors.principles_versions(organisation),
            "unimplemented": selectors.principles_without_action(organisation),
            "review_form": ConsultationForm(organisation=organisation, prefix="review"),
            "may_edit": "edit" in caps(request),
        },
    )


@org_view("edit")
@require_http_methods(GET_POST)
def start_review(request: StaffRequest) -> HttpResponse:
    """Open a consultation on the next version of the principles, drafted from the current."""
    organisation = org(request)
    form = ConsultationForm(request.POST or None, organisation=organisation, prefix="review")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                consultation = writes.start_review(
                    organisation=organisation,
                    actor=request.user,
                    values=form.cleaned_data,
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(
                    request, _("The consultation was prepared from the current principles.")
                )
                return redirect(
                    "participation:staff_consultation", org=organisation.slug, pk=consultation.pk
                )
    return render(request, "participation/staff/review_form.html", {"form": form}, status=status)


def _version(request: OrgRequest, pk: int) -> PrinciplesVersion:
    return get_object_or_404(selectors.principles_versions(org(request)), pk=pk)


@org_view("view")
@require_http_methods(GET_POST)
def staff_version(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = org(request)
    version = _version(request, pk)
    form = PrinciplesVersionForm(
        request.POST or None,
        instance=PrinciplesVersion.objects.get(pk=version.pk),
        organisation=organisation,
    )
    status = 200
    if request.method == "POST":
        _require(request, "edit")
        status = 422
        if form.is_valid():
            try:
                writes.update_version(version=version, actor=request.user, values=form.cleaned_data)
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The version was saved."))
                return redirect(
                    "participation:staff_principles_version", org=organisation.slug, pk=pk
                )
    return render(
        request,
        "participation/staff/principles_version.html",
        {
            "version": version,
            "form": form,
            "tree": _tree(version, organisation),
            "step_form": StepForm(organisation=organisation, prefix="step"),
            "signatory_form": SignatoryForm(organisation=organisation, prefix="signatory"),
            "adopt_form": AdoptForm(
                instance=PrinciplesVersion.objects.get(pk=version.pk),
                organisation=organisation,
                prefix="adopt",
            ),
            "steps": version.approval_steps.all(),
            "signatories": version.signatories.all(),
            "may_edit": "edit" in caps(request) and not version.is_adopted,
            "may_adopt": "review" in caps(request) and not version.is_adopted,
        },
        status=status,
    )


@org_view("edit")
@require_http_methods(GET_POST)
def section_edit(request: StaffRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    organisation = org(request)
    version = _version(request, pk)
    section = get_object_or_404(version.sections, pk=section_pk) if section_pk else None
    instance = (
        PrincipleSection.objects.get(pk=section.pk)
        if section
        else PrincipleSection(version=version)
    )
    form = PrincipleSectionForm(request.POST or None, instance=instance, organisation=organisation)
    status = 200
    if request.method == "POST":
        status = 422
        try:
            if "delete" in request.POST and section is not None:
                writes.delete_section(section=section, actor=request.user)
                messages.success(request, _("The section was removed."))
                return redirect(
                    "participation:staff_principles_version", org=organisation.slug, pk=pk
                )
            if form.is_valid():
                writes.save_section(
                    version=version, actor=request.user, values=form.cleaned_data, section=section
                )
                messages.success(request, _("The section was saved."))
                return redirect(
                    "participation:staff_principles_version", org=organisation.slug, pk=pk
                )
        except ParticipationError as error:
            status = refuse(request, error, form=form)
    return render(
        request,
        "participation/staff/principle_form.html",
        {"version": version, "section": section, "form": form, "what": "section"},
        status=status,
    )


@org_view("edit")
@require_http_methods(GET_POST)
def principle_edit(
    request: StaffRequest, pk: int, section_pk: int, principle_pk: int | None = None
) -> HttpResponse:
    organisation = org(request)
    version = _version(request, pk)
    section = get_object_or_404(version.sections, pk=section_pk)
    principle = get_object_or_404(section.principles, pk=principle_pk) if principle_pk else None
    instance = Principle.objects.get(pk=principle.pk) if principle else Principle(section=section)
    form = PrincipleForm(request.POST or None, instance=instance, organisation=organisation)
    status = 200
    if request.method == "POST":
        status = 422
        try:
            if "delete" in request.POST and principle is not None:
                writes.delete_principle(principle=principle, actor=request.user)
                messages.success(request, _("The principle was removed."))
                return redirect(
                    "participation:staff_principles_version", org=organisation.slug, pk=pk
                )
            if form.is_valid():
                writes.save_principle(
                    section=section,
                    actor=request.user,
                    values=form.cleaned_data,
                    principle=principle,
                )
                messages.success(request, _("The principle was saved."))
                return redirect(
                    "participation:staff_principles_version", org=organisation.slug, pk=pk
                )
        except ParticipationError as error:
            status = refuse(request, error, form=form)
    return render(
        request,
        "participation/staff/principle_form.html",
        {
            "version": version,
            "section": section,
            "principle": principle,
            "form": form,
            "what": "principle",
        },
        status=status,
    )


def _back(request: OrgRequest, pk: int) -> HttpResponse:
    return redirect("participation:staff_principles_version", org=org(request).slug, pk=pk)


@org_view("edit")
@require_POST
def step_add(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = org(request)
    version = _version(request, pk)
    form = StepForm(request.POST, organisation=organisation, prefix="step")
    if not form.is_valid():
        messages.error(request, _("Give the body that decided and the date."))
        return _back(request, pk)
    languages = organisation.content_languages
    try:
        writes.add_step(
            version=version,
            actor=request.user,
            body={c: form.cleaned_data.get(f"body_{c}", "") for c in languages},
            decided_on=form.cleaned_data.get("decided_on"),
            note={c: form.cleaned_data.get(f"note_{c}", "") for c in languages},
        )
    except ParticipationError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The approval step was added."))
    return _back(request, pk)


@org_view("edit")
@require_POST
def step_delete(request: StaffRequest, pk: int, step_pk: int) -> HttpResponse:
    version = _version(request, pk)
    step = get_object_or_404(ApprovalStep, pk=step_pk, version=version)
    writes.remove_step(step=step, actor=request.user)
    messages.success(request, _("The approval step was removed."))
    return _back(request, pk)


@org_view("edit")
@require_POST
def signatory_add(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = org(request)
    version = _version(request, pk)
    form = SignatoryForm(request.POST, organisation=organisation, prefix="signatory")
    if not form.is_valid():
        messages.error(request, _("Give the signatory's name."))
        return _back(request, pk)
    try:
        writes.add_signatory(
            version=version,
            actor=request.user,
            name=form.cleaned_data["name"],
            office={
                c: form.cleaned_data.get(f"office_{c}", "") for c in organisation.content_languages
            },
        )
    except ParticipationError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The signatory was added."))
    return _back(request, pk)


@org_view("edit")
@require_POST
def signatory_delete(request: StaffRequest, pk: int, signatory_pk: int) -> HttpResponse:
    version = _version(request, pk)
    signatory = get_object_or_404(Signatory, pk=signatory_pk, version=version)
    writes.remove_signatory(signatory=signatory, actor=request.user)
    messages.success(request, _("The signatory was removed."))
    return _back(request, pk)


@org_view("review")
@require_POST
def adopt(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = org(request)
    version = _version(request, pk)
    form = AdoptForm(
        request.POST,
        instance=PrinciplesVersion.objects.get(pk=version.pk),
        organisation=organisation,
        prefix="adopt",
    )
    if not form.is_valid():
        messages.error(request, _("Give the adopting body and the date of adoption."))
        return _back(request, pk)
    try:
        writes.adopt(
            version=version,
            actor=request.user,
            adopted_by={
                c: form.cleaned_data.get(f"adopted_by_{c}", "")
                for c in organisation.content_languages
            },
            adopted_on=form.cleaned_data.get("adopted_on"),
        )
    except ParticipationError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Version %(n)d is adopted and public.") % {"n": version.number})
    return _back(request, pk)


@org_view("view")
@require_http_methods(GET_POST)
def actions(request: StaffRequest, key: str) -> HttpResponse:
    """The actions that carry out one principle (by key, across versions), and a form to add one."""
    organisation = org(request)
    principle = (
        Principle.objects.filter(section__version__organisation=organisation, key=key)
        .order_by("-section__version__number")
        .first()
    )
    if principle is None:
        raise Http404(_("There is no principle with this key."))
    form = ActionForm(request.POST or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        _require(request, "edit")
        status = 422
        if form.is_valid():
            record_field = form.fields["record"]
            assert isinstance(record_field, RecordField)
            kind, record_id = record_field.split(form.cleaned_data.get("record", ""))
            try:
                writes.add_action(
                    organisation=organisation,
                    actor=request.user,
                    principle_key=key,
                    description=form.descriptions(),
                    kind=kind,
                    record_id=record_id,
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form, field="record")
            else:
                messages.success(request, _("The action was added."))
                return redirect("participation:staff_actions", org=organisation.slug, key=key)
    rows = _linked(
        organisation,
        list(PrincipleAction.objects.filter(organisation=organisation, principle_key=key)),
    )
    return render(
        request,
        "participation/staff/actions.html",
        {
            "principle": principle,
            "actions": rows,
            "form": form,
            "may_edit": "edit" in caps(request),
        },
        status=status,
    )


@org_view("edit")
@require_POST
def action_delete(request: StaffRequest, key: str, action_pk: int) -> HttpResponse:
    action = get_object_or_404(
        PrincipleAction, pk=action_pk, organisation=org(request), principle_key=key
    )
    writes.remove_action(action=action, actor=request.user)
    messages.success(request, _("The action was removed."))
    return redirect("participation:staff_actions", org=org(request).slug, key=key)


@org_view("edit")
@require_POST
def from_consultation(request: StaffRequest, pk: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    try:
        version = writes.from_consultation(consultation=consultation, actor=request.user)
    except ParticipationError as error:
        refuse(request, error)
        return redirect("participation:staff_consultation", org=org(request).slug, pk=pk)
    messages.success(
        request,
        _(
            "Version %(n)d of the principles was made from the final text; "
            "record its approval and adopt it."
        )
        % {"n": version.number},
    )
    return redirect("participation:staff_principles_version", org=org(request).slug, pk=version.pk)

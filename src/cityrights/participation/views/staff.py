"""Staff pages of consultations: set-up, phases, versions and sections, questions, the
moderation queue, the response document and the city's population shares.

Reading needs ``view``; preparing texts, questions and the response needs ``edit``;
moderating (hiding and restoring comments) needs ``review``. Every change is audited by
the service it calls.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import refuse
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view

from .. import phases, selectors, services
from ..forms import (
    ChangeForm,
    ConsultationForm,
    HideForm,
    OutcomeForm,
    PopulationShareForm,
    QuestionForm,
    ResponseIntroForm,
    SectionForm,
    VersionNoteForm,
)
from ..models import (
    Comment,
    CommentStatus,
    Consultation,
    DraftSection,
    DraftVersion,
    Phase,
    PopulationShare,
    Question,
    ResponseChange,
    ResponseDocument,
)
from ..services import ParticipationError
from .common import caps, org, staff_consultation

GET_POST = ["GET", "HEAD", "POST"]


def _to(
    consultation: Consultation, name: str = "participation:staff_consultation", **kw: Any
) -> HttpResponse:
    return redirect(name, org=consultation.organisation.slug, pk=consultation.pk, **kw)


@org_view("view")
@require_safe
def consultations(request: StaffRequest) -> HttpResponse:
    rows = selectors.consultations_of(org(request))
    return render(
        request,
        "participation/staff/consultations.html",
        {"consultations": rows, "counts": selectors.moderation_counts(org(request))},
    )


@org_view("edit")
@require_http_methods(GET_POST)
def consultation_new(request: StaffRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None, organisation=org(request))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                consultation = services.create_consultation(
                    organisation=org(request),
                    actor=request.user,
                    values=form.cleaned_data,
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The consultation was created."))
                return _to(consultation)
    return render(
        request, "participation/staff/consultation_form.html", {"form": form}, status=status
    )


@org_view("edit")
@require_http_methods(GET_POST)
def consultation_edit(request: StaffRequest, pk: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    form = ConsultationForm(
        request.POST or None,
        instance=Consultation.objects.get(pk=consultation.pk),
        organisation=org(request),
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.update_consultation(
                    consultation=consultation,
                    actor=request.user,
                    values=form.cleaned_data,
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The consultation was saved."))
                return _to(consultation)
    return render(
        request,
        "participation/staff/consultation_form.html",
        {"form": form, "consultation": consultation},
        status=status,
    )


@org_view("view")
@require_safe
def consultation(request: StaffRequest, pk: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    moves = phases.allowed_moves(
        consultation.phase,
        has_final_version=consultation.versions.filter(
            is_final=True, published_at__isnull=False
        ).exists(),
        has_contributions=services.has_contributions(consultation),
    )
    counts = consultation.comments.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in CommentStatus.values}
    )
    return render(
        request,
        "participation/staff/consultation.html",
        {
            "consultation": consultation,
            "moves": [(phase, Phase(phase).label) for phase in moves],
            "timeline": selectors.timeline(consultation),
            "versions": consultation.versions.order_by("number"),
            "questions": consultation.questions.count(),
            "submissions": consultation.submissions.filter(is_counted=True).count(),
            "counts": counts,
            "changes": consultation.phase_changes.select_related("by"),
            "may_edit": "edit" in caps(request),
            "response": ResponseDocument.objects.filter(consultation=consultation).first(),
        },
    )


@org_view("edit")
@require_POST
def phase(request: StaffRequest, pk: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    try:
        services.move_phase(
            consultation=consultation,
            actor=request.user,
            to_phase=request.POST.get("phase", ""),
        )
    except ParticipationError as error:
        refuse(request, error)
    else:
        messages.success(
            request,
            _("The consultation is now: %(phase)s.") % {"phase": consultation.get_phase_display()},
        )
    return _to(consultation)


@org_view("edit")
@require_POST
def version_new(request: StaffRequest, pk: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    try:
        version = services.new_version(consultation=consultation, actor=request.user)
    except ParticipationError as error:
        refuse(request, error)
        return _to(consultation)
    messages.success(
        request, _("Version %(n)d was made from the latest one.") % {"n": version.number}
    )
    return _to(consultation, "participation:staff_version", number=version.number)


def _version(consultation: Consultation, number: int) -> DraftVersion:
    return get_object_or_404(consultation.versions, number=number)


@org_view("view")
@require_http_methods(GET_POST)
def version(request: StaffRequest, pk: int, number: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    version = _version(consultation, number)
    form = VersionNoteForm(
        request.POST or None,
        instance=DraftVersion.objects.get(pk=version.pk),
        organisation=org(request),
    )
    status = 200
    if request.method == "POST":
        if "edit" not in caps(request):
            raise PermissionDenied(_("Your role does not allow this change."))
        status = 422
        if form.is_valid():
            note = {
                code: form.cleaned_data.get(f"note_{code}", "")
                for code in org(request).content_languages
            }
            try:
                services.publish_version(
                    version=version,
                    actor=request.user,
                    final=request.POST.get("final") == "1",
                    note=note,
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("Version %(n)d is published.") % {"n": version.number})
                return _to(consultation)
    return render(
        request,
        "participation/staff/version.html",
        {
            "consultation": consultation,
            "version": version,
            "sections": version.sections.all(),
            "form": form,
            "may_edit": "edit" in caps(request) and not version.is_published,
            "may_publish_final": consultation.phase == Phase.CLOSED,
        },
        status=status,
    )


def _section_form(request: OrgRequest, version: DraftVersion, section: DraftSection | None) -> Any:
    instance = DraftSection.objects.get(pk=section.pk) if section else DraftSection(version=version)
    return SectionForm(request.POST or None, instance=instance, organisation=org(request))


@org_view("edit")
@require_http_methods(GET_POST)
def section_new(request: StaffRequest, pk: int, number: int) -> HttpResponse:
    return _section_page(request, pk, number, None)


@org_view("edit")
@require_http_methods(GET_POST)
def section_edit(request: StaffRequest, pk: int, number: int, section_pk: int) -> HttpResponse:
    return _section_page(request, pk, number, section_pk)


def _section_page(
    request: StaffRequest, pk: int, number: int, section_pk: int | None
) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    version = _version(consultation, number)
    section = get_object_or_404(version.sections, pk=section_pk) if section_pk else None
    form = _section_form(request, version, section)
    status = 200
    if request.method == "POST":
        status = 422
        if "delete" in request.POST and section is not None:
            try:
                services.delete_section(section=section, actor=request.user)
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The section was removed."))
                return _to(consultation, "participation:staff_version", number=number)
        elif form.is_valid():
            try:
                services.save_section(
                    version=version,
                    actor=request.user,
                    values=form.cleaned_data,
                    section=section,
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The section was saved."))
                return _to(consultation, "participation:staff_version", number=number)
    return render(
        request,
        "participation/staff/section_form.html",
        {"consultation": consultation, "version": version, "section": section, "form": form},
        status=status,
    )


@org_view("view")
@require_http_methods(GET_POST)
def questions(request: StaffRequest, pk: int) -> HttpResponse:
    return _question_page(request, pk, None)


@org_view("edit")
@require_http_methods(GET_POST)
def question_edit(request: StaffRequest, pk: int, question_pk: int) -> HttpResponse:
    return _question_page(request, pk, question_pk)


def _question_page(request: StaffRequest, pk: int, question_pk: int | None) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    question = get_object_or_404(consultation.questions, pk=question_pk) if question_pk else None
    instance = (
        Question.objects.get(pk=question.pk) if question else Question(consultation=consultation)
    )
    form = QuestionForm(request.POST or None, instance=instance, organisation=org(request))
    status = 200
    if request.method == "POST":
        if "edit" not in caps(request):
            raise PermissionDenied(_("Your role does not allow this change."))
        status = 422
        if "delete" in request.POST and question is not None:
            try:
                services.delete_question(question=question, actor=request.user)
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The question was removed."))
                return _to(consultation, "participation:staff_questions")
        elif form.is_valid():
            try:
                services.save_question(
                    consultation=consultation,
                    actor=request.user,
                    values=form.cleaned_data,
                    choices=form.choice_labels(),
                    question=question,
                )
            except ParticipationError as error:
                status = refuse(
                    request, error, form=form, field=f"choices_{org(request).default_language}"
                )
            else:
                messages.success(request, _("The question was saved."))
                return _to(consultation, "participation:staff_questions")
    return render(
        request,
        "participation/staff/questions.html",
        {
            "consultation": consultation,
            "question": question,
            "questions": consultation.questions.prefetch_related("choices"),
            "form": form,
            "may_edit": "edit" in caps(request),
        },
        status=status,
    )


# --------------------------------------------------------------------------------------
# Moderation
# --------------------------------------------------------------------------------------


@org_view("view")
@require_safe
def moderation(request: StaffRequest) -> HttpResponse:
    organisation = org(request)
    page = Paginator(selectors.moderation_queue(organisation), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/staff/moderation.html",
        {
            "page": page,
            "counts": selectors.moderation_counts(organisation),
            "hidden": selectors.recently_hidden(organisation)[:20],
            "may_moderate": "review" in caps(request),
        },
    )


@org_view("view")
@require_http_methods(GET_POST)
def moderate(request: StaffRequest, comment_pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("consultation", "section"),
        pk=comment_pk,
        consultation__organisation=org(request),
    )
    form = HideForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if "review" not in caps(request):
            raise PermissionDenied(_("Moderating needs the reviewer role."))
        action = request.POST.get("action")
        try:
            if action == "hide":
                if not form.is_valid():
                    raise ParticipationError(
                        _("Give the reason; readers see it in place of the comment."), 422, "reason"
                    )
                services.hide_comment(
                    comment=comment, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("The comment is hidden; its reason is shown in its place.")
                )
            elif action == "restore":
                services.restore_comment(comment=comment, actor=request.user)
                messages.success(request, _("The comment is shown again."))
            elif action == "dismiss":
                services.dismiss_reports(comment=comment, actor=request.user)
                messages.success(request, _("The reports were dismissed."))
            else:
                raise ParticipationError(_("Choose what to do with the comment."), 400)
        except ParticipationError as error:
            status = refuse(request, error, form=form)
        else:
            return redirect("participation:staff_moderation", org=org(request).slug)
    return render(
        request,
        "participation/staff/moderate.html",
        {
            "comment": comment,
            "reports": comment.reports.select_related("reporter", "handled_by"),
            "form": form,
            "may_moderate": "review" in caps(request),
        },
        status=status,
    )


# --------------------------------------------------------------------------------------
# "You said, we did"
# --------------------------------------------------------------------------------------


def _sections_of_final(consultation: Consultation) -> list[tuple[str, str]]:
    version = services._final_or_latest(consultation)
    if version is None:
        return []
    # The heading in the reader's language: the key is an address, not a name.
    return [(s.key, s.heading or s.key) for s in version.sections.all()]


@org_view("view")
@require_http_methods(GET_POST)
def response(request: StaffRequest, pk: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    document = ResponseDocument.objects.filter(consultation=consultation).first()
    intro = ResponseIntroForm(
        request.POST if request.POST.get("form") == "intro" else None,
        instance=document or ResponseDocument(consultation=consultation),
        organisation=org(request),
        prefix="intro",
    )
    change = ChangeForm(
        request.POST if request.POST.get("form") == "change" else None,
        instance=ResponseChange(),
        organisation=org(request),
        sections=_sections_of_final(consultation),
        prefix="change",
    )
    status = 200
    if request.method == "POST":
        if "edit" not in caps(request):
            raise PermissionDenied(_("Your role does not allow this change."))
        status = _response_post(request, consultation, intro, change)
        if status == 302:
            return _to(consultation, "participation:staff_response")
    comments = (
        consultation.comments.filter(status=CommentStatus.VISIBLE, parent__isnull=True)
        .select_related("section")
        .order_by("outcome", "section__position", "created_at")
    )
    page = Paginator(comments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/staff/response.html",
        {
            "consultation": consultation,
            "document": document,
            "intro_form": intro,
            "change_form": change,
            "changes": document.changes.prefetch_related("comments") if document else [],
            "headings": dict(_sections_of_final(consultation)),
            "page": page,
            "missing": comments.filter(outcome="").count(),
            "may_edit": "edit" in caps(request)
            and consultation.phase in (Phase.CLOSED, Phase.FINAL)
            and not (document and document.is_published),
        },
        status=status,
    )


def _response_post(
    request: StaffRequest, consultation: Consultation, intro: Any, change: Any
) -> int:
    which = request.POST.get("form")
    languages = org(request).content_languages
    try:
        if which == "intro":
            if not intro.is_valid():
                return 422
            services.save_response_intro(
                consultation=consultation,
                actor=request.user,
                intro={code: intro.cleaned_data.get(f"intro_{code}", "") for code in languages},
            )
            messages.success(request, _("The introduction was saved."))
        elif which == "change":
            if not change.is_valid():
                return 422
            services.add_change(
                consultation=consultation,
                actor=request.user,
                section_key=change.cleaned_data.get("section_key", ""),
                summary={
                    code: change.cleaned_data.get(f"summary_{code}", "") for code in languages
                },
                comment_ids=change.cleaned_data["comment_numbers"],
            )
            messages.success(request, _("The change was added."))
        elif which == "publish":
            document = services.publish_response(consultation=consultation, actor=request.user)
            messages.success(
                request,
                _("The response is published; %(n)d people who commented are told by e-mail.")
                % {"n": document.notified_count},
            )
        else:
            raise ParticipationError(_("Choose what to do."), 400)
    except ParticipationError as error:
        form = intro if which == "intro" else change if which == "change" else None
        return refuse(request, error, form=form)
    return 302


@org_view("edit")
@require_http_methods(GET_POST)
def outcome(request: StaffRequest, pk: int, comment_pk: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    comment = get_object_or_404(consultation.comments.select_related("section"), pk=comment_pk)
    form = OutcomeForm(
        request.POST or None, instance=Comment.objects.get(pk=comment.pk), organisation=org(request)
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.set_outcome(
                    comment=comment,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    reason={
                        code: form.cleaned_data.get(f"outcome_reason_{code}", "")
                        for code in org(request).content_languages
                    },
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(
                    request, _("The outcome of comment %(n)d was saved.") % {"n": comment.pk}
                )
                return _to(consultation, "participation:staff_response")
    return render(
        request,
        "participation/staff/outcome.html",
        {"consultation": consultation, "comment": comment, "form": form},
        status=status,
    )


@org_view("edit")
@require_POST
def change_delete(request: StaffRequest, pk: int, change_pk: int) -> HttpResponse:
    consultation = staff_consultation(request, pk)
    change = get_object_or_404(ResponseChange, pk=change_pk, document__consultation=consultation)
    try:
        services.delete_change(change=change, actor=request.user)
    except ParticipationError as error:
        refuse(request, error)
    else:
        messages.success(request, _("The change was removed."))
    return _to(consultation, "participation:staff_response")


# --------------------------------------------------------------------------------------
# Population shares
# --------------------------------------------------------------------------------------


@org_view("view")
@require_http_methods(GET_POST)
def population(request: StaffRequest) -> HttpResponse:
    organisation = org(request)
    form = PopulationShareForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if "edit" not in caps(request):
            raise PermissionDenied(_("Your role does not allow this change."))
        status = 422
        if form.is_valid():
            try:
                services.save_population_share(
                    organisation=organisation,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The population share was saved."))
                return redirect("participation:staff_population", org=organisation.slug)
    return render(
        request,
        "participation/staff/population.html",
        {
            "form": form,
            "shares": selectors.population_rows(organisation),
            "may_edit": "edit" in caps(request),
        },
        status=status,
    )


@org_view("edit")
@require_POST
def population_delete(request: StaffRequest, share_pk: int) -> HttpResponse:
    share = get_object_or_404(PopulationShare, pk=share_pk, organisation=org(request))
    services.delete_population_share(share=share, actor=request.user)
    messages.success(request, _("The population share was removed."))
    return redirect("participation:staff_population", org=org(request).slug)

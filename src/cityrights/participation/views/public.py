"""Public pages of a consultation: the draft side by side in the city's languages, sections
with their comments, replies, supports and reports, the open questions and their results,
the comparison of versions, "who took part" and the "you said, we did" response.

Every action works with a plain form post; script only adds passage selection.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core import charts
from cityrights.core.errors import refuse
from cityrights.core.feedback import redirect_to_place
from cityrights.core.tenancy import OrgRequest, org_view
from cityrights.core.translation import language_name, shown, translations

from .. import contributions, selectors, textdiff
from ..contributions import spam_guard
from ..forms import AnswerForm, CommentForm, ProfileForm, ReportForm
from ..markdown import render as render_markdown
from ..models import (
    Comment,
    CommentStatus,
    Consultation,
    DraftSection,
    Phase,
    QuestionKind,
)
from ..services import ParticipationError, current_version
from .common import org, participant, public_consultation

GET_POST = ["GET", "HEAD", "POST"]


def languages_of(consultation: Consultation) -> list[dict[str, str]]:
    return [
        {"code": code, "name": language_name(code)}
        for code in consultation.organisation.content_languages
    ]


def columns(section: DraftSection, languages: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The section in each city language, for the side-by-side reading."""
    result = []
    for language in languages:
        code = language["code"]
        body = getattr(section, f"body_{code}", "")
        result.append(
            {
                "code": code,
                "name": language["name"],
                "heading": getattr(section, f"heading_{code}", ""),
                # Sanitised by nh3 in participation.markdown: only the safe subset remains.
                "body": mark_safe(render_markdown(body)) if body else "",
            }
        )
    return result


def _context(consultation: Consultation, **extra: Any) -> dict[str, Any]:
    response = (
        getattr(consultation, "response", None) if hasattr(consultation, "response") else None
    )
    # One reverse() for the page instead of several per comment (a page shows 50 and more).
    comment_base = reverse(
        "participation:comment",
        kwargs={"org": consultation.organisation.slug, "slug": consultation.slug, "pk": 0},
    )[: -len("0/")]
    return {
        "consultation": consultation,
        "response_published": bool(response and response.is_published),
        "comment_base": comment_base,
        **extra,
    }


@org_view()
@require_safe
def consultations(request: OrgRequest) -> HttpResponse:
    rows = list(selectors.public_consultations(org(request)))
    open_ = [c for c in rows if c.phase in (Phase.QUESTIONS, Phase.DISCUSSION)]
    ended = [c for c in rows if c.phase in (Phase.CLOSED, Phase.FINAL)]
    return render(
        request, "participation/public/consultations.html", {"open": open_, "ended": ended}
    )


@org_view()
@require_safe
def consultation(request: OrgRequest, slug: str) -> HttpResponse:
    consultation = public_consultation(request, slug)
    version = selectors.shown_version(consultation)
    languages = languages_of(consultation)
    sections = []
    counts = selectors.comment_counts(consultation)
    if version is not None:
        for section in selectors.visible_sections(version):
            sections.append(
                {
                    "section": section,
                    "columns": columns(section, languages),
                    "count": counts.get(section.key, 0),
                }
            )
    versions = list(selectors.published_versions(consultation))
    return render(
        request,
        "participation/public/consultation.html",
        _context(
            consultation,
            version=version,
            versions=versions,
            sections=sections,
            languages=languages,
            timeline=selectors.timeline(consultation),
            has_questions=consultation.questions.exists(),
        ),
    )


def _section_of(consultation: Consultation, key: str, number: str | None) -> DraftSection:
    versions = selectors.published_versions(consultation)
    if number and number.isdigit():
        version = get_object_or_404(versions, number=int(number))
    else:
        shown = selectors.shown_version(consultation)
        if shown is None:
            raise_404()
        version = shown
    return get_object_or_404(version.sections, key=key, is_hidden=False)


def raise_404() -> NoReturn:
    from django.http import Http404

    raise Http404(_("This consultation has no published text yet."))


def _comment_form(request: HttpRequest, consultation: Consultation, *, reply: bool) -> CommentForm:
    anonymous = not request.user.is_authenticated
    return CommentForm(request.POST or None, anonymous=anonymous, reply=reply)


def _may_comment(request: HttpRequest, consultation: Consultation, section: DraftSection) -> bool:
    current = current_version(consultation)
    return (
        consultation.phase == Phase.DISCUSSION
        and current is not None
        and section.version_id == current.pk
        and (request.user.is_authenticated or consultation.allow_anonymous)
    )


def _submit(
    request: OrgRequest,
    consultation: Consultation,
    section: DraftSection,
    form: CommentForm,
    parent: Comment | None,
) -> HttpResponse | int:
    """Send a comment form to the service; a redirect, or the status to re-render with."""
    if not form.is_valid():
        return 422
    data = form.cleaned_data
    try:
        spam_guard(trap=data.get("website", ""), elapsed=form.elapsed())
        comment, token = contributions.submit_comment(
            consultation=consultation,
            section=section,
            participant=participant(request, data.get("email", ""), data.get("name", "")),
            body=data["body"],
            quote=data.get("quote", ""),
            parent=parent,
            organisation_name=data.get("organisation_name", ""),
        )
    except ParticipationError as error:
        return refuse(request, error, form=form)
    if token:
        messages.success(
            request,
            _("Thank you. We sent you an e-mail: your comment appears once you open its link."),
        )
    else:
        messages.success(request, _("Thank you, your comment is published."))
    target = comment.parent or comment
    if token and target is comment:
        # Not shown until its link is opened: back to the section, where the message is read
        # (the comment's own page would be "not found" until then).
        return redirect(
            reverse(
                "participation:section",
                kwargs={"org": org(request).slug, "slug": consultation.slug, "key": section.key},
            )
        )
    return redirect(
        reverse(
            "participation:comment",
            kwargs={"org": org(request).slug, "slug": consultation.slug, "pk": target.pk},
        )
        + f"#comment-{comment.pk}"
    )


@org_view()
@require_http_methods(GET_POST)
def section(request: OrgRequest, slug: str, key: str) -> HttpResponse:
    consultation = public_consultation(request, slug)
    section = _section_of(consultation, key, request.GET.get("v"))
    form = _comment_form(request, consultation, reply=False)
    status = 200
    if request.method == "POST":
        result = _submit(request, consultation, section, form, None)
        if isinstance(result, HttpResponse):
            return result
        status = result
    page = Paginator(selectors.section_comments(section), selectors.COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    siblings = list(selectors.visible_sections(section.version))
    index = next((i for i, s in enumerate(siblings) if s.pk == section.pk), 0)
    return render(
        request,
        "participation/public/section.html",
        _context(
            consultation,
            section=section,
            columns=columns(section, languages_of(consultation)),
            page=page,
            form=form,
            may_comment=_may_comment(request, consultation, section),
            previous=siblings[index - 1] if index > 0 else None,
            next=siblings[index + 1] if index + 1 < len(siblings) else None,
            supported=_supported(request, page.object_list),
        ),
        status=status,
    )


def _supported(request: HttpRequest, comments: Any) -> set[int]:
    if not request.user.is_authenticated:
        return set()
    ids = []
    for comment in comments:
        ids.append(comment.pk)
        ids.extend(reply.pk for reply in comment.replies.all())
    from ..models import Support

    return set(
        Support.objects.filter(user=request.user, comment_id__in=ids).values_list(
            "comment_id", flat=True
        )
    )


def _public_comment(consultation: Consultation, pk: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("section", "section__version", "parent"),
        pk=pk,
        consultation=consultation,
        status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN],
    )


@org_view()
@require_http_methods(GET_POST)
def comment(request: OrgRequest, slug: str, pk: int) -> HttpResponse:
    consultation = public_consultation(request, slug)
    comment = _public_comment(consultation, pk)
    if comment.parent_id:
        return redirect(
            reverse(
                "participation:comment",
                kwargs={"org": org(request).slug, "slug": slug, "pk": comment.parent_id},
            )
            + f"#comment-{comment.pk}"
        )
    form = _comment_form(request, consultation, reply=True)
    status = 200
    if request.method == "POST":
        result = _submit(request, consultation, comment.section, form, comment)
        if isinstance(result, HttpResponse):
            return result
        status = result
    replies = list(comment.replies.filter(status__in=[CommentStatus.VISIBLE, CommentStatus.HIDDEN]))
    return render(
        request,
        "participation/public/comment.html",
        _context(
            consultation,
            comment=comment,
            replies=replies,
            form=form,
            may_comment=_may_comment(request, consultation, comment.section) and comment.is_visible,
            supported=_supported(request, [comment]) | _supported_ids(request, replies),
        ),
        status=status,
    )


def _supported_ids(request: HttpRequest, comments: list[Comment]) -> set[int]:
    if not request.user.is_authenticated:
        return set()
    from ..models import Support

    return set(
        Support.objects.filter(user=request.user, comment__in=comments).values_list(
            "comment_id", flat=True
        )
    )


@org_view()
@require_POST
def support(request: OrgRequest, slug: str, pk: int) -> HttpResponse:
    consultation = public_consultation(request, slug)
    comment = _public_comment(consultation, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(
            reverse(
                "participation:comment",
                kwargs={"org": org(request).slug, "slug": slug, "pk": comment.parent_id or pk},
            )
        )
    text, level = _("You support this comment."), messages.SUCCESS
    try:
        contributions.support(comment=comment, user=request.user)
    except ParticipationError as error:
        text, level = error.message, messages.ERROR
    target = request.POST.get("next", "")
    if not target.startswith("/cities/"):
        target = reverse(
            "participation:comment",
            kwargs={"org": org(request).slug, "slug": slug, "pk": comment.parent_id or pk},
        )
    return redirect_to_place(request, target, f"comment-{comment.pk}", text, level=level)


@org_view()
@require_http_methods(GET_POST)
def report(request: OrgRequest, slug: str, pk: int) -> HttpResponse:
    consultation = public_consultation(request, slug)
    comment = _public_comment(consultation, pk)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                spam_guard(trap=form.cleaned_data.get("website", ""), elapsed=form.elapsed())
                contributions.report(
                    comment=comment,
                    participant=participant(request),
                    reason=form.cleaned_data["reason"],
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("Thank you. The moderators will look at it."))
                return redirect(
                    reverse(
                        "participation:comment",
                        kwargs={
                            "org": org(request).slug,
                            "slug": slug,
                            "pk": comment.parent_id or comment.pk,
                        },
                    )
                )
    return render(
        request,
        "participation/public/report.html",
        _context(consultation, comment=comment, form=form),
        status=status,
    )


@org_view()
@require_safe
def version(request: OrgRequest, slug: str, number: int) -> HttpResponse:
    consultation = public_consultation(request, slug)
    version = get_object_or_404(selectors.published_versions(consultation), number=number)
    languages = languages_of(consultation)
    sections = [
        {"section": section, "columns": columns(section, languages)}
        for section in selectors.visible_sections(version)
    ]
    return render(
        request,
        "participation/public/version.html",
        _context(consultation, version=version, sections=sections, languages=languages),
    )


def _texts(version: Any, language: str) -> tuple[dict[str, tuple[str, str]], list[str]]:
    texts: dict[str, tuple[str, str]] = {}
    order: list[str] = []
    for section in selectors.visible_sections(version):
        heading = translations(section, "heading").get(language, "")
        body = translations(section, "body").get(language, "")
        texts[section.key] = (heading, body)
        order.append(section.key)
    return texts, order


@org_view()
@require_safe
def changes(request: OrgRequest, slug: str) -> HttpResponse:
    """What changed between two published versions, per section, in one city language."""
    consultation = public_consultation(request, slug)
    versions = list(selectors.published_versions(consultation))
    numbers = [v.number for v in versions]
    languages = languages_of(consultation)
    codes = [language["code"] for language in languages]
    error = ""
    try:
        new = int(request.GET.get("to") or (numbers[-1] if numbers else 0))
        old = int(request.GET.get("from") or (numbers[-2] if len(numbers) > 1 else new))
    except ValueError:
        old = new = 0
        error = _("Choose two versions from the lists.")
    language = request.GET.get("language") or codes[0]
    if not error and (old not in numbers or new not in numbers):
        error = _("Choose two published versions.")
    if not error and language not in codes:
        error = _("Choose one of the city's languages.")
    diff: list[textdiff.SectionDiff] = []
    if not error and len(numbers) > 1:
        by_number = {v.number: v for v in versions}
        before, order_before = _texts(by_number[old], language)
        after, order_after = _texts(by_number[new], language)
        order = order_after + [key for key in order_before if key not in order_after]
        diff = textdiff.section_diff(before, after, order)
    return render(
        request,
        "participation/public/changes.html",
        _context(
            consultation,
            versions=versions,
            old=old,
            new=new,
            language=language,
            languages=languages,
            diff=diff,
            error=error,
        ),
        status=400 if error else 200,
    )


@org_view()
@require_http_methods(GET_POST)
def questions(request: OrgRequest, slug: str) -> HttpResponse:
    consultation = public_consultation(request, slug)
    items = list(consultation.questions.prefetch_related("choices"))
    anonymous = not request.user.is_authenticated
    form = AnswerForm(request.POST or None, questions=items, anonymous=anonymous)
    already = (
        request.user.is_authenticated
        and consultation.submissions.filter(user=request.user).exists()
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                spam_guard(trap=form.cleaned_data.get("website", ""), elapsed=form.elapsed())
                _submission, token = contributions.submit_answers(
                    consultation=consultation,
                    participant=participant(request, form.cleaned_data.get("email", "")),
                    answers=form.answers(items),
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form, field=None)
            else:
                if token:
                    messages.success(
                        request,
                        _(
                            "Thank you. We sent you an e-mail: "
                            "your answers count once you open its link."
                        ),
                    )
                    return redirect("participation:consultation", org=org(request).slug, slug=slug)
                messages.success(request, _("Thank you, your answers are recorded."))
                return redirect("participation:about_you", org=org(request).slug, slug=slug)
    return render(
        request,
        "participation/public/questions.html",
        _context(
            consultation,
            form=form,
            questions=items,
            already=already,
            is_open=consultation.phase == Phase.QUESTIONS
            and (request.user.is_authenticated or consultation.allow_anonymous),
        ),
        status=status,
    )


@org_view()
@require_safe
def results(request: OrgRequest, slug: str) -> HttpResponse:
    consultation = public_consultation(request, slug)
    items = []
    for result in selectors.question_results(consultation):
        chart = ""
        if result.question.kind != QuestionKind.OPEN and result.rows:
            chart = charts.bar_chart(
                [label for label, _n in result.rows],
                [n for _label, n in result.rows],
                title=str(result.question.text),
                description=_("Number of people who chose each answer."),
                value_format="{:.0f}",
                axis_label=_("people"),
            )
        items.append({"result": result, "chart": chart})
    return render(request, "participation/public/results.html", _context(consultation, items=items))


@org_view()
@require_http_methods(GET_POST)
def confirm(request: OrgRequest, slug: str, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST confirms."""
    consultation = public_consultation(request, slug)
    if request.method != "POST":
        return render(
            request, "participation/public/confirm.html", _context(consultation, done=None)
        )
    try:
        done = contributions.confirm(consultation=consultation, token=token)
    except ParticipationError as error:
        return render(
            request,
            "participation/public/confirm.html",
            _context(consultation, done=None, error=error.message),
            status=error.status,
        )
    return render(
        request,
        "participation/public/confirm.html",
        _context(
            consultation,
            done=done,
            profile_pass=contributions.profile_pass(consultation, done.email),
        ),
    )


@org_view()
@require_http_methods(GET_POST)
def about_you(request: OrgRequest, slug: str) -> HttpResponse:
    consultation = public_consultation(request, slug)
    pass_value = request.POST.get("pass") or request.GET.get("pass", "")
    person = None
    if request.user.is_authenticated:
        person = participant(request)
    else:
        email = contributions.read_profile_pass(consultation, pass_value) if pass_value else None
        if email:
            person = participant(request, email)
    districts = selectors.districts(org(request))
    form = ProfileForm(request.POST or None, districts=districts)
    answered = person is not None and contributions.has_profile(consultation, person)
    status = 200
    if request.method == "POST" and person is not None and not answered:
        status = 422
        if form.is_valid():
            try:
                contributions.record_profile(
                    consultation=consultation,
                    participant=person,
                    districts=districts,
                    **form.cleaned_data,
                )
            except ParticipationError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("Thank you. Your answers only count in the totals."))
                return redirect("participation:who_took_part", org=org(request).slug, slug=slug)
    elif request.method == "POST":
        status = 403 if person is None else 409
    return render(
        request,
        "participation/public/about_you.html",
        _context(consultation, form=form, person=person, answered=answered, pass_value=pass_value),
        status=status,
    )


@org_view()
@require_safe
def who_took_part(request: OrgRequest, slug: str) -> HttpResponse:
    consultation = public_consultation(request, slug)
    dimensions = []
    for result in selectors.who_took_part(consultation):
        chart = ""
        labels, values = [], []
        for row in result.rows:
            labels.append(_("%(group)s: took part") % {"group": row.label})
            values.append(row.share)
            if row.population is not None:
                labels.append(_("%(group)s: population") % {"group": row.label})
                values.append(row.population)
        if result.total is not None:
            chart = charts.bar_chart(
                labels,
                values,
                title=result.label,
                description=_(
                    "Share of the participants who answered, next to the share of the city's "
                    "population; groups of fewer than five people are not shown."
                ),
                max_value=100,
                value_format="{:.0f} %",
                no_data_label=_("not shown"),
            )
        dimensions.append({"result": result, "chart": chart})
    return render(
        request,
        "participation/public/who_took_part.html",
        _context(
            consultation,
            dimensions=dimensions,
            people=consultation.profiles.count(),
        ),
    )


@org_view()
@require_safe
def response(request: OrgRequest, slug: str) -> HttpResponse:
    consultation = public_consultation(request, slug)
    document = getattr(consultation, "response", None)
    if document is None or not document.is_published:
        from django.http import Http404

        raise Http404(_("The city has not published its response yet."))
    changes = list(document.changes.prefetch_related("comments"))
    final = selectors.shown_version(consultation)
    headings = {}
    if final is not None:
        headings = {s.key: shown(s, "heading") for s in final.sections.all()}
    comments = (
        consultation.comments.filter(status=CommentStatus.VISIBLE, parent__isnull=True)
        .select_related("section")
        .prefetch_related("changes")
        .order_by("section__position", "created_at")
    )
    page = Paginator(comments, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/public/response.html",
        _context(
            consultation,
            document=document,
            changes=[{"change": c, "heading": headings.get(c.section_key)} for c in changes],
            page=page,
        ),
    )

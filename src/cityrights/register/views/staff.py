"""Staff pages of the register: entries and their workflow, locations, questions, import, signs.

Capabilities: ``view`` to read (drafts included), ``edit`` to write drafts and handle questions,
``review`` to publish, send back and withdraw. The four-eyes rule is enforced in ``services``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import refuse
from cityrights.core.feedback import redirect_to_place
from cityrights.core.input import upload_limit
from cityrights.core.permissions import can
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view
from cityrights.core.translation import language_name, missing_fingerprint, text_label

from .. import importing, selectors, services, signs
from ..forms import (
    EntryForm,
    ImportForm,
    LocationForm,
    NoteForm,
    QuestionHandleForm,
    SignBatchForm,
)
from ..models import ENTRY_TEXTS, Entry, Location, Question, QuestionStatus, State, TermKind
from .public import labelled

STAFF_PAGE_SIZE = 30


def _entry(request: OrgRequest, pk: int) -> Entry:
    entry = selectors.staff_entry(request.organisation, pk)
    if entry is None:
        raise Http404(_("No such entry in this organisation."))
    return entry


@require_safe
@org_view("view")
def entries(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    state = request.GET.get("state", "")
    mine = request.GET.get("mine") == "1"
    q = request.GET.get("q", "").strip()[:100]
    found = selectors.staff_entries(
        organisation, state=state, mine_of=request.user if mine else None, q=q
    )
    page = Paginator(found.prefetch_related("locations"), STAFF_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    several = len(organisation.content_languages) > 1
    untranslated: dict[int, list[str]] = {}
    for entry in page if several else ():
        codes = {code for gaps in services.missing_translations(entry).values() for code in gaps}
        untranslated[entry.pk] = [
            language_name(code) for code in organisation.content_languages if code in codes
        ]
    from urllib.parse import urlencode

    query = urlencode(
        [(k, v) for k, v in (("state", state), ("q", q)) if v] + ([("mine", "1")] if mine else [])
    )
    return render(
        request,
        "register/staff/entries.html",
        {
            "page": page,
            "states": State.choices,
            "state": state,
            "mine": mine,
            "q": q,
            "query": query,
            "several_languages": several,
            "untranslated": untranslated,
            "open_questions": selectors.open_questions(organisation).count(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def entry_new(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    initial = {}
    membership = request.membership
    if membership and membership.department_id:
        initial["department"] = membership.department_id
    form = EntryForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(
                organisation=organisation,
                actor=request.user,
                data=form.entry_data(),
                terms=form.term_data(),
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(entry.get_staff_url())
    return render(request, "register/staff/entry_form.html", {"form": form, "entry": None})


def _attach(form: EntryForm, error: ValidationError) -> None:
    fields = {"purpose": "purposes", "data_category": "data_categories"}
    fields.update({"legal_basis": "legal_bases", "area": "areas"})
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            target = fields.get(field, field)
            form.add_error(target if target in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def entry_edit(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    if entry.state != State.DRAFT:
        messages.error(request, _("Only drafts can be edited."))
        return redirect(entry.get_staff_url())
    form = EntryForm(request.POST or None, instance=entry, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(
                entry, actor=request.user, data=form.entry_data(), terms=form.term_data()
            )
        except ValidationError as error:
            _attach(form, error)
        except services.WorkflowError as refusal:
            refuse(request, refusal)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(entry.get_staff_url())
    return render(request, "register/staff/entry_form.html", {"form": form, "entry": entry})


@require_safe
@org_view("view")
def entry_detail(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    user = request.user
    organisation = request.organisation
    editable = entry.state == State.DRAFT and can(user, organisation, "edit")
    return render(
        request,
        "register/staff/entry.html",
        {
            "entry": entry,
            "purposes": labelled(entry, TermKind.PURPOSE),
            "categories": labelled(entry, TermKind.DATA_CATEGORY),
            "legal_bases": labelled(entry, TermKind.LEGAL_BASIS),
            "areas": labelled(entry, TermKind.AREA),
            "locations": list(entry.locations.all()),
            "versions": entry.versions.defer("snapshot")[:50],
            "editable": editable,
            "can_edit": can(user, organisation, "edit"),
            "can_review": can(user, organisation, "review"),
            "may_publish": services.may_publish(entry, user),
            "took_part": user in services.contributors_of(entry),
            "missing": services.missing_for_publication(entry) if entry.state == "draft" else [],
            **_translation_review(entry),
            "revision": entry.revisions.first() if not entry.is_revision else None,
            "location_form": LocationForm(organisation=organisation) if editable else None,
            "publish_form": NoteForm(
                label=_("What changed (shown in the public history)"),
                required=False,
                prefix="publish",
            ),
            "send_back_form": NoteForm(label=_("What should the editor change?"), prefix="back"),
            "retire_form": NoteForm(
                label=_("Why is it withdrawn? (shown publicly)"), prefix="retire"
            ),
        },
    )


def _translation_review(entry: Entry) -> dict[str, Any]:
    """What the entry page shows about translations: a table, and the reviewer's check."""
    languages = entry.organisation.content_languages
    gaps = services.missing_translations(entry)
    labels = {name: text_label(Entry, name) for name in ENTRY_TEXTS}
    labels[services.PLACES] = _("descriptions of the places")
    return {
        "languages": languages,
        "language_names": ", ".join(language_name(code) for code in languages),
        "translation_gaps": [
            (labels[name], ", ".join(language_name(code) for code in codes))
            for name, codes in gaps.items()
        ],
        "missing_seen": missing_fingerprint(gaps),
    }


def _step(request: HttpRequest, entry: Entry, action) -> HttpResponse:
    try:
        result = action()
    except services.WorkflowError as refusal:
        refuse(request, refusal)
        return redirect(entry.get_staff_url())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(entry.get_staff_url())
    return result


@require_POST
@org_view("edit")
def entry_submit(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)

    def act() -> HttpResponse:
        services.submit(entry, actor=request.user)
        messages.success(request, _("Sent for review. A reviewer other than you will publish it."))
        return redirect(entry.get_staff_url())

    return _step(request, entry, act)


@require_POST
@org_view("review")
def entry_publish(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = NoteForm(request.POST, required=False, prefix="publish")
    summary = form.cleaned_data["text"] if form.is_valid() else ""
    seen = request.POST.get("missing_seen", "")[:2000]

    def act() -> HttpResponse:
        public = services.publish(
            entry, actor=request.user, change_summary=summary, missing_seen=seen
        )
        messages.success(request, _("Published. Residents can now read it."))
        return redirect(public.get_staff_url())

    return _step(request, entry, act)


@require_POST
@org_view("review")
def entry_send_back(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = NoteForm(request.POST, prefix="back")
    note = form.cleaned_data["text"] if form.is_valid() else ""

    def act() -> HttpResponse:
        services.send_back(entry, actor=request.user, note=note)
        messages.success(request, _("Sent back to the editor."))
        return redirect(entry.get_staff_url())

    return _step(request, entry, act)


@require_POST
@org_view("review")
def entry_retire(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = NoteForm(request.POST, prefix="retire")
    reason = form.cleaned_data["text"] if form.is_valid() else ""

    def act() -> HttpResponse:
        services.retire(entry, actor=request.user, reason=reason)
        messages.success(request, _("The entry was withdrawn. Its page stays readable."))
        return redirect(entry.get_staff_url())

    return _step(request, entry, act)


@require_POST
@org_view("edit")
def entry_revise(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)

    def act() -> HttpResponse:
        revision = services.start_revision(entry, actor=request.user)
        messages.success(
            request, _("A working copy was made. The public keeps seeing the published text.")
        )
        return redirect(revision.get_staff_url())

    return _step(request, entry, act)


@require_POST
@org_view("edit")
def entry_discard(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    organisation = request.organisation
    target = entry.revision_of

    def act() -> HttpResponse:
        services.discard(entry, actor=request.user)
        messages.success(request, _("The draft was deleted."))
        if target is not None:
            return redirect(target.get_staff_url())
        return redirect("register:staff_entries", org=organisation.slug)

    return _step(request, entry, act)


# --- Locations -------------------------------------------------------------------------------


@require_POST
@org_view("edit")
def location_add(request: StaffRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    form = LocationForm(request.POST, organisation=entry.organisation)
    if form.is_valid():
        try:
            services.save_location(
                entry,
                actor=request.user,
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
                description=form.descriptions(),
            )
        except (services.WorkflowError, ValidationError) as error:
            messages.error(request, _message(error))
        else:
            return redirect_to_place(
                request, entry.get_staff_url(), "locations", _("The location was added.")
            )
    return render(request, "register/staff/location_form.html", {"form": form, "entry": entry})


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def location_edit(request: StaffRequest, pk: int, location_pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    location = get_object_or_404(Location, pk=location_pk, entry=entry)
    form = LocationForm(request.POST or None, instance=location, organisation=entry.organisation)
    if request.method == "POST":
        if "delete" in request.POST:
            text, level = _("The location was removed."), messages.SUCCESS
            try:
                services.delete_location(location, actor=request.user)
            except services.WorkflowError as refusal:
                text, level = refusal.message, messages.ERROR
            return redirect_to_place(request, entry.get_staff_url(), "locations", text, level=level)
        if form.is_valid():
            try:
                services.save_location(
                    entry,
                    actor=request.user,
                    location=Location.objects.get(pk=location.pk),
                    latitude=form.cleaned_data["latitude"],
                    longitude=form.cleaned_data["longitude"],
                    description=form.descriptions(),
                )
            except (services.WorkflowError, ValidationError) as error:
                messages.error(request, _message(error))
            else:
                return redirect_to_place(
                    request, entry.get_staff_url(), "locations", _("The location was saved.")
                )
    return render(
        request,
        "register/staff/location_form.html",
        {"form": form, "entry": entry, "location": location},
    )


# --- Questions -------------------------------------------------------------------------------


@require_safe
@org_view("view")
def questions(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    status = request.GET.get("status", QuestionStatus.OPEN)
    if status not in QuestionStatus.values and status != "all":
        status = QuestionStatus.OPEN
    found = selectors.questions(organisation, "" if status == "all" else status)
    page = Paginator(found, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "register/staff/questions.html",
        {
            "page": page,
            "status": status,
            "statuses": QuestionStatus.choices,
            "query": f"status={status}",
            "can_edit": can(request.user, organisation, "edit"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("view")
def question_detail(request: StaffRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    question = get_object_or_404(
        Question.objects.select_related("entry", "handled_by"), pk=pk, organisation=organisation
    )
    may_handle = can(request.user, organisation, "edit")
    form = QuestionHandleForm(
        request.POST or None, initial={"status": question.status, "note": question.staff_note}
    )
    if request.method == "POST":
        if not may_handle:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role does not allow handling questions."))
        if form.is_valid():
            services.handle_question(
                question,
                actor=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The question was updated."))
            return redirect("register:staff_questions", org=organisation.slug)
    return render(
        request,
        "register/staff/question.html",
        {"question": question, "form": form, "may_handle": may_handle},
    )


# --- Import and signs ------------------------------------------------------------------------


@upload_limit(ImportForm.MAX_BYTES)
@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def import_view(request: StaffRequest) -> HttpResponse | StreamingHttpResponse:
    organisation = request.organisation
    form = ImportForm(request.POST or None, request.FILES or None)
    issues: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        known = list(organisation.departments.all())
        departments = [name for d in known for name in d.every_name()] + [d.slug for d in known]
        result = importing.parse_inventory(
            upload.read(),
            upload.name,
            max_bytes=ImportForm.MAX_BYTES,
            departments=departments,
            languages=organisation.content_languages,
        )
        if not result.ok:
            issues = [str(issue) for issue in result.issues]
        else:
            return _import_in_steps(request, result)
    return render(
        request,
        "register/staff/import.html",
        {
            "form": form,
            "issues": issues,
            "headers": importing.template_headers(),
            "max_rows": importing.DEFAULT_MAX_ROWS,
        },
    )


#: Where the streamed import page takes its progress lines and its result.
_PROGRESS, _RESULT = "<!-- progress -->", "<!-- result -->"


def _import_in_steps(
    request: StaffRequest, result: importing.ImportResult
) -> StreamingHttpResponse:
    """Save a checked file and show its progress while it saves, without JavaScript.

    The page is sent in parts as the work goes on: its top, then a line per step (the browser
    shows each as it arrives), then the outcome and the rest of the page. The save is one
    transaction around all the steps, so it is still all or nothing; a visitor who leaves the
    page stops the generator, which rolls the transaction back.
    """
    organisation = request.organisation
    language = translation.get_language()
    page = render_to_string(
        "register/staff/import_progress.html",
        {"progress": mark_safe(_PROGRESS), "result": mark_safe(_RESULT)},
        request=request,
    )
    head, middle, tail = page.replace(_RESULT, _PROGRESS).split(_PROGRESS)
    steps = services.import_steps(result.rows, organisation=organisation, actor=request.user)

    def parts() -> Iterator[str]:
        with translation.override(language):
            yield head
            count = len(result.rows)
            yield _progress_line(
                ngettext(
                    "The file is read: %(count)d row, no problem found.",
                    "The file is read: %(count)d rows, no problem found.",
                    count,
                )
                % {"count": count}
            )
            outcome, issues = None, []
            try:
                while True:
                    try:
                        yield _progress_line(_progress_text(next(steps)))
                    except StopIteration as finished:
                        outcome = finished.value
                        break
            except (ValidationError, services.WorkflowError) as error:
                issues = list(getattr(error, "messages", [str(error)]))
            finally:
                steps.close()  # a visitor who left: the open transaction rolls back
            yield middle
            yield render_to_string(
                "register/staff/import_result.html",
                {"outcome": outcome, "issues": issues, "organisation": organisation},
                request=request,
            )
            yield tail

    response = StreamingHttpResponse(parts(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"  # a proxy such as nginx passes each part on at once
    return response


def _progress_line(text: str) -> str:
    return f"<li>{escape(text)}</li>\n"


def _progress_text(progress: services.ImportProgress) -> str:
    if progress.step == "checked":
        return _("Checked %(done)d of %(total)d rows against the register.") % {
            "done": progress.done,
            "total": progress.total,
        }
    if progress.step == "entries":
        return ngettext("Saved the entry.", "Saved the %(total)d entries.", progress.total) % {
            "total": progress.total
        }
    return _("Saved their purposes, personal data, legal bases and places.")


@require_safe
@org_view("edit")
def import_template(request: StaffRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("The template comes as .csv or .xlsx."))
    organisation = request.organisation
    # The plain columns are the city's first language: the example is written in it, with
    # one of the city's departments, so that it imports as it is.
    department = organisation.departments.order_by("pk").first()
    with translation.override(organisation.content_languages[0]):
        example = importing.template_example(department.name if department else "")
    if fmt == "csv":
        response = HttpResponse(
            importing.template_csv(example=example), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            importing.template_xlsx(example=example),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="register-template.{fmt}"'
    return response


@require_safe
@org_view("view")
def sign_batch(request: StaffRequest) -> HttpResponse:
    organisation = request.organisation
    form = SignBatchForm(request.GET or None, organisation=organisation)
    if request.GET and form.is_valid():
        department = form.cleaned_data["department"]
        found = selectors.department_signs(organisation, department.slug)
        if found:
            pdf = signs.render_pdf(signs.signs_for(found), form.cleaned_data["size"])
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = (
                f'attachment; filename="signs-{department.slug}-{form.cleaned_data["size"]}.pdf"'
            )
            return response
        form.add_error("department", _("This department has no published entries."))
    return render(request, "register/staff/signs.html", {"form": form})

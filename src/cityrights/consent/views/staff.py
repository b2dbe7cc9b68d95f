"""Staff pages under /manage/<org>/consent/: agreements, paper consent, partners, notices, ledger.

Viewers read everything here; editors write agreements, drafts, paper
consents and webhooks; reviewers publish versions and sign checkpoints;
administrators add partners and issue their API keys. Every change is
audited by the service it calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core import audit, duties
from cityrights.core import services as core_services
from cityrights.core.elision import fill
from cityrights.core.errors import refuse
from cityrights.core.models import ApiKey, Organisation
from cityrights.core.permissions import can
from cityrights.core.tenancy import OrgRequest, StaffRequest, org_view
from cityrights.core.translation import language_name, missing_fingerprint, text_label

from .. import ledger, notices, selectors, services
from ..forms import (
    AgreementForm,
    AgreementTitleForm,
    PaperConsentForm,
    PartnerForm,
    PartnerKeyForm,
    VersionForm,
    WebhookForm,
)
from ..models import (
    AGREEMENT_TEXTS,
    AgreementVersion,
    Checkpoint,
    NoticeOutbox,
    ProcessingAgreement,
)


def _org(request: OrgRequest) -> Organisation:
    return request.organisation


@require_safe
@org_view("view")
def agreements(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "consent/staff/agreements.html",
        {"agreements": selectors.agreements_for_staff(_org(request))},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def agreement_create(request: StaffRequest) -> HttpResponse:
    city = _org(request)
    form = AgreementForm(request.POST or None, city=city, prefix="agreement")
    version_form = VersionForm(request.POST or None, city=city, prefix="version")
    if request.method == "POST" and form.is_valid() and version_form.is_valid():
        data = form.agreement_data()
        agreement = services.create_agreement(city, request.user, data, version_form.version_data())
        messages.success(
            request, _("The agreement was created with a draft of version 1 for review.")
        )
        return redirect(agreement.get_absolute_url())
    return render(
        request,
        "consent/staff/agreement_form.html",
        {"form": form, "version_form": version_form},
    )


@require_safe
@org_view("view")
def agreement_detail(request: StaffRequest, pk: int) -> HttpResponse:
    city = _org(request)
    agreement = get_object_or_404(
        ProcessingAgreement.objects.select_related("controller", "recipient"),
        pk=pk,
        organisation=city,
    )
    can_review = can(request.user, city, "review")
    versions = list(agreement.versions.order_by("-number"))
    languages = city.content_languages
    for version in versions:
        gaps = services.missing_translations(version) if not version.is_published else {}
        version.translation_gaps = [  # type: ignore[attr-defined]
            (_text_label(name), ", ".join(language_name(code) for code in codes))
            for name, codes in gaps.items()
        ]
        version.missing_seen = missing_fingerprint(gaps)  # type: ignore[attr-defined]
        # What the reviewer approves: the draft's texts in each language of the city.
        version.wording_rows = (  # type: ignore[attr-defined]
            []
            if version.is_published
            else [
                (
                    language_name(code),
                    code,
                    getattr(version, f"description_{code}"),
                    getattr(version, f"retention_{code}"),
                )
                for code in languages
            ]
        )
        # A reviewer who wrote a draft is told why someone else has to publish it.
        took_part = (
            services.contributors_of(version).kinds_of(request.user)
            if can_review and not version.is_published
            else frozenset()
        )
        version.duty_notice = (  # type: ignore[attr-defined]
            duties.refusal_message(took_part, _("publish it")) if took_part else ""
        )
    return render(
        request,
        "consent/staff/agreement.html",
        {
            "agreement": agreement,
            "versions": versions,
            "current": agreement.current_version(),
            "counts": selectors.consent_counts(agreement),
            "can_edit": can(request.user, city, "edit"),
            "can_review": can_review,
            "several_languages": len(languages) > 1,
            "text_labels": {name: _text_label(name) for name in ("description", "retention")},
            "title_gaps": [
                language_name(code)
                for code in services.missing_translations(agreement).get("title", [])
            ],
        },
    )


def _text_label(name: str) -> str:
    """The name of a text of the terms (the agreement's title or a version's text)."""
    model = ProcessingAgreement if name in AGREEMENT_TEXTS else AgreementVersion
    return text_label(model, name)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def agreement_title(request: StaffRequest, pk: int) -> HttpResponse:
    city = _org(request)
    agreement = get_object_or_404(ProcessingAgreement, pk=pk, organisation=city)
    form = AgreementTitleForm(request.POST or None, instance=agreement, city=city)
    if request.method == "POST" and form.is_valid():
        services.update_title(
            ProcessingAgreement.objects.get(pk=agreement.pk), request.user, form.title_data()
        )
        messages.success(request, _("The title was saved."))
        return redirect(agreement.get_absolute_url())
    return render(
        request, "consent/staff/agreement_title.html", {"form": form, "agreement": agreement}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def version_create(request: StaffRequest, pk: int) -> HttpResponse:
    city = _org(request)
    agreement = get_object_or_404(ProcessingAgreement, pk=pk, organisation=city)
    draft = agreement.versions.filter(status=AgreementVersion.Status.DRAFT).first()
    if draft is not None:
        messages.info(request, _("There is a draft already; change it instead."))
        return redirect("consent:staff_version_edit", org=city.slug, pk=draft.pk)
    latest = agreement.versions.order_by("-number").first()
    initial = {}
    if latest is not None:
        initial = {name: getattr(latest, name) for name in VersionForm.Meta.fields}
    form = VersionForm(request.POST or None, initial=initial, city=city)
    if request.method == "POST" and form.is_valid():
        services.create_version(agreement, request.user, form.version_data())
        messages.success(request, _("The new version was saved as a draft for review."))
        return redirect(agreement.get_absolute_url())
    return render(
        request, "consent/staff/version_form.html", {"form": form, "agreement": agreement}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def version_edit(request: StaffRequest, pk: int) -> HttpResponse:
    city = _org(request)
    version = get_object_or_404(
        AgreementVersion.objects.select_related("agreement"), pk=pk, agreement__organisation=city
    )
    if version.is_published:
        messages.error(request, _("A published version cannot be changed; create a new version."))
        return redirect(version.agreement.get_absolute_url())
    form = VersionForm(request.POST or None, instance=version, city=city)
    if request.method == "POST" and form.is_valid():
        services.update_draft(
            AgreementVersion.objects.get(pk=version.pk), request.user, form.version_data()
        )
        messages.success(request, _("The draft was saved."))
        return redirect(version.agreement.get_absolute_url())
    return render(
        request,
        "consent/staff/version_form.html",
        {"form": form, "agreement": version.agreement, "version": version},
    )


@require_POST
@org_view("review")
def version_publish(request: StaffRequest, pk: int) -> HttpResponse:
    city = _org(request)
    version = get_object_or_404(
        AgreementVersion.objects.select_related("agreement"), pk=pk, agreement__organisation=city
    )
    seen = request.POST.get("missing_seen", "")[:2000]
    try:
        services.publish_version(version, request.user, missing_seen=seen)
    except services.ConsentError as error:
        refuse(request, error)
    else:
        messages.success(
            request, _("Version %(n)s is published: residents now see it.") % {"n": version.number}
        )
    return redirect(version.agreement.get_absolute_url())


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("edit")
def paper(request: StaffRequest) -> HttpResponse:
    city = _org(request)
    form = PaperConsentForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.paper_consent(
                city,
                request.user,
                agreement=data["agreement"],
                action=data["action"],
                categories=data["categories"] or None,
                witness=data["witness"],
                email=data["email"],
                identifier_kind=data["identifier_kind"],
                identifier_value=data["identifier_value"],
                name=data["name"],
            )
        except services.ConsentError as error:
            refuse(request, error, form=form)
        else:
            if event is None:
                messages.info(request, _("Nothing changed: this was already the case."))
            else:
                messages.success(
                    request,
                    _("The paper form was recorded as ledger event %(id)s.") % {"id": event.pk},
                )
            return redirect("consent:staff_paper", org=city.slug)
    return render(request, "consent/staff/paper.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("view")
def partners(request: StaffRequest) -> HttpResponse:
    city = _org(request)
    may_manage = can(request.user, city, "manage")
    form = PartnerForm(request.POST or None, prefix="partner") if may_manage else None
    key_form = PartnerKeyForm(None, city=city, prefix="key") if may_manage else None
    new_secret = None
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(_("Only administrators add partners and issue their keys."))
        if "key-partner" in request.POST:
            key_form = PartnerKeyForm(request.POST, city=city, prefix="key")
            if key_form.is_valid():
                _key, new_secret = services.issue_partner_key(
                    city,
                    key_form.cleaned_data["partner"],
                    request.user,
                    key_form.cleaned_data["name"],
                    key_form.cleaned_data["scopes"],
                )
                key_form = PartnerKeyForm(None, city=city, prefix="key")
            form = PartnerForm(prefix="partner")
        elif form is not None and form.is_valid():
            data = {name: form.cleaned_data[name] for name in PartnerForm.Meta.fields}
            partner = services.create_partner(city, request.user, data)
            messages.success(request, _("%(name)s was added.") % {"name": partner.name})
            return redirect("consent:staff_partners", org=city.slug)
    partner_list = selectors.partners_with_webhooks(city)
    keys = ApiKey.objects.filter(organisation__city=city).select_related("organisation")
    return render(
        request,
        "consent/staff/partners.html",
        {
            "partners": partner_list,
            "keys": keys,
            "form": form,
            "key_form": key_form,
            "new_secret": new_secret,
        },
    )


@require_POST
@org_view("manage")
def partner_key_revoke(request: StaffRequest, pk: int) -> HttpResponse:
    """An administrator stops a partner's API key at once (audited in the city's trail)."""
    city = _org(request)
    key = get_object_or_404(ApiKey, pk=pk, organisation__city=city)
    if core_services.revoke_api_key(key=key, actor=request.user):
        messages.success(
            request,
            fill(
                _(
                    "The key %(prefix)s of %(partner)s was revoked: its software is refused "
                    "from now on."
                ),
                {"prefix": f"crk_{key.prefix}", "partner": key.organisation.name},
            ),
        )
    return redirect("consent:staff_partners", org=city.slug)


@require_POST
@org_view("manage")
def partner_webhooks_off(request: StaffRequest, pk: int) -> HttpResponse:
    """An administrator stops every notice to a partner (each webhook switched off, audited)."""
    city = _org(request)
    partner = get_object_or_404(Organisation, pk=pk, city=city)
    count = services.switch_off_partner_webhooks(city=city, partner=partner, actor=request.user)
    messages.success(
        request,
        fill(
            _("%(count)d webhooks of %(partner)s were switched off."),
            {"count": count, "partner": partner.name},
        ),
    )
    return redirect("consent:staff_partners", org=city.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("view")
def webhooks(request: StaffRequest) -> HttpResponse:
    city = _org(request)
    may_edit = can(request.user, city, "edit")
    form = WebhookForm(request.POST or None, city=city) if may_edit else None
    new_secret = None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only editors register webhooks."))
        assert form is not None
        if form.is_valid():
            _hook, new_secret = services.create_webhook(
                form.cleaned_data["recipient"], form.cleaned_data["url"], actor=request.user
            )
            form = WebhookForm(city=city)
    return render(
        request,
        "consent/staff/webhooks.html",
        {"webhooks": selectors.city_webhooks(city), "form": form, "new_secret": new_secret},
    )


@require_POST
@org_view("edit")
def webhook_toggle(request: StaffRequest, pk: int) -> HttpResponse:
    city = _org(request)
    hook = get_object_or_404(selectors.city_webhooks(city), pk=pk)
    services.set_webhook_active(hook, not hook.active, actor=request.user)
    if hook.active:
        messages.success(request, _("The webhook receives notices again."))
    else:
        messages.success(request, _("The webhook was switched off."))
    return redirect("consent:staff_webhooks", org=city.slug)


@require_safe
@org_view("view")
def outbox(request: StaffRequest) -> HttpResponse:
    city = _org(request)
    status = request.GET.get("status", "")
    rows = selectors.outbox(city)
    if status in NoticeOutbox.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "consent/staff/outbox.html",
        {
            "page": page,
            "counts": selectors.outbox_counts(city),
            "statuses": NoticeOutbox.Status.choices,
            "selected": status,
        },
    )


@require_POST
@org_view("edit")
def outbox_retry(request: StaffRequest, pk: int) -> HttpResponse:
    city = _org(request)
    row = get_object_or_404(selectors.outbox(city), pk=pk)
    with transaction.atomic():
        notices.retry_now(row)
        audit.record(
            actor=request.user,
            organisation=city,
            action="retry",
            obj=row,
            object_repr=f"notice {row.pk} → {row.webhook.url}",
        )
    messages.success(request, _("The notice will be sent again within a minute."))
    return redirect("consent:staff_outbox", org=city.slug)


@require_safe
@org_view("view")
def ledger_status(request: StaffRequest) -> HttpResponse:
    city = _org(request)
    checkpoints = Paginator(Checkpoint.objects.order_by("-size"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consent/staff/ledger.html",
        {
            "status": selectors.ledger_status(city),
            "page": checkpoints,
            "can_review": can(request.user, city, "review"),
        },
    )


@require_POST
@org_view("review")
def checkpoint_now(request: StaffRequest) -> HttpResponse:
    city = _org(request)
    with transaction.atomic():
        cp = ledger.checkpoint()
        if cp is not None:
            audit.record(
                actor=request.user,
                organisation=city,
                action="checkpoint",
                object_type="consent.checkpoint",
                object_id=str(cp.size),
                object_repr=f"ledger checkpoint {cp.size}",
            )
    if cp is None:
        messages.info(request, _("The ledger is empty: there is nothing to sign yet."))
    else:
        messages.success(
            request, _("The ledger was signed at %(size)s events.") % {"size": cp.size}
        )
    return redirect("consent:staff_ledger", org=city.slug)

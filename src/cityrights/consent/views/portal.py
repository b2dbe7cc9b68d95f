"""The resident's pages under /cities/<org>/my-data/: consents, history, access log, receipts.

Any logged-in account may use them. Every object is looked up through the
person's own data subject, so an id belonging to someone else is a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cityrights.core.errors import refuse
from cityrights.core.feedback import redirect_to_place
from cityrights.core.models import User
from cityrights.core.tenancy import OrgRequest, org_view

from .. import issuing, ledger, selectors, services
from ..forms import EraseForm
from ..models import DataSubject, EventKind, LedgerEvent, ProcessingAgreement


class PortalRequest(OrgRequest):
    """A request through :func:`resident_view`: a logged-in person and their subject, if any."""

    user: User
    subject: DataSubject | None


def resident_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
    """A city's page for any logged-in person (the city's public-page rule applies too)."""

    @org_view()
    @wraps(view)
    def wrapper(request: PortalRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.subject = services.subject_for_user(request.organisation, request.user)
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@resident_view
def overview(request: PortalRequest) -> HttpResponse:
    consent, other = selectors.portal(request.organisation, request.subject)
    return render(
        request,
        "consent/portal/overview.html",
        {"consent_agreements": consent, "other_agreements": other, "subject": request.subject},
    )


ACTIONS = {
    "grant": (EventKind.GRANT, gettext_lazy("Your consent was recorded.")),
    "renew": (EventKind.RENEW, gettext_lazy("Your consent was renewed.")),
    "withdraw": (
        EventKind.WITHDRAW,
        gettext_lazy("Your consent was withdrawn. The recipient is told."),
    ),
}


@require_POST
@resident_view
def change(request: PortalRequest, pk: int) -> HttpResponse:
    organisation = request.organisation
    agreement = get_object_or_404(ProcessingAgreement, pk=pk, organisation=organisation)
    action = request.POST.get("action", "")
    category = request.POST.get("category") or None
    if action not in ACTIONS:
        messages.error(request, _("Choose to give, renew or withdraw consent."))
        return redirect("consent:portal", org=organisation.slug)
    kind, done = ACTIONS[action]
    subject = request.subject or services.subject_for_user(organisation, request.user, create=True)
    assert subject is not None  # create=True always gives one
    try:
        event = services.change_consent(
            subject, agreement, action=kind, categories=[category] if category else None
        )
    except services.ConsentError as error:
        refuse(request, error)
        return redirect("consent:portal", org=organisation.slug)
    place = f"agreement-{agreement.pk}"
    if event is None:
        text, level = _("Nothing changed: this was already the case."), messages.INFO
    else:
        text, level = str(done), messages.SUCCESS
    return redirect_to_place(request, _portal_url(organisation.slug), place, text, level=level)


def _portal_url(slug: str) -> str:
    from django.urls import reverse

    return reverse("consent:portal", kwargs={"org": slug})


@require_safe
@resident_view
def history(request: PortalRequest) -> HttpResponse:
    page = Paginator(selectors.history(request.subject), 50).get_page(request.GET.get("page"))
    return render(request, "consent/portal/history.html", {"page": page})


@require_safe
@resident_view
def access_log(request: PortalRequest) -> HttpResponse:
    page = Paginator(selectors.access_log(request.subject), 50).get_page(request.GET.get("page"))
    return render(request, "consent/portal/access_log.html", {"page": page})


def _own_event(request: PortalRequest, pk: int) -> LedgerEvent:
    subject = request.subject
    if subject is None:
        raise Http404(_("There is no such receipt."))
    return get_object_or_404(
        LedgerEvent.objects.select_related(
            "agreement_version__agreement__controller", "agreement_version__agreement__recipient"
        ),
        pk=pk,
        subject=subject,
    )


@require_safe
@resident_view
def receipt(request: PortalRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    payload = issuing.payload_for(event)
    proof = ledger.inclusion_proof(event)
    return render(
        request,
        "consent/portal/receipt.html",
        {
            "event": event,
            "payload": payload,
            "version": event.agreement_version,
            "agreement": event.agreement_version.agreement,
            "proof": proof,
            "receipt_id": payload["header"]["receiptId"],
            "facts": issuing.receipt_facts(event, payload),
        },
    )


@require_safe
@resident_view
def receipt_jws(request: PortalRequest, pk: int) -> HttpResponse:
    event = _own_event(request, pk)
    response = HttpResponse(issuing.token_for(event), content_type="application/jose")
    response["Content-Disposition"] = f'attachment; filename="receipt-{event.pk}.jws"'
    return response


@require_safe
@resident_view
def export(request: PortalRequest) -> HttpResponse:
    data = selectors.export(request.organisation, request.user, request.subject)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="my-data-{request.organisation.slug}.json"'
    )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@resident_view
def erase(request: PortalRequest) -> HttpResponse:
    organisation = request.organisation
    subject = request.subject
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if subject is not None:
            services.erase_subject(subject)
        messages.success(
            request,
            _("Your identifying data was destroyed and every consent withdrawn."),
        )
        return redirect("consent:portal", org=organisation.slug)
    return render(request, "consent/portal/erase.html", {"form": form, "subject": subject})

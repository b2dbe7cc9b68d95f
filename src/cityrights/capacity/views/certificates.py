"""Certificates: staff lists and revocation, downloads for holders and staff, and the
public verification of a code or of a downloaded credential.

The public verification page shows the name, programme, kind, date and status of a
certificate, and nothing else. The issuer profile, the achievements and the status
lists are public JSON (or signed JWT) documents that verifiers read.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe

from cityrights.core.errors import ServiceError, refuse
from cityrights.core.permissions import can
from cityrights.core.tenancy import OrgRequest, StaffRequest, get_organisation, org_view
from cityrights.core.translation import city_languages, current_language

from .. import certificates, credentials, printing
from ..forms import RevokeForm, VerifyCodeForm, VerifyCredentialForm
from ..models import Certificate, CertificateKind, Programme
from .common import caps, download, get_programme, programme_trail


def _certificate(request: OrgRequest, pk: int) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related("programme", "person", "organisation"),
        pk=pk,
        organisation=request.organisation,
    )


def _may_download(request: HttpRequest, certificate: Certificate) -> bool:
    """The holder, and members of the city who may read its data; nobody once the holder
    deleted their account (the city no longer has the name to print)."""
    user = request.user
    if not user.is_authenticated or certificate.name_erased:
        return False
    return certificate.person_id == user.pk or can(user, certificate.organisation, "view")


@require_http_methods(["GET", "HEAD", "POST"])
@org_view("view")
def certificate(request: StaffRequest, pk: int) -> HttpResponse:
    found = _certificate(request, pk)
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can(request.user, found.organisation, "review"):
            raise PermissionDenied(_("Only a reviewer or an administrator revokes certificates."))
        if form.is_valid():
            try:
                certificates.revoke(
                    certificate=found,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                )
            except ServiceError as error:
                status = refuse(request, error, form=form)
            else:
                messages.success(request, _("The certificate is revoked; verifiers see it now."))
                return redirect("capacity:certificate", org=found.organisation.slug, pk=pk)
        else:
            status = 422
    return render(
        request,
        "capacity/certificates/detail.html",
        {
            "certificate": found,
            "form": form,
            "held": caps(request),
            "trail": programme_trail(request, found.programme),
        },
        status=status,
    )


@require_safe
@org_view()
def certificate_pdf(request: OrgRequest, pk: int) -> HttpResponse:
    found = _certificate(request, pk)
    if not _may_download(request, found):
        raise Http404(_("No such certificate."))
    body = printing.certificate_pdf(found, current_language())
    return download(body, f"certificate-{found.code}.pdf", "application/pdf")


@require_safe
@org_view()
def certificate_credential(request: OrgRequest, pk: int) -> HttpResponse:
    """The Open Badges credential as a ``.jwt`` file (media type ``application/vc+jwt``)."""
    found = _certificate(request, pk)
    if not _may_download(request, found):
        raise Http404(_("No such certificate."))
    return download(found.credential, f"certificate-{found.code}.jwt", "application/vc+jwt")


@require_safe
@org_view("view")
def programme_pdf(request: StaffRequest, pk: int) -> HttpResponse:
    """Every valid certificate of a programme in one PDF, one page each."""
    found = get_programme(request, pk)
    valid = certificates.valid_certificates(found)
    if not valid:
        messages.error(request, _("This programme has no valid certificate to print."))
        return redirect("capacity:programme", org=found.organisation.slug, pk=pk)
    body = printing.certificates_pdf(valid, current_language())
    return download(body, f"certificates-programme-{found.pk}.pdf", "application/pdf")


# --------------------------------------------------------------------------------------
# Public verification (no city in the address: a code is unique on the installation)
# --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def verify_form(request: HttpRequest) -> HttpResponse:
    """Type a code, or paste a downloaded credential, and see whether it is valid."""
    code_form = VerifyCodeForm(request.GET if "code" in request.GET else None)
    credential_form = VerifyCredentialForm(request.POST or None)
    if code_form.is_bound and code_form.is_valid():
        code = certificates.normalise_code(code_form.cleaned_data["code"])
        return redirect("capacity:verify", code=code)
    result = None
    status = 200
    if request.method == "POST":
        if credential_form.is_valid():
            result = credentials.verify(credential_form.cleaned_data["credential"])
            status = 200 if result.valid else 422
        else:
            status = 422
    return render(
        request,
        "capacity/verify_form.html",
        {"code_form": code_form, "credential_form": credential_form, "result": result},
        status=status,
    )


@require_safe
def verify(request: OrgRequest, code: str) -> HttpResponse:
    normalised = certificates.normalise_code(code)
    if normalised != code:
        return redirect("capacity:verify", code=normalised)
    found = (
        Certificate.objects.select_related("programme", "organisation")
        .filter(code=normalised)
        .first()
    )
    if found is None:
        return render(
            request,
            "capacity/verify.html",
            {"certificate": None, "code": code, "code_form": VerifyCodeForm()},
            status=404,
        )
    request.organisation = found.organisation
    with city_languages(found.organisation.content_languages):
        return render(request, "capacity/verify.html", {"certificate": found, "code": code})


# --------------------------------------------------------------------------------------
# Documents verifiers read: issuer profile, achievements, status lists
# --------------------------------------------------------------------------------------


def _public_json(data: object) -> HttpResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def issuer(request: HttpRequest, org: str) -> HttpResponse:
    """The city as an Open Badges issuer ``Profile``."""
    organisation = get_organisation(org)
    if not organisation.is_city:
        raise Http404(_("There is no city at this address."))
    return _public_json(
        {"@context": list(credentials.OB_CONTEXT), **credentials.issuer_profile(organisation)}
    )


@require_safe
def achievement(request: HttpRequest, org: str, pk: int, kind: str) -> HttpResponse:
    """What a rule of a programme rewards (public: certificates point at it)."""
    organisation = get_organisation(org)
    programme = get_object_or_404(Programme, pk=pk, organisation=organisation)
    if kind not in CertificateKind.values or not programme.certificates.filter(kind=kind).exists():
        raise Http404(_("No such achievement."))
    body = credentials.achievement(programme, kind, current_language())
    return _public_json({"@context": list(credentials.OB_CONTEXT), **body})


@require_safe
@cache_control(public=True, max_age=300)
def status_list(request: HttpRequest, org: str, number: int) -> HttpResponse:
    """A revocation status list, signed (``application/vc+jwt``), or as JSON on request."""
    organisation = get_organisation(org)
    if not organisation.is_city:
        raise Http404(_("There is no city at this address."))
    if request.GET.get("format") == "json":
        return _public_json(credentials.status_list_credential(organisation, number))
    body = credentials.signed_status_list(organisation, number)
    response = HttpResponse(body, content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    response["Link"] = '<{}>; rel="alternate"; type="application/json"'.format(
        reverse("capacity:status_list", kwargs={"org": org, "number": number}) + "?format=json"
    )
    return response

"""API routes of the participation app, mounted at /api/v1/participation/.

Public and read-only, like the public pages: a city's consultations (not those in
preparation), the published versions of their draft in every city language, their
comments (never pending ones; a hidden comment comes with its reason instead of its text;
no names or e-mail addresses of residents), the adopted principles with their actions,
and the data initiatives with their roles. City texts come as ``{language: text}`` maps.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Router, Schema
from ninja.errors import HttpError

from cityrights.core.models import Organisation
from cityrights.core.permissions import membership_for
from cityrights.core.registry import registry
from cityrights.core.translation import translations

from . import selectors
from .models import CitizenRole, CommentStatus, Consultation, PrinciplesVersion

router = Router(tags=["participation"])

MAX_PAGE_SIZE = 200
Texts = dict[str, str]


class PhaseOut(Schema):
    phase: str
    planned: date | None
    began: datetime | None
    state: str


class ConsultationSummaryOut(Schema):
    slug: str
    title: Texts
    phase: str
    allow_anonymous: bool
    for_principles: bool
    url: str


class SectionOut(Schema):
    key: str
    position: int
    part: Texts
    heading: Texts
    body: Texts
    comments: int


class VersionOut(Schema):
    number: int
    final: bool
    published_at: datetime | None
    note: Texts
    sections: list[SectionOut]


class ConsultationOut(ConsultationSummaryOut):
    summary: Texts
    timeline: list[PhaseOut]
    versions: list[VersionOut]
    response_published: bool


class CommentOut(Schema):
    number: int
    reply_to: int | None
    section: str
    version: int
    passage: str
    text: str
    organisation: str
    supports: int
    written_at: datetime
    hidden: bool
    hidden_reason: str
    outcome: str
    outcome_reason: Texts


class CommentPageOut(Schema):
    count: int
    page: int
    pages: int
    comments: list[CommentOut]


class ActionOut(Schema):
    description: Texts
    kind: str
    title: str
    url: str


class PrincipleOut(Schema):
    key: str
    title: Texts
    text: Texts
    actions: list[ActionOut]
    internal_actions: int


class PrincipleSectionOut(Schema):
    title: Texts
    principles: list[PrincipleOut]


class StepOut(Schema):
    body: Texts
    decided_on: date
    note: Texts


class SignatoryOut(Schema):
    name: str
    office: Texts


class PrinciplesOut(Schema):
    number: int
    title: Texts
    preamble: Texts
    adopted_by: Texts
    adopted_on: date | None
    approval_steps: list[StepOut]
    signatories: list[SignatoryOut]
    sections: list[PrincipleSectionOut]
    earlier_versions: list[int]


class LinkOut(Schema):
    kind: str
    title: str
    url: str


class InitiativeOut(Schema):
    slug: str
    title: Texts
    summary: Texts
    results: Texts
    roles: list[str]
    partners: list[str]
    starts_on: date | None
    ends_on: date | None
    links: list[LinkOut]
    url: str


def _organisation(request: HttpRequest, org: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=org).first()
    if organisation is None or (
        not organisation.is_public and membership_for(request.user, organisation) is None
    ):
        raise HttpError(404, f"No public city with the slug '{org}'.")
    return organisation


def _consultation(request: HttpRequest, org: str, slug: str) -> Consultation:
    organisation = _organisation(request, org)
    consultation = selectors.public_consultations(organisation).filter(slug=slug).first()
    if consultation is None:
        raise HttpError(404, f"No public consultation with the slug '{slug}'.")
    return consultation


def _url(path: str) -> str:
    return settings.CITYRIGHTS_BASE_URL + path


def _summary(consultation: Consultation) -> dict:
    return {
        "slug": consultation.slug,
        "title": translations(consultation, "title"),
        "phase": consultation.phase,
        "allow_anonymous": consultation.allow_anonymous,
        "for_principles": consultation.for_principles,
        "url": _url(consultation.get_absolute_url()),
    }


@router.get(
    "/{org}/consultations",
    response=list[ConsultationSummaryOut],
    auth=None,
    summary=gettext_noop("A city's consultations (open and ended)"),
)
def list_consultations(request: HttpRequest, org: str) -> list[dict]:
    organisation = _organisation(request, org)
    return [_summary(c) for c in selectors.public_consultations(organisation)]


@router.get(
    "/{org}/consultations/{slug}",
    response=ConsultationOut,
    auth=None,
    summary=gettext_noop("A consultation: timeline and the published versions of its draft"),
)
def consultation_detail(request: HttpRequest, org: str, slug: str) -> dict:
    consultation = _consultation(request, org, slug)
    versions = []
    for version in selectors.published_versions(consultation).prefetch_related("sections"):
        versions.append(
            {
                "number": version.number,
                "final": version.is_final,
                "published_at": version.published_at,
                "note": translations(version, "note"),
                "sections": [
                    {
                        "key": s.key,
                        "position": s.position,
                        "part": translations(s, "part"),
                        "heading": translations(s, "heading"),
                        "body": translations(s, "body"),
                        "comments": s.comment_count,
                    }
                    for s in version.sections.all()
                    if not s.is_hidden
                ],
            }
        )
    document = getattr(consultation, "response", None)
    return {
        **_summary(consultation),
        "summary": translations(consultation, "summary"),
        "timeline": [
            {k: item[k] for k in ("phase", "planned", "began", "state")}
            for item in selectors.timeline(consultation)
        ],
        "versions": versions,
        "response_published": bool(document and document.is_published),
    }


@router.get(
    "/{org}/consultations/{slug}/comments",
    response=CommentPageOut,
    auth=None,
    summary=gettext_noop("A consultation's comments, without personal data"),
)
def list_comments(
    request: HttpRequest,
    org: str,
    slug: str,
    section: str = "",
    page: int = 1,
    page_size: int = 100,
) -> dict:
    consultation = _consultation(request, org, slug)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise HttpError(422, f"page_size must be between 1 and {MAX_PAGE_SIZE}.")
    if page < 1:
        raise HttpError(422, "page starts at 1.")
    rows = (
        consultation.comments.filter(
            Q(status=CommentStatus.VISIBLE) | Q(status=CommentStatus.HIDDEN),
            section__is_hidden=False,
        )
        .select_related("section", "section__version")
        .order_by("created_at", "id")
    )
    if section:
        rows = rows.filter(section__key=section)
    count = rows.count()
    start = (page - 1) * page_size
    comments = []
    for comment in rows[start : start + page_size]:
        hidden = comment.status == CommentStatus.HIDDEN
        comments.append(
            {
                "number": comment.pk,
                "reply_to": comment.parent_id,
                "section": comment.section.key,
                "version": comment.section.version.number,
                "passage": "" if hidden else comment.quote,
                "text": "" if hidden else comment.body,
                "organisation": comment.organisation_name,
                "supports": comment.support_count,
                "written_at": comment.created_at,
                "hidden": hidden,
                "hidden_reason": comment.hidden_reason,
                "outcome": comment.outcome,
                "outcome_reason": translations(comment, "outcome_reason"),
            }
        )
    return {
        "count": count,
        "page": page,
        "pages": max(1, -(-count // page_size)),
        "comments": comments,
    }


def _principles(organisation: Organisation, version: PrinciplesVersion) -> dict:
    by_key = selectors.actions_by_key(organisation)
    sections = []
    for section in selectors.principles_tree(version):
        principles = []
        for principle in section.principles.all():
            shown, internal = [], 0
            for action in by_key.get(principle.key, []):
                record = (
                    registry.resolve_link(organisation, action.kind, action.record_id)
                    if action.kind
                    else None
                )
                if action.kind and (record is None or not record.public_url):
                    internal += 1
                    continue
                shown.append(
                    {
                        "description": translations(action, "description"),
                        "kind": action.kind,
                        "title": record.title if record else "",
                        "url": _url(record.public_url) if record else "",
                    }
                )
            principles.append(
                {
                    "key": principle.key,
                    "title": translations(principle, "title"),
                    "text": translations(principle, "text"),
                    "actions": shown,
                    "internal_actions": internal,
                }
            )
        sections.append({"title": translations(section, "title"), "principles": principles})
    return {
        "number": version.number,
        "title": translations(version, "title"),
        "preamble": translations(version, "preamble"),
        "adopted_by": translations(version, "adopted_by"),
        "adopted_on": version.adopted_on,
        "approval_steps": [
            {
                "body": translations(step, "body"),
                "decided_on": step.decided_on,
                "note": translations(step, "note"),
            }
            for step in version.approval_steps.all()
        ],
        "signatories": [
            {"name": s.name, "office": translations(s, "office")} for s in version.signatories.all()
        ],
        "sections": sections,
        "earlier_versions": [
            v.number for v in selectors.adopted_versions(organisation).exclude(pk=version.pk)
        ],
    }


@router.get(
    "/{org}/principles",
    response=PrinciplesOut,
    auth=None,
    summary=gettext_noop("The city's adopted digital-rights principles and their actions"),
)
def principles(request: HttpRequest, org: str) -> dict:
    organisation = _organisation(request, org)
    version = selectors.current_principles(organisation)
    if version is None:
        raise HttpError(404, "This city has not adopted principles yet.")
    return _principles(organisation, version)


@router.get(
    "/{org}/initiatives",
    response=list[InitiativeOut],
    auth=None,
    summary=gettext_noop("The city's data initiatives, optionally for one citizen role"),
)
def initiatives(request: HttpRequest, org: str, role: str = "") -> list[dict]:
    organisation = _organisation(request, org)
    if role and role not in CitizenRole.values:
        raise HttpError(422, f"Unknown role '{role}'; roles are {', '.join(CitizenRole.values)}.")
    rows = selectors.initiatives_of(organisation, public_only=True).prefetch_related("links")
    if role:
        rows = rows.filter(roles__role=role)
    result = []
    for initiative in rows:
        links = []
        for link in initiative.links.all():
            record = registry.resolve_link(organisation, link.kind, link.record_id)
            if record is not None and record.public_url:
                links.append(
                    {"kind": link.kind, "title": record.title, "url": _url(record.public_url)}
                )
        result.append(
            {
                "slug": initiative.slug,
                "title": translations(initiative, "title"),
                "summary": translations(initiative, "summary"),
                "results": translations(initiative, "results"),
                "roles": [r.role for r in initiative.roles.all()],
                "partners": initiative.partner_list,
                "starts_on": initiative.starts_on,
                "ends_on": initiative.ends_on,
                "links": links,
                "url": _url(initiative.get_absolute_url()),
            }
        )
    return result

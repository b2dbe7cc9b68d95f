"""Core API routes: who am I, organisations, departments, audit events."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, field_validator

from . import selectors, services
from .api_auth import principal, require
from .errors import refusals
from .input import MAX_ID
from .models import Department, Organisation
from .translation import city_languages, translations

router = Router(tags=["core"])


class MembershipOut(Schema):
    organisation: str
    role: str


class MeOut(Schema):
    kind: str
    name: str
    organisation: str | None = None
    memberships: list[MembershipOut] = []
    scopes: list[str] = []


class OrganisationOut(Schema):
    slug: str
    name: str = Field(description=gettext_noop("The official name, as on signed documents."))
    local_names: dict[str, str] = Field(
        description=gettext_noop(
            "The name as residents write it, in every language where it differs from the "
            "official name."
        )
    )
    kind: str
    country: str
    website: str
    postal_address: str = Field(
        description=gettext_noop(
            "Where residents can write, in the language asked for, else the city's."
        )
    )
    postal_addresses: dict[str, str] = Field(
        description=gettext_noop("The postal address in every language that has one.")
    )

    @staticmethod
    def resolve_postal_address(organisation: Organisation) -> str:
        with city_languages(organisation.content_languages):
            return str(organisation.postal_address)

    @staticmethod
    def resolve_postal_addresses(organisation: Organisation) -> dict[str, str]:
        return translations(organisation, "postal_address")

    @staticmethod
    def resolve_local_names(organisation: Organisation) -> dict[str, str]:
        return translations(organisation, "local_name")


class DepartmentOut(Schema):
    id: int
    slug: str
    name: str = Field(
        description=gettext_noop("The name in the language asked for, else the city's.")
    )
    names: dict[str, str] = Field(
        description=gettext_noop("The name in every language that has one.")
    )


def _department_out(department: Department, organisation: Organisation) -> DepartmentOut:
    with city_languages(organisation.content_languages):
        return DepartmentOut(
            id=department.pk,
            slug=department.slug,
            name=department.name,
            names=translations(department, "name"),
        )


class DepartmentIn(Schema):
    name: str = Field(
        default="",
        max_length=200,
        description=gettext_noop("The name in the city's first language."),
    )
    names: dict[str, str] = Field(
        default_factory=dict,
        description=gettext_noop(
            'The name per language, e.g. {"fr": "Mobilité", "nl": "Mobiliteit"}; '
            "languages not given keep their text."
        ),
    )
    slug: str = Field(default="", max_length=60, pattern=r"^[-a-z0-9]*$")
    contact_email: str = Field(default="", max_length=254)

    @field_validator("contact_email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError as error:
                raise ValueError("not a valid e-mail address") from error
        return value


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict


def _visible_org(request: HttpRequest, slug: str) -> Organisation:
    organisation = selectors.organisation_by_slug(slug)
    if organisation is None:
        raise HttpError(404, f"No organisation with the slug '{slug}'.")
    return organisation


@router.get("/me", response=MeOut, summary=gettext_noop("Who is calling"))
def me(request: HttpRequest) -> MeOut:
    who = principal(request)
    if who.key is not None:
        return MeOut(
            kind="api_key",
            name=who.key.name,
            organisation=who.key.organisation.slug,
            scopes=list(who.key.scopes),
        )
    assert who.user is not None
    memberships = [
        MembershipOut(organisation=m.organisation.slug, role=m.role)
        for m in who.user.memberships.select_related("organisation")
    ]
    kind = "staff" if memberships else "resident"
    return MeOut(kind=kind, name=str(who.user), memberships=memberships)


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    auth=None,
    description=gettext_noop("Public cities and the organisations that work with them."),
)
def organisations(request: HttpRequest) -> list[Organisation]:
    return list(selectors.public_organisations())


@router.get("/organisations/{slug}", response=OrganisationOut, auth=None)
def organisation(request: HttpRequest, slug: str) -> Organisation:
    found = get_object_or_404(selectors.public_organisations(), slug=slug)
    return found


@router.get("/organisations/{slug}/departments", response=list[DepartmentOut])
def departments(request: HttpRequest, slug: str) -> list:
    org = _visible_org(request, slug)
    require(request, org, "view")
    return [_department_out(department, org) for department in selectors.departments(org)]


@router.post(
    "/organisations/{slug}/departments",
    response={201: DepartmentOut},
    openapi_extra=refusals(409),
)
def create_department(request: HttpRequest, slug: str, payload: DepartmentIn) -> Status:
    org = _visible_org(request, slug)
    who = require(request, org, "manage")
    values = payload.model_dump()
    names = values.pop("names")
    if values["name"]:
        names = {org.content_languages[0]: values["name"], **names}
    values["name"] = names
    department = services.create_department(
        organisation=org, actor=who.user, api_key=who.key, **values
    )
    return Status(201, _department_out(department, org))


@router.get("/organisations/{slug}/audit-events", response=list[AuditEventOut])
def audit_events(
    request: HttpRequest,
    slug: str,
    limit: int = Query(50, ge=1, le=500),
    before_id: int | None = Query(None, ge=1, le=MAX_ID),
) -> list[AuditEventOut]:
    org = _visible_org(request, slug)
    require(request, org, "manage")
    events = selectors.audit_events(org, before_id=before_id)
    return [
        AuditEventOut(
            id=e.id,
            at=e.at,
            actor=e.actor_label,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            object_repr=e.object_repr,
            changes=e.changes,
        )
        for e in events[:limit]
    ]

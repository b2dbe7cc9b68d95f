"""Changes to an organisation's own set-up: members, departments, settings and API keys.

Each function is the only writer of what it changes: it takes keyword arguments that
forms or API schemas have already parsed, checks the rules that need the database, makes
the change in one transaction and writes the audit event. Pages and the API only parse,
call and render; a refusal is a ``ServiceError`` (see ``core.errors``) carrying the field
it concerns.

The rows are read again inside the transaction (locked where the database can), so the
audit trail shows what was stored before, not what a form already put on the object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import audit
from .errors import ServiceError
from .mail import send_welcome
from .models import ApiKey, Department, Membership, Organisation, Role, User
from .translation import field_names, interface_languages, set_translations

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser | None

MEMBERSHIP_FIELDS = ["role", "department"]
#: A department's columns: its name in every language, its short name and its address.
DEPARTMENT_FIELDS = [*field_names("name"), "slug", "contact_email"]
#: What an administrator may change in the organisation's settings page.
SETTINGS_FIELDS = [
    "name",
    *field_names("local_name"),
    "default_language",
    "additional_languages",
    "is_public",
    "website",
    "contact_email",
    *field_names("postal_address"),
    "primary_colour",
    "accent_colour",
    "logo",
]


# --------------------------------------------------------------------------------------
# Members
# --------------------------------------------------------------------------------------


def _keep_an_administrator(membership: Membership) -> None:
    """Refuse when ``membership`` is the organisation's last administrator.

    Called before a change that would take its administrator role away (a new role or
    removal). The other administrators' rows are locked so that two administrators
    demoting each other at the same moment cannot both succeed.
    """
    if membership.role != Role.ADMIN:
        return
    others = (
        Membership.objects.select_for_update()
        .filter(organisation=membership.organisation, role=Role.ADMIN)
        .exclude(pk=membership.pk)
    )
    if not list(others):
        raise ServiceError(_("The organisation needs at least one administrator."), 409, "role")


def _check_department(organisation: Organisation, department: Department | None) -> None:
    if department is not None and department.organisation != organisation:
        raise ServiceError(_("The department belongs to another organisation."), 422, "department")


def add_member(
    *,
    organisation: Organisation,
    actor: Actor,
    email: str,
    role: str,
    name: str = "",
    department: Department | None = None,
    language: str = "",
) -> Membership:
    """Give the person with ``email`` a role; an account is created (and welcomed) if none.

    A new account reads its pages and its welcome e-mail in ``language`` (the city's
    default language if none is given); an existing account keeps its own choice.
    """
    email = email.strip().lower()
    _check_department(organisation, department)
    refusal = ServiceError(_("This person is already a member."), 409, "email")
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise refusal
    try:
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            created = user is None
            if user is None:
                # Until they choose one under My account.
                user = User.objects.create_user(
                    email=email, name=name, language=language or organisation.default_language
                )
            membership = Membership.objects.create(
                user=user, organisation=organisation, role=role, department=department
            )
            audit.record(
                actor=actor,
                organisation=organisation,
                action="create",
                obj=membership,
                changes={"role": membership.role, "department": membership.department},
            )
    except IntegrityError as error:  # added by someone else in the meantime
        raise refusal from error
    if created:
        send_welcome(user, organisation)
    return membership


def update_membership(
    *, membership: Membership, actor: Actor, role: str, department: Department | None
) -> Membership:
    """Change a member's role or department; the last administrator keeps that role."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        _check_department(current.organisation, department)
        if role != Role.ADMIN:
            _keep_an_administrator(current)
        audit.update(
            current,
            {"role": role, "department": department},
            actor=actor,
            organisation=current.organisation,
        )
    return current


def remove_member(*, membership: Membership, actor: Actor) -> None:
    """End a membership (the account stays); never the last administrator's."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        _keep_an_administrator(current)
        audit.delete(
            current,
            actor=actor,
            organisation=current.organisation,
            changes={"role": current.role},
        )


# --------------------------------------------------------------------------------------
# Departments
# --------------------------------------------------------------------------------------


def _department_names(organisation: Organisation, name: str | Mapping[str, str]) -> dict[str, str]:
    """``name`` as ``{language: text}``: a plain text is the city's first language.

    Refused when no language has a text, when a language is not the site's or a text is
    longer than the column.
    """
    values = dict(name) if isinstance(name, Mapping) else {organisation.content_languages[0]: name}
    offered = interface_languages()
    unknown = sorted(code for code in values if code not in offered)
    if unknown:
        raise ServiceError(
            _("Unknown language: %(codes)s. Choose among %(offered)s.")
            % {"codes": ", ".join(unknown), "offered": ", ".join(offered)},
            422,
            "name",
        )
    field = Department._meta.get_field(field_names("name")[0])
    assert isinstance(field, models.CharField)
    limit = field.max_length or 0
    names = {code: (values.get(code) or "").strip() for code in offered if code in values}
    if any(len(text) > limit for text in names.values()):
        raise ServiceError(
            _("A department's name has at most %(count)d characters.") % {"count": limit},
            422,
            "name",
        )
    if not any(names.values()):
        raise ServiceError(_("Give the department a name."), 422, "name")
    return names


def _free_slug(organisation: Organisation, slug: str, *, name: str, current: int | None) -> str:
    """The department's short name (from ``name`` when empty), refused if taken."""
    field = Department._meta.get_field("slug")
    assert isinstance(field, models.SlugField)
    slug = slug or slugify(name)[: field.max_length]
    if not slug:
        raise ServiceError(
            _("Give the department a short name of letters, digits and hyphens."), 422, "slug"
        )
    others = Department.objects.filter(organisation=organisation, slug=slug)
    if current is not None:
        others = others.exclude(pk=current)
    if others.exists():
        raise ServiceError(_("Another department uses this short name."), 409, "slug")
    return slug


def _first_name(organisation: Organisation, names: Mapping[str, str]) -> str:
    """The name in the city's first language, else in the first language that has one."""
    for code in (*organisation.content_languages, *interface_languages()):
        if names.get(code):
            return names[code]
    return ""


def create_department(
    *,
    organisation: Organisation,
    actor: Actor,
    name: str | Mapping[str, str],
    slug: str = "",
    contact_email: str = "",
    api_key: ApiKey | None = None,
) -> Department:
    """A new department; ``api_key`` names the key that asked, in the audit trail.

    ``name`` is ``{language: text}`` (the staff form, the API) or one text in the city's
    first language.
    """
    names = _department_names(organisation, name)
    slug = _free_slug(organisation, slug, name=_first_name(organisation, names), current=None)
    try:
        with transaction.atomic():
            department = Department(
                organisation=organisation, slug=slug, contact_email=contact_email
            )
            set_translations(department, "name", names)
            department.save()
            audit.record(
                actor=actor,
                organisation=organisation,
                action="create",
                obj=department,
                changes=audit.snapshot(department, DEPARTMENT_FIELDS),
                object_repr=f"{department} (via API key {api_key.prefix})" if api_key else "",
            )
    except IntegrityError as error:  # the same short name, created in the meantime
        raise ServiceError(_("Another department uses this short name."), 409, "slug") from error
    return department


def update_department(
    *,
    department: Department,
    actor: Actor,
    name: str | Mapping[str, str],
    slug: str,
    contact_email: str,
) -> Department:
    """Change a department; languages ``name`` does not mention keep their text."""
    with transaction.atomic():
        current = Department.objects.select_for_update().get(pk=department.pk)
        names = _department_names(current.organisation, name)
        kept = {code: getattr(current, column) for code, column in _name_columns()}
        after = {**kept, **names}
        if not any(after.values()):
            raise ServiceError(_("Give the department a name."), 422, "name")
        first = _first_name(current.organisation, after)
        slug = _free_slug(current.organisation, slug, name=first, current=current.pk)
        audit.update(
            current,
            {
                **{column: after[code] for code, column in _name_columns()},
                "slug": slug,
                "contact_email": contact_email,
            },
            actor=actor,
            organisation=current.organisation,
        )
    return current


def _name_columns() -> list[tuple[str, str]]:
    return list(zip(interface_languages(), field_names("name"), strict=True))


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


def update_settings(
    *, organisation: Organisation, actor: Actor, values: Mapping[str, Any]
) -> Organisation:
    """Store the settings page's ``values`` (names from ``SETTINGS_FIELDS``, as a form
    cleans them: a file, ``False`` to clear the logo, ``None`` to keep it)."""
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:  # a caller's mistake, not a person's: no form offers other fields
        raise ValueError(f"Not a setting of the settings page: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        before = audit.snapshot(current, SETTINGS_FIELDS)
        for name, value in values.items():
            current._meta.get_field(name).save_form_data(current, value)  # type: ignore[union-attr]
        try:
            current.full_clean()
        except ValidationError as error:
            field, problems = next(iter(error.message_dict.items()))
            raise ServiceError(problems[0], 422, field) from error
        current.save()
        changes = audit.diff(before, audit.snapshot(current, SETTINGS_FIELDS))
        if changes:  # saving the page unchanged is not an event of the log
            audit.record(
                actor=actor, organisation=current, action="update", obj=current, changes=changes
            )
    return current


# --------------------------------------------------------------------------------------
# API keys
# --------------------------------------------------------------------------------------


def issue_api_key(
    *,
    organisation: Organisation,
    actor: Actor,
    name: str,
    scopes: Iterable[str],
    expires_on: date | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret, shown once; it works until the end of ``expires_on``."""
    expires_at = timezone.make_aware(datetime.combine(expires_on, time.max)) if expires_on else None
    creator = actor if isinstance(actor, User) else None
    with transaction.atomic():
        key, secret = ApiKey.issue(
            organisation, name, list(scopes), created_by=creator, expires_at=expires_at
        )
        audit.record(
            actor=actor,
            organisation=organisation,
            action="create",
            obj=key,
            changes={"scopes": key.scopes, "expires_at": key.expires_at},
        )
    return key, secret


def revoke_api_key(*, key: ApiKey, actor: Actor) -> bool:
    """Stop ``key`` working now; False when it was revoked already (nothing changes).

    A partner's key is recorded in its city's audit trail, where the partner is managed.
    """
    with transaction.atomic():
        current = ApiKey.objects.select_for_update().select_related("organisation").get(pk=key.pk)
        if current.revoked_at is not None:
            return False
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        holder = current.organisation
        city = holder.city if holder.city_id else holder
        audit.record(
            actor=actor,
            organisation=city,
            action="revoke",
            obj=current,
            object_repr=f"{holder}: {current}" if city != holder else "",
            changes={"revoked_at": current.revoked_at},
        )
    key.revoked_at = current.revoked_at
    return True

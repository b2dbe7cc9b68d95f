"""Writes of the consent app: subjects, consent changes, erasure, agreements, webhooks, partners.

Views and API routes call these; each runs in one transaction and, for
staff, writes its audit event inside it. Ledger mechanics are in
:mod:`cityrights.consent.ledger`; here is what a person may do.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cityrights.core import audit, duties
from cityrights.core.errors import ServiceError
from cityrights.core.models import ApiKey, Organisation, User
from cityrights.core.permissions import can
from cityrights.core.translation import field_names, missing_fingerprint, missing_languages

from . import keys, ledger, outbound
from .models import (
    AGREEMENT_TEXTS,
    VERSION_TEXTS,
    AgreementVersion,
    ConsentState,
    DataSubject,
    EventKind,
    EventMethod,
    ExternalIdentifier,
    LedgerEvent,
    ProcessingAgreement,
    Webhook,
)
from .pseudonyms import (
    DecryptionError,
    ErasedError,
    decrypt_field,
    encrypt_field,
    identifier_hash,
    new_subject_id,
    new_subject_key,
    unwrap_subject_key,
    wrap_subject_key,
)


class ConsentError(ServiceError):
    """A consent change that is refused (see :mod:`cityrights.core.errors`).

    Most refusals are about the state of an agreement or a record ("no published terms
    yet", "erased"): 409 unless the raise says otherwise.
    """

    status = 409


# --- data subjects --------------------------------------------------------------------------
def create_subject(
    city: Organisation, *, user: User | None = None, identity: dict[str, str] | None = None
) -> DataSubject:
    """A new pseudonymous subject whose identifying data is sealed with its own key."""
    pseudonym = new_subject_id()
    subject_key = new_subject_key()
    details = dict(identity or {})
    if user is not None:
        details.setdefault("email", user.email)
        details.setdefault("name", user.name)
    return DataSubject.objects.create(
        organisation=city,
        pseudonym=pseudonym,
        user=user,
        wrapped_key=wrap_subject_key(keys.master_key(), pseudonym, subject_key),
        identity=encrypt_field(subject_key, pseudonym, "identity", json.dumps(details)),
    )


def subject_for_user(city: Organisation, user: User, *, create: bool = False) -> DataSubject | None:
    """The account's subject in this city (one per account and city)."""
    subject = DataSubject.objects.filter(organisation=city, user=user).first()
    if subject is not None or not create:
        return subject
    try:
        with transaction.atomic():
            return create_subject(city, user=user)
    except IntegrityError:  # a concurrent request created it first
        return DataSubject.objects.get(organisation=city, user=user)


def identity_of(subject: DataSubject) -> dict[str, Any] | None:
    """The decrypted identifying data, or None once erased."""
    if not subject.wrapped_key:
        return None
    try:
        key = unwrap_subject_key(keys.master_key(), subject.pseudonym, subject.wrapped_key)
        return dict(json.loads(decrypt_field(key, subject.pseudonym, "identity", subject.identity)))
    except (DecryptionError, ErasedError, ValueError):
        return None


def identifier_digest(kind: str, value: str) -> str:
    return identifier_hash(keys.pepper(), kind, value)


def subject_by_identifier(city: Organisation, kind: str, value: str) -> DataSubject | None:
    try:
        digest = identifier_digest(kind, value)
    except ValueError:
        return None
    row = (
        ExternalIdentifier.objects.filter(organisation=city, kind=kind, value_hash=digest)
        .select_related("subject")
        .first()
    )
    return row.subject if row else None


def link_identifier(subject: DataSubject, kind: str, value: str) -> ExternalIdentifier:
    digest = identifier_digest(kind, value)
    row, _created = ExternalIdentifier.objects.get_or_create(
        organisation=subject.organisation,
        kind=kind,
        value_hash=digest,
        defaults={"subject": subject},
    )
    if row.subject_id != subject.pk:
        raise ConsentError(_("This identifier belongs to another person's record."))
    return row


# --- consent changes ------------------------------------------------------------------------
def granted_categories(subject: DataSubject, agreement: ProcessingAgreement) -> dict[str, Any]:
    """``category -> ConsentState`` of the categories currently given (and not lapsed)."""
    now = timezone.now()
    return {
        state.category: state
        for state in ConsentState.objects.filter(
            subject=subject, agreement=agreement, status=ConsentState.Status.GRANTED
        )
        if state.expires_at is None or state.expires_at > now
    }


def _agreement_open(agreement: ProcessingAgreement) -> AgreementVersion:
    if not agreement.consent_based:
        raise ConsentError(
            _(
                "This agreement rests on %(basis)s, not on consent; "
                "it cannot be granted or withdrawn."
            )
            % {"basis": agreement.legal_basis_label}
        )
    version = agreement.current_version()
    if version is None:
        raise ConsentError(_("This agreement has no published terms yet."))
    return version


def change_consent(
    subject: DataSubject,
    agreement: ProcessingAgreement,
    *,
    action: str,
    categories: Iterable[str] | None = None,
    method: str = EventMethod.WEB,
    witness: str | None = None,
) -> LedgerEvent | None:
    """Grant, renew or withdraw consent for some or all categories of an agreement.

    ``categories=None`` means the whole agreement. Returns the new event, or
    None when nothing changes (e.g. withdrawing what was never given).
    """
    if subject.organisation_id != agreement.organisation_id:
        raise ConsentError(_("This agreement belongs to another city."), 404, "agreement")
    if subject.erased_at is not None:
        raise ConsentError(_("This record was erased."))
    version = _agreement_open(agreement)
    wanted = set(categories) if categories is not None else None
    current = granted_categories(subject, agreement)
    if action in (EventKind.GRANT, EventKind.RENEW):
        if version.expires_on and version.expires_on < timezone.localdate():
            raise ConsentError(_("This agreement has ended; consent can no longer be given."))
        allowed = set(version.data_categories)
        scope = allowed if wanted is None else wanted
        unknown = scope - allowed
        if unknown or not scope:
            raise ConsentError(
                _("Choose data categories that are part of this agreement."), 422, "categories"
            )
        if action == EventKind.GRANT:
            scope = {c for c in scope if c not in current or current[c].version_id != version.pk}
        else:
            scope = {c for c in scope if c in current}
        kind = action
    elif action == EventKind.WITHDRAW:
        scope = set(current) if wanted is None else wanted & set(current)
        lapsed = set(
            ConsentState.objects.filter(
                subject=subject, agreement=agreement, status=ConsentState.Status.GRANTED
            ).values_list("category", flat=True)
        )
        # A consent that lapsed by time can still be withdrawn explicitly.
        scope |= (lapsed if wanted is None else wanted & lapsed) - scope
        kind = EventKind.WITHDRAW
    else:
        raise ConsentError(_("Unknown action."), 422, "action")
    if not scope:
        return None
    if kind != EventKind.WITHDRAW:
        return ledger.append(
            subject, kind=kind, version=version, categories=scope, method=method, witness=witness
        )
    # A withdrawal is recorded under the version each consent was given for.
    groups: dict[AgreementVersion, set[str]] = {}
    for state in ConsentState.objects.filter(
        subject=subject, agreement=agreement, category__in=scope
    ).select_related("version"):
        groups.setdefault(state.version, set()).add(state.category)
    event = None
    with transaction.atomic():
        for given, cats in sorted(groups.items(), key=lambda item: item[0].number):
            event = ledger.append(
                subject, kind=kind, version=given, categories=cats, method=method, witness=witness
            )
    return event


def record_expiries(now: datetime | None = None) -> int:
    """Write an ``expire`` event for every consent whose time ran out. Returns how many."""
    now = now or timezone.now()
    due: dict[tuple[int, int], list[ConsentState]] = {}
    for state in ConsentState.objects.filter(
        status=ConsentState.Status.GRANTED, expires_at__lte=now
    ).select_related("version"):
        due.setdefault((state.subject_id, state.version_id), []).append(state)
    written = 0
    for (subject_id, _version_id), states in due.items():
        ledger.append(
            subject_id,
            kind=EventKind.EXPIRE,
            version=states[0].version,
            categories=[state.category for state in states],
            method=EventMethod.SYSTEM,
        )
        written += 1
    return written


def erase_subject(subject: DataSubject, *, method: str = EventMethod.WEB) -> int:
    """Withdraw every consent, then destroy the subject's key and every link to the person.

    The ledger keeps its events (pseudonymous, hashed) and still verifies;
    nothing in it can be tied to the person any more. Returns the number of
    withdrawals written.
    """
    withdrawn = 0
    with transaction.atomic():
        subject = DataSubject.objects.select_for_update().get(pk=subject.pk)
        if subject.erased_at is not None:
            return 0
        agreement_ids = (
            ConsentState.objects.filter(subject=subject, status=ConsentState.Status.GRANTED)
            .values_list("agreement_id", flat=True)
            .distinct()
        )
        for agreement in ProcessingAgreement.objects.filter(pk__in=list(agreement_ids)):
            if not agreement.consent_based or agreement.current_version() is None:
                continue
            if change_consent(subject, agreement, action=EventKind.WITHDRAW, method=method):
                withdrawn += 1
        ExternalIdentifier.objects.filter(subject=subject).delete()
        DataSubject.objects.filter(pk=subject.pk).update(
            user=None, wrapped_key="", identity="", erased_at=timezone.now()
        )
    return withdrawn


def erase_account(user: User) -> bool:
    """A person deletes their account: erase their data subject in every city (see above)."""
    subjects = DataSubject.objects.filter(user=user, erased_at__isnull=True)
    found = False
    for subject in subjects:
        erase_subject(subject, method=EventMethod.WEB)
        found = True
    return found


# --- agreements (staff) ---------------------------------------------------------------------
VERSION_FIELDS = [
    "purposes",
    "data_categories",
    *(column for name in VERSION_TEXTS for column in field_names(name)),
    "expires_on",
    "consent_valid_days",
]
AGREEMENT_FIELDS = [*field_names("title"), "slug", "controller", "recipient"]


def missing_translations(obj: ProcessingAgreement | AgreementVersion) -> dict[str, list[str]]:
    """Texts that have no version yet in some of the city's languages: ``{field: [codes]}``.

    For a version, its texts and its agreement's title (residents read them together). A
    text left empty in every language is not missing. The reviewer sees the list before
    publishing (see :func:`publish_version`).
    """
    agreement = obj if isinstance(obj, ProcessingAgreement) else obj.agreement
    languages = agreement.organisation.content_languages
    gaps = missing_languages(agreement, AGREEMENT_TEXTS, languages)
    if isinstance(obj, AgreementVersion):
        gaps.update(missing_languages(obj, VERSION_TEXTS, languages))
    return gaps


def create_agreement(
    city: Organisation, actor: User, data: dict[str, Any], version_data: dict[str, Any]
) -> ProcessingAgreement:
    with transaction.atomic():
        agreement = ProcessingAgreement.objects.create(organisation=city, created_by=actor, **data)
        version = AgreementVersion.objects.create(
            agreement=agreement, number=1, created_by=actor, **version_data
        )
        _took_part(version, actor, duties.Kind.CREATED)
        audit.record(
            actor=actor,
            organisation=city,
            action="create",
            obj=agreement,
            changes={
                **audit.snapshot(agreement, AGREEMENT_FIELDS),
                "legal_basis": agreement.legal_basis,
                "version": version.number,
            },
        )
    return agreement


def update_title(agreement: ProcessingAgreement, actor: User, data: dict[str, str]) -> None:
    """Write the agreement's title in the given languages (``{"title_nl": …}``).

    The title names the agreement; it is not part of a version's frozen wording, so staff
    can complete its translations after publication. Receipts show it, but their text hash
    covers the versions' texts only.
    """
    if set(data) - set(field_names("title")):
        raise ValueError("Only the title's columns can be written here.")
    with transaction.atomic():
        before = audit.snapshot(agreement, field_names("title"))
        for name, value in data.items():
            setattr(agreement, name, value)
        agreement.save(update_fields=list(data))
        changes = audit.diff(before, audit.snapshot(agreement, field_names("title")))
        if changes:
            audit.record(
                actor=actor,
                organisation=agreement.organisation,
                action="update",
                obj=agreement,
                changes=changes,
            )


def create_version(
    agreement: ProcessingAgreement, actor: User, data: dict[str, Any]
) -> AgreementVersion:
    """A new draft version; an existing draft is replaced by editing it instead."""
    with transaction.atomic():
        last = agreement.versions.select_for_update().order_by("-number").first()
        number = (last.number if last else 0) + 1
        version = AgreementVersion.objects.create(
            agreement=agreement, number=number, created_by=actor, **data
        )
        _took_part(version, actor, duties.Kind.CREATED)
        audit.record(
            actor=actor,
            organisation=agreement.organisation,
            action="create",
            obj=version,
            changes=audit.snapshot(version, VERSION_FIELDS),
        )
    return version


def update_draft(version: AgreementVersion, actor: User, data: dict[str, Any]) -> None:
    if version.is_published:
        raise ConsentError(_("A published version cannot be changed; create a new version."))
    with transaction.atomic():
        before = audit.snapshot(version, VERSION_FIELDS)
        for name, value in data.items():
            setattr(version, name, value)
        version.save()
        changes = audit.diff(before, audit.snapshot(version, VERSION_FIELDS))
        if changes:
            _took_part(version, actor, duties.Kind.EDITED)
        audit.record(
            actor=actor,
            organisation=version.agreement.organisation,
            action="update",
            obj=version,
            changes=changes,
        )


def _took_part(version: AgreementVersion, actor: User, kind: str) -> None:
    """Record ``actor``'s part in the wording of ``version`` (each version is its own row)."""
    duties.record(
        organisation=version.agreement.organisation,
        obj=version,
        version=version.number,
        actor=actor,
        kind=kind,
    )


def contributors_of(version: AgreementVersion) -> duties.Contributors:
    """Everyone who wrote the version (created it, changed its terms or notice): they may
    not publish it. Recorded by the services, plus the row's creator for versions written
    before contributions were recorded."""
    named = duties.Contributors.of([(version.created_by_id, duties.Kind.CREATED)])
    return duties.contributors(obj=version, version=version.number) | named


def may_publish(version: AgreementVersion, actor: User) -> bool:
    return (
        not version.is_published
        and can(actor, version.agreement.organisation, "review")
        and actor not in contributors_of(version)
    )


def publish_version(version: AgreementVersion, actor: User, *, missing_seen: str = "") -> None:
    """Publish a draft version: a reviewer who did not write it, an administrator too.

    When a text of the terms lacks a language of the city, publishing goes ahead only if
    ``missing_seen`` is the :func:`missing_fingerprint` of what is missing now: the
    reviewer saw the list and chose to publish with the city's first language standing in.
    Once published, the version's wording is frozen in every language.
    """
    if not can(actor, version.agreement.organisation, "review"):
        raise ConsentError(_("Only a reviewer can publish a version."), 403)
    with transaction.atomic():
        version = AgreementVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_published:
            raise ConsentError(_("This version is published already."))
        duties.require_independent(
            decider=actor,
            contributors=contributors_of(version),
            decision=_("publish it"),
            refuse_with=ConsentError,
        )
        gaps = missing_translations(version)
        if gaps and missing_seen != missing_fingerprint(gaps):
            raise ConsentError(
                _(
                    "Some texts of the terms are not translated into every language of the "
                    "city yet. Check the list of missing translations and confirm that you "
                    "publish without them."
                ),
                422,
                "missing_seen",
                code="missing_translations",
            )
        version.status = AgreementVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = actor
        version.save(update_fields=["status", "published_at", "published_by"])
        audit.record(
            actor=actor,
            organisation=version.agreement.organisation,
            action="publish",
            obj=version,
            changes={
                "status": {"from": "draft", "to": "published"},
                **({"published_without": gaps} if gaps else {}),
            },
        )


def paper_consent(
    city: Organisation,
    actor: User,
    *,
    agreement: ProcessingAgreement,
    action: str,
    categories: list[str] | None,
    witness: str,
    email: str = "",
    identifier_kind: str = "",
    identifier_value: str = "",
    name: str = "",
) -> LedgerEvent | None:
    """Enter a consent given or withdrawn on paper, with the witness who saw it signed."""
    with transaction.atomic():
        subject = None
        if email:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is not None:
                subject = subject_for_user(city, user, create=True)
        if subject is None and identifier_kind and identifier_value:
            subject = subject_by_identifier(city, identifier_kind, identifier_value)
            if subject is None:
                subject = create_subject(city, identity={"name": name} if name else None)
                link_identifier(subject, identifier_kind, identifier_value)
        if subject is None:
            raise ConsentError(
                _("No account has this e-mail address; give an identifier from the paper form."),
                422,
                "email",
            )
        event = change_consent(
            subject,
            agreement,
            action=action,
            categories=categories,
            method=EventMethod.PAPER,
            witness=witness,
        )
        if event is not None:
            audit.record(
                actor=actor,
                organisation=city,
                action="paper-consent",
                obj=event,
                object_repr=f"{agreement} · {event.get_kind_display()}",
                changes={"event": event.pk, "kind": event.kind, "scope": event.scope},
            )
    return event


# --- webhooks and partners ------------------------------------------------------------------
def check_webhook_url(url: str, *, resolve: bool = True) -> str:
    """A well-formed https URL whose host resolves only to addresses notices may go to.

    See :mod:`cityrights.consent.outbound`; the same check runs again at every delivery.
    ``resolve=False`` checks the shape only (demo data, whose host names do not exist).
    """
    try:
        if resolve:
            outbound.check_webhook_url(url)
        else:
            outbound.parse_webhook_url(url)
    except outbound.UnsafeWebhook as error:
        raise ConsentError(
            _("This address cannot receive notices: %(reason)s.") % {"reason": error}, 422, "url"
        ) from error
    return url


def create_webhook(
    recipient: Organisation,
    url: str,
    *,
    actor: User | None,
    via_key: ApiKey | None = None,
    resolve: bool = True,
) -> tuple[Webhook, str]:
    """Register a webhook; the signing secret is returned once and shown once."""
    url = check_webhook_url(url, resolve=resolve)
    secret = "whsec_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        webhook = Webhook.objects.create(
            recipient=recipient, url=url, secret=secret, created_by=actor
        )
        audit.record(
            actor=actor,
            organisation=recipient.tenant,
            action="create",
            obj=webhook,
            object_repr=f"{webhook} (via API key {via_key.prefix})" if via_key else "",
            changes={"recipient": recipient, "url": url},
        )
    return webhook, secret


def set_webhook_active(
    webhook: Webhook, active: bool, *, actor: User | None, via_key: ApiKey | None = None
) -> None:
    with transaction.atomic():
        Webhook.objects.filter(pk=webhook.pk).update(active=active)
        audit.record(
            actor=actor,
            organisation=webhook.recipient.tenant,
            action="update",
            obj=webhook,
            object_repr=f"{webhook} (via API key {via_key.prefix})" if via_key else "",
            changes={"active": {"from": webhook.active, "to": active}},
        )
    webhook.active = active


def switch_off_partner_webhooks(*, city: Organisation, partner: Organisation, actor: User) -> int:
    """Stop every notice to ``partner`` (each webhook switched off and audited); how many."""
    if partner.city_id != city.pk:
        raise ConsentError(_("This partner belongs to another city."), 404)
    hooks = list(Webhook.objects.filter(recipient=partner, active=True).order_by("pk"))
    with transaction.atomic():
        for hook in hooks:
            set_webhook_active(hook, False, actor=actor)
    return len(hooks)


def create_partner(city: Organisation, actor: User, data: dict[str, Any]) -> Organisation:
    with transaction.atomic():
        partner = Organisation.objects.create(city=city, is_public=False, **data)
        audit.record(
            actor=actor,
            organisation=city,
            action="create",
            obj=partner,
            changes=audit.snapshot(partner, ["name", "slug", "kind", "website", "contact_email"]),
        )
    return partner


def issue_partner_key(
    city: Organisation, partner: Organisation, actor: User, name: str, scopes: list[str]
) -> tuple[ApiKey, str]:
    with transaction.atomic():
        key, secret = ApiKey.issue(partner, name, scopes, created_by=actor)
        audit.record(
            actor=actor,
            organisation=city,
            action="create",
            obj=key,
            object_repr=f"{partner}: {key}",
            changes={"scopes": key.scopes},
        )
    return key, secret

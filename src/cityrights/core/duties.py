"""Separation of duties: nobody decides on a version they took part in.

A register entry is published, an impact assessment decided (on hold included) and its
public summary approved, an agreement version published, a self-assessment validated, an
annual report approved: each time by a person who did not create, edit, submit or answer
the version being decided. The rule holds for every role; an administrator, who holds
both ``edit`` and ``review``, is no exception.

Who took part is **recorded**, not read from the record's fields. A field such as "project
lead" or "last edited by" holds one name and can be set to someone else, or switched back
and forth, until it names whoever suits; the list of contributors only grows. Each app's
service calls :func:`record` in the transaction of the change (the same place where it
writes its audit event), naming the object and the *version* the change goes into. The
app says what a version is, because only it knows when one ends:

* a register entry row is decided once (a published entry changes through a working
  copy, a row of its own), so its version is ``entry.version + 1``;
* an impact assessment's version runs from its creation, or from the previous decision,
  to the next decision: ``decisions taken so far + 1``;
* an agreement version is its own row, numbered;
* a self-assessment cycle counts its validation rounds.

At the decision the service asks :func:`contributors` for that version, adds what the
record itself says (a project lead named before contributions were recorded) and calls
:func:`require_independent`, which refuses with a ``ServiceError`` (the app's subclass, so
its views catch it) of status 403 and code ``separation_of_duties``.

Why a table of its own rather than the audit log: audit events describe changes for people
to read (object types and actions vary by app, a working copy's events are recorded on
the entry it revises, values are shortened), so deriving "who worked on version 3" from
them would mean a parser per app that breaks silently when a service changes its events.
The contributions table states it once, with an index made for the question, and is
append-only like the audit log. The data migrations that introduced it derived the
contributors of existing records from their fields and from the audit log, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .errors import ServiceError
from .models import Contribution, ContributionKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db import models
    from django.utils.functional import Promise

    from .models import Organisation, User

__all__ = [
    "CODE",
    "Contributors",
    "Kind",
    "contributors",
    "record",
    "refusal_message",
    "require_independent",
    "subject_of",
]

#: How a person took part: created, edited, submitted, answered, resolved, led.
Kind = ContributionKind

#: The API's ``error`` code of a refusal under this rule.
CODE = "separation_of_duties"


def subject_of(obj: models.Model) -> tuple[str, str]:
    """``(app_label.model_name, primary key)``: how a contribution names what it is about."""
    return obj._meta.label_lower, str(obj.pk)


@dataclass(frozen=True)
class Contributors:
    """Who took part in one version and how: ``{user id: {kind, …}}``.

    ``user in contributors`` takes a user or an id; ``a | b`` joins two lists (what was
    recorded and what the record's own fields say).
    """

    parts: Mapping[int, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: Iterable[tuple[int | None, str]]) -> Contributors:
        parts: dict[int, set[str]] = {}
        for user_id, kind in pairs:
            if user_id is not None:
                parts.setdefault(user_id, set()).add(kind)
        return cls({user_id: frozenset(kinds) for user_id, kinds in parts.items()})

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(self.parts)

    def kinds_of(self, user: User | AnonymousUser | int | None) -> frozenset[str]:
        key = _id(user)
        return frozenset() if key is None else self.parts.get(key, frozenset())

    def __contains__(self, user: object) -> bool:
        return _id(user) in self.parts

    def __iter__(self) -> Iterator[int]:
        return iter(self.parts)

    def __len__(self) -> int:
        return len(self.parts)

    def __or__(self, other: Contributors) -> Contributors:
        return Contributors.of(
            [
                (user_id, kind)
                for source in (self, other)
                for user_id in source.parts
                for kind in source.parts[user_id]
            ]
        )


def _id(user: object) -> int | None:
    if user is None or isinstance(user, int):
        return user
    pk = getattr(user, "pk", None)
    return pk if isinstance(pk, int) else None


def record(
    *,
    organisation: Organisation,
    obj: models.Model,
    version: int,
    actor: User | AnonymousUser | None,
    kind: str,
) -> None:
    """Note that ``actor`` took part in ``version`` of ``obj`` (``kind``: a :data:`Kind`).

    Call it inside the transaction of the change. Recording the same part twice keeps the
    first one; a change made by nobody (a command without an account) records nothing.
    """
    if actor is None or not actor.is_authenticated or actor.pk is None:
        return
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind of contribution {kind!r}")
    subject_type, subject_id = subject_of(obj)
    Contribution.objects.bulk_create(
        [
            Contribution(
                organisation=organisation,
                subject_type=subject_type,
                subject_id=subject_id,
                version=version,
                user_id=actor.pk,
                kind=kind,
            )
        ],
        ignore_conflicts=True,
    )


def contributors(*, obj: models.Model, version: int) -> Contributors:
    """Everyone recorded as taking part in ``version`` of ``obj``."""
    subject_type, subject_id = subject_of(obj)
    rows = Contribution.objects.filter(
        subject_type=subject_type, subject_id=subject_id, version=version
    ).values_list("user_id", "kind")
    return Contributors.of(rows)


def refusal_message(kinds: Iterable[str], decision: str | Promise) -> str:
    """The refusal in words: the rule, how the person took part, who has to decide."""
    labels = dict(Kind.choices)
    parts = ", ".join(str(labels[kind]) for kind in Kind.values if kind in set(kinds))
    return _(
        "Separation of duties: you took part in this version (%(parts)s), so someone else "
        "has to %(decision)s. The rule holds for every role, administrators included."
    ) % {"parts": parts, "decision": decision}


def require_independent(
    *,
    decider: User | AnonymousUser,
    contributors: Contributors,
    decision: str | Promise,
    refuse_with: type[ServiceError] = ServiceError,
) -> None:
    """Refuse (403, ``separation_of_duties``) when ``decider`` took part in the version.

    ``decision`` completes "someone else has to …" (``_("publish it")``); ``refuse_with``
    is the app's ``ServiceError`` subclass, so that its views catch the refusal.
    """
    if decider in contributors:
        raise refuse_with(refusal_message(contributors.kinds_of(decider), decision), 403, code=CODE)


def record_many(
    *,
    organisation: Organisation,
    parts: Iterable[tuple[models.Model, int]],
    actor: User | AnonymousUser | None,
    kind: str,
) -> None:
    """:func:`record` for many pieces of work at once (a bulk import): one insert per batch."""
    if actor is None or not actor.is_authenticated or actor.pk is None:
        return
    if kind not in Kind.values:
        raise ValueError(f"Unknown kind of contribution {kind!r}")
    rows = []
    for obj, version in parts:
        subject_type, subject_id = subject_of(obj)
        rows.append(
            Contribution(
                organisation=organisation,
                subject_type=subject_type,
                subject_id=subject_id,
                version=version,
                user_id=actor.pk,
                kind=kind,
            )
        )
    Contribution.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)

"""Writing the audit trail. Every change made by staff goes through ``record``.

Values are stored as short strings so the log stays readable; secrets are
never passed in (API keys are recorded by name and prefix only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from .models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Organisation, User

MAX_VALUE_LENGTH = 500


def _short(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _short(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_short(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return text if len(text) <= MAX_VALUE_LENGTH else text[: MAX_VALUE_LENGTH - 1] + "…"


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, as ``{field: {"from": old, "to": new}}``."""
    changed = {}
    for field in sorted(set(before) | set(after)):
        old, new = _short(before.get(field)), _short(after.get(field))
        if old != new:
            changed[field] = {"from": old, "to": new}
    return changed


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj``, for diffing before and after a change."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"id", "password"}:
            continue
        data[field.name] = _short(getattr(obj, field.attname))
    return data


def record(
    *,
    actor: User | AnonymousUser | None,
    organisation: Organisation | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the transaction that makes the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    real_actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=real_actor,
        actor_label=str(real_actor) if real_actor else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes={key: _short(value) for key, value in (changes or {}).items()},
    )


def update(
    obj: models.Model,
    values: Mapping[str, Any],
    *,
    actor: User | AnonymousUser | None,
    organisation: Organisation | None,
) -> dict[str, dict[str, Any]]:
    """Set ``values`` on ``obj``, save those fields and record what changed, in one
    transaction; returns the recorded difference. Validation is the caller's."""
    fields = list(values)
    with transaction.atomic():
        before = snapshot(obj, fields)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save(update_fields=fields)
        changes = diff(before, snapshot(obj, fields))
        record(actor=actor, organisation=organisation, action="update", obj=obj, changes=changes)
    return changes


def delete(
    obj: models.Model,
    *,
    actor: User | AnonymousUser | None,
    organisation: Organisation | None,
    changes: dict[str, Any] | None = None,
) -> None:
    """Delete ``obj`` and record it, in one transaction: no deletion goes unlogged."""
    with transaction.atomic():
        record(actor=actor, organisation=organisation, action="delete", obj=obj, changes=changes)
        obj.delete()

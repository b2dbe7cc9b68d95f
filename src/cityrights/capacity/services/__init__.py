"""Writes of the capacity app: survey rounds and answers, programmes, registration,
attendance, evaluations and certificates.

Every function takes keyword-only arguments, checks the rule it enforces, writes in one
transaction and appends an audit event in that transaction, except where a write must
leave no trace: answering the survey and giving an evaluation are anonymous and are
never audited, logged or mailed (``anonymity.py``). Refusals are :class:`CapacityError`
(a :class:`~cityrights.core.errors.ServiceError`), which the API answers as JSON and
views put next to the form field concerned.

One module per part (``rounds``, ``programmes``, ``sessions``, ``attendance``,
``evaluations``); callers import from ``cityrights.capacity.services`` as before. Certificates
are issued and recomputed by ``capacity.certificates``, which the attendance and rules
changes call; it raises :class:`CapacityError` from ``capacity.errors`` and imports none of
these modules, so the two never import each other.
"""

from ..errors import CapacityError
from .attendance import AttendanceImportError, add_walk_in, import_attendance, record_attendance
from .evaluations import give_evaluation
from .programmes import (
    MODULE_TEXTS,
    PROGRAMME_FIELDS,
    add_material,
    check_rules,
    close_programme,
    create_programme,
    delete_material,
    delete_module,
    plan_from_round,
    publish_programme,
    save_module,
    set_rules,
    update_programme,
)
from .rounds import (
    answer_round,
    close_round,
    delete_round,
    ensure_finalised,
    finalise_due_rounds,
    latest_survey,
    load_survey,
    open_round,
    refresh_shipped_translations,
    update_round,
)
from .sessions import cancel_registration, delete_session, promote_waiting, register, save_session

__all__ = [
    "MODULE_TEXTS",
    "PROGRAMME_FIELDS",
    "AttendanceImportError",
    "CapacityError",
    "add_material",
    "add_walk_in",
    "answer_round",
    "cancel_registration",
    "check_rules",
    "close_programme",
    "close_round",
    "create_programme",
    "delete_material",
    "delete_module",
    "delete_round",
    "delete_session",
    "ensure_finalised",
    "finalise_due_rounds",
    "give_evaluation",
    "import_attendance",
    "latest_survey",
    "load_survey",
    "open_round",
    "plan_from_round",
    "promote_waiting",
    "publish_programme",
    "record_attendance",
    "refresh_shipped_translations",
    "register",
    "save_module",
    "save_session",
    "set_rules",
    "update_programme",
    "update_round",
]

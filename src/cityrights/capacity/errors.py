"""The capacity app's refusal, apart from the services so that ``certificates`` (which the
services call) can raise it without importing them."""

from __future__ import annotations

from cityrights.core.errors import ServiceError


class CapacityError(ServiceError):
    """A refused change in the capacity app (status 409 unless the raise says otherwise)."""

    status = 409

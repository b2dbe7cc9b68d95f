"""Field types the API shares, where pydantic's defaults accept more than the document says.

Pydantic reads a number as a Unix timestamp when a date is expected, so ``?start=0``
would be taken as 1 January 1970 although the OpenAPI document promises an ISO date.
``IsoDate`` takes only ``YYYY-MM-DD`` (or a ``date`` built in Python), so what the
document declares and what the server accepts are the same thing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day_only(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_day_only)]

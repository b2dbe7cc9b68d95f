"""API routes of the register app, mounted at /api/v1/register/."""

from ninja import Router

router = Router(tags=["register"])

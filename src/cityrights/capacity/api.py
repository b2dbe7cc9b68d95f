"""API routes of the capacity app, mounted at /api/v1/capacity/."""

from ninja import Router

router = Router(tags=["capacity"])

"""API routes of the impact app, mounted at /api/v1/impact/."""

from ninja import Router

router = Router(tags=["impact"])

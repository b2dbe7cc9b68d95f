"""API routes of the assessment app, mounted at /api/v1/assessment/."""

from ninja import Router

router = Router(tags=["assessment"])

"""API routes of the consent app, mounted at /api/v1/consent/."""

from ninja import Router

router = Router(tags=["consent"])

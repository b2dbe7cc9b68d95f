"""The installation's public keys, at one address that does not depend on a city."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from .. import signing


@require_safe
@cache_control(max_age=300, public=True)
def jwks(request: HttpRequest) -> JsonResponse:
    """The JSON Web Key Set that verifies receipts, checkpoints, certificates and reports.

    Served at :data:`cityrights.core.signing.JWKS_PATH` with
    ``Access-Control-Allow-Origin: *`` so a verifier page of another site can fetch it.
    """
    response = JsonResponse(signing.jwks(), content_type="application/jwk-set+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response

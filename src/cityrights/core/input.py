"""What no view should see: text the database cannot store, bodies over the limit, non-JSON.

:class:`InputGuardMiddleware` looks at every request once, after URL resolution and before
CSRF and the view, so that no view, form, selector or API route needs its own patch:

* **Unstorable text.** PostgreSQL cannot store NUL (U+0000) in text and refuses it even in
  a query's parameters ("a string literal cannot contain NUL"), so ``?q=%00`` was a 500 on
  every search. Lone surrogates (U+D800–U+DFFF, which arrive only as JSON escapes) cannot
  be encoded at all. Both are refused in the URL's own parts, the query string, form fields,
  uploaded file names and JSON bodies (keys and values, at any depth), with a 400 naming
  the field (``q``, ``message``, ``items.1.subject``).
* **Size.** A body over its limit is refused from its ``Content-Length`` before any byte
  of it is read, with a 413 that names the limit: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` for forms
  and JSON, ``CITYRIGHTS_MAX_UPLOAD_BYTES`` for uploads, or a view's own
  :func:`upload_limit` (a logo form need not read 10 MB to refuse a 2 MB logo).
* **Line breaks.** Browsers send every line break of a text area as CRLF; form fields are
  given to the view with LF, as the API, the importers and the demo write them, so that
  saving a form unchanged records no change and the API never shows ``\r\n``.
* **Content type.** The API takes JSON bodies only: anything else is a 415.
* **Method.** A method an API route does not take is a JSON 405 (Django's is plain text).

Answers use :func:`cityrights.core.views.errors.refusal`: JSON under ``/api/``, the city's
error page elsewhere. Code that reads text from elsewhere (files, the command line) uses
:func:`unstorable` itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cityrights.core.tenancy import OrgRequest

from .views.errors import refusal

#: Characters PostgreSQL cannot keep in a text column (and UTF-8 cannot encode).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# In a JSON body, those characters can only be written as escapes (raw control characters
# are not JSON). A surrogate pair also matches; the slow path parses and decides.
_JSON_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")

#: The largest id a table holds (BigAutoField): a larger number in a query names nothing.
MAX_ID = 2**63 - 1

#: Room for the other fields and the multipart framing around a view's largest files.
FORM_OVERHEAD = 64 * 1024

_V = TypeVar("_V", bound=Callable[..., Any])


def unstorable(text: str) -> bool:
    """True when ``text`` holds a character the database cannot store."""
    return UNSTORABLE.search(text) is not None


def upload_limit(file_bytes: int, *, files: int = 1) -> Callable[[_V], _V]:
    """Mark a view that takes at most ``files`` uploads of ``file_bytes`` each.

    A larger request is refused with a 413 before its body is read; the form still checks
    each file's own size (its message is the friendlier one for a file just under the
    limit).
    """

    def mark(view: _V) -> _V:
        view.upload_limit = file_bytes * files + FORM_OVERHEAD  # type: ignore[attr-defined]
        view.upload_file_limit = file_bytes  # type: ignore[attr-defined]
        return view

    return mark


def shown(name: str) -> str:
    """Input fit to be quoted in a message: bad characters made visible, at most 80 long."""
    visible = UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", name)
    return visible if len(visible) <= 80 else visible[:80] + "…"


def _first_in_pairs(pairs: Iterable[tuple[str, Iterable[str]]]) -> str | None:
    for key, values in pairs:
        if unstorable(key) or any(unstorable(value) for value in values):
            return shown(key)
    return None


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(value, str):
        if unstorable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if unstorable(key):
                yield (*path, shown(key))
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, str(index)))


def unstorable_path(data: Any) -> str | None:
    """The dotted path (``answers.3.comment``) of the first unstorable text in parsed data."""
    found = next(_walk(data, ()), None)
    if found is None:
        return None
    return ".".join(found) or "body"


def _first_in_json(body: bytes) -> str | None:
    """The dotted path of the first unstorable string in a JSON body, if any.

    On a 1,000-item consent batch without escapes the scan is two ``memchr`` calls (a few
    microseconds, against 2 ms to parse it); the body is parsed here only when an escape
    that could be one of those characters is present.
    """
    if b"\x00" not in body and (b"\\" not in body or not _JSON_ESCAPE.search(body)):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # not JSON: the route says so itself
    return unstorable_path(data)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _content_length(request: HttpRequest) -> int | None:
    """The declared body length (0 without one); ``None`` when the header is not a number."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return None


def passes_unread(request: HttpRequest) -> bool:
    """Whether :class:`InputGuardMiddleware` has nothing to say about this request's body and
    query: no query string, and no body or a JSON body within ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    holding only storable text.

    For a path that answers before the guard (``core.middleware.ApiLaneMiddleware``): when
    this is false, it sends the request through the whole stack, where the guard refuses or
    passes it with its own message. The rules stay here, beside the guard's."""
    if request.META.get("QUERY_STRING"):
        return False
    length = _content_length(request)
    if length is None:
        return False
    if not length:
        return True
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return False
    return _is_json(request.content_type or "") and _first_in_json(request.body) is None


def _lf_line_breaks(request: HttpRequest) -> None:
    """Give the view the form's fields with LF line breaks (a lone CR too, as old Macs
    wrote); the form is copied only when a field holds a CR."""
    fields = request.POST
    if not any("\r" in value for _name, values in fields.lists() for value in values):
        return
    normalised = fields.copy()
    for name, values in fields.lists():
        normalised.setlist(
            name, [value.replace("\r\n", "\n").replace("\r", "\n") for value in values]
        )
    normalised._mutable = False
    request.POST = normalised  # type: ignore[assignment]


class InputGuardMiddleware:
    """Refuse unstorable text, oversized bodies and non-JSON API bodies before the view.

    Place it before ``CsrfViewMiddleware``: that reads the form body in its own
    ``process_view``, and the size check must come first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: OrgRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405:
            return response
        allowed = response.get("Allow", "")
        if request.path.startswith("/api/"):
            if response.get("Content-Type", "").startswith("application/json"):
                return response
            message = _("This route does not take %(method)s; it takes %(allowed)s.") % {
                "method": request.method,
                "allowed": allowed,
            }
        elif not getattr(response, "content", b"x") and request.method in ("GET", "HEAD"):
            # Django's bare 405 is an empty page: someone followed a link to the address
            # a form sends to.
            message = _(
                "This address receives what a form sends and cannot be opened on its own. "
                "Go back to the page you came from."
            )
        else:
            return response
        answer = refusal(request, 405, message)
        answer["Allow"] = allowed
        return answer

    def process_view(
        self,
        request: OrgRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        field = _first_in_pairs(
            (name, [value]) for name, value in kwargs.items() if isinstance(value, str)
        )
        field = field or _first_in_pairs(request.GET.lists())
        if field is not None:
            return self._unstorable(request, field)
        if _content_length(request) is None:
            # gunicorn refuses such a request itself; another server may pass it on, and
            # reading the body would then fail inside Django.
            return refusal(request, 400, _("The Content-Length header is not a number of bytes."))
        too_large = self._size(request, view)
        if too_large is not None:
            return too_large
        if request.method not in {"POST", "PUT", "PATCH"}:
            return None
        content_type = request.content_type or ""
        if _is_json(content_type):
            field = _first_in_json(request.body)
        elif request.path.startswith("/api/") and self._length(request):
            return refusal(
                request,
                415,
                _("This route takes JSON: send the body with Content-Type: application/json."),
            )
        elif content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
            try:
                field = _first_in_pairs(request.POST.lists()) or _first_in_pairs(
                    (name, [upload.name or "" for upload in uploads])
                    for name, uploads in request.FILES.lists()
                )
            except RequestDataTooBig:
                return self._too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE, None)
            except MultiPartParserError:
                return refusal(request, 400, _("The form data could not be read."))
            if field is None:
                _lf_line_breaks(request)
        return None if field is None else self._unstorable(request, field)

    @staticmethod
    def _length(request: HttpRequest) -> int:
        return _content_length(request) or 0

    def _size(self, request: OrgRequest, view: Callable[..., Any]) -> HttpResponse | None:
        length = self._length(request)
        if not length:
            return None
        if request.content_type == "multipart/form-data":
            limit = getattr(view, "upload_limit", settings.CITYRIGHTS_MAX_UPLOAD_BYTES)
            shown = getattr(view, "upload_file_limit", None)
        else:
            limit, shown = settings.DATA_UPLOAD_MAX_MEMORY_SIZE, None
        if length <= limit:
            return None
        return self._too_large(request, limit, length, shown)

    @staticmethod
    def _too_large(
        request: OrgRequest, limit: int, length: int | None, file_limit: int | None = None
    ) -> HttpResponse:
        if file_limit is not None:
            message = _("The file is too large: this form takes files of at most %(limit)s.") % {
                "limit": filesizeformat(file_limit)
            }
        elif length is not None:
            message = _("The request is %(size)s; this address takes at most %(limit)s.") % {
                "size": filesizeformat(length),
                "limit": filesizeformat(limit),
            }
        else:
            message = _("The request is larger than %(limit)s, the most this address takes.") % {
                "limit": filesizeformat(limit)
            }
        return refusal(request, 413, message, limit=limit)

    @staticmethod
    def _unstorable(request: OrgRequest, field: str) -> HttpResponse:
        message = _(
            "“%(field)s” contains a character that cannot be stored (a NUL character or a "
            "broken Unicode character). Remove it and send again."
        ) % {"field": field}
        return refusal(request, 400, message, field=field)

"""The one shape of every API error, and the statuses each endpoint documents.

Every error body has a stable ``code``; ``detail`` is a translated sentence
and ``errors`` maps a field path (``body.first_year``) to what was wrong.
"""

from collections.abc import Iterable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestInvalid


class ErrorOut(Schema):
    code: str
    detail: str = ""
    errors: dict[str, list[str]] = {}


ERRORS: dict[int, type[Schema]] = {
    status: ErrorOut for status in (400, 401, 403, 404, 422)
}


def with_errors(ok: dict[int, object]) -> dict[int, object]:
    """A response map: the successful statuses plus the documented errors."""
    return {**ok, **ERRORS}


_HTTP_CODES = {400: "unreadable", 401: "unauthorised", 403: "forbidden"}


def refuse_repeated(request: HttpRequest, names: Iterable[str]) -> None:
    """Refuse a query that gives one of ``names`` more than once.

    Ninja would quietly keep one of the values; a filter that was given twice
    is more likely a mistake than a wish, so it is refused by name.

    Raises:
        RequestInvalid: naming each repeated parameter (answered with 422).
    """
    repeated = [name for name in names if len(request.GET.getlist(name)) > 1]
    if repeated:
        raise RequestInvalid(
            [
                {"loc": ("query", name), "msg": _("Give this parameter once.")}
                for name in repeated
            ]
        )


def _path(location: tuple | list) -> str:
    # Drop ninja's wrapper names ("payload", "paging") so the path is the
    # field a caller wrote.
    kept = [str(part) for part in location if part not in ("payload", "paging")]
    return ".".join(kept)


def install(api: NinjaAPI) -> None:
    """Send ninja's own errors in the project's shape."""

    @api.exception_handler(RequestInvalid)
    def request_invalid(request: HttpRequest, error: RequestInvalid) -> HttpResponse:
        errors: dict[str, list[str]] = {}
        for problem in error.errors:
            errors.setdefault(_path(problem.get("loc", ())), []).append(problem["msg"])
        detail = _("The request is not valid.")
        body = {"code": "invalid", "detail": detail, "errors": errors}
        return api.create_response(request, body, status=422)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        # Ninja raises these for unreadable bodies (400) and missing tokens (401).
        code = _HTTP_CODES.get(error.status_code, "error")
        detail = (
            _("A valid API token is needed.") if code == "unauthorised" else str(error)
        )
        body = {"code": code, "detail": detail}
        return api.create_response(request, body, status=error.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        body = {"code": "not_found", "detail": str(error) or _("Not found.")}
        return api.create_response(request, body, status=404)

"""The REST API: one NinjaAPI, a router per app, the same rules as the pages.

Programs authenticate with a personal token (``Authorization: Bearer …``);
the browser's session also works, with Django's CSRF check on changes.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from flexwatch import __version__, apierrors
from flexwatch.accounts.actions import ActionRefused, user_for_token
from flexwatch.accounts.api import router as accounts_router
from flexwatch.cases.actions import StaleVersion
from flexwatch.cases.api import router as cases_router
from flexwatch.sources.api import router as sources_router


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="FLEX Watch API",
    version=__version__,
    description="Records are scoped to the caller's organisations and sharing "
    "grants, exactly as on the pages. Errors carry a stable `code`.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)
apierrors.install(api)
api.add_router("/", accounts_router)
api.add_router("/sources", sources_router)
api.add_router("/cases", cases_router)


@api.exception_handler(StaleVersion)
def stale(request: HttpRequest, error: StaleVersion) -> HttpResponse:
    body = {
        "code": "stale_version",
        "detail": str(error),
        "errors": {},
        "current_version": error.current,
        "changed": error.changed,
    }
    return api.create_response(request, body, status=409)


@api.exception_handler(ActionRefused)
def refused(request: HttpRequest, error: ActionRefused) -> HttpResponse:
    return api.create_response(
        request, {"code": "refused", "detail": str(error), "errors": {}}, status=403
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = (
        error.message_dict
        if hasattr(error, "error_dict")
        else {"__all__": error.messages}
    )
    body = {
        "code": "invalid",
        "detail": _("The record is not valid."),
        "errors": errors,
    }
    return api.create_response(request, body, status=422)

"""The JSON API under /api/v1 (django-ninja): token authentication, error shapes, routers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer

from sqms.core.actions import note_token_use, token_digest
from sqms.core.models import ApiToken


class TokenRefused(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sqms_…``; unknown and revoked tokens are refused with the reason."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user", "user__profile")
            .filter(digest=token_digest(token))
            .first()
        )
        if found is None:
            raise TokenRefused(_("Unknown API token."))
        if found.revoked_at is not None:
            raise TokenRefused(_("This API token was revoked."))
        if not found.user.is_active:
            raise TokenRefused(_("The token's user is deactivated."))
        note_token_use(found)
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="SQMS API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    description="Service Quality Management System. Authenticate with a personal token: "
    "`Authorization: Bearer <token>` (create one under Account → API tokens).",
)


@api.exception_handler(TokenRefused)
def token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    return api.create_response(request, {"detail": exc.reason}, status=401)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or _("Permission denied.")}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        detail = [
            {"loc": ["body", field], "msg": " ".join(messages)}
            for field, messages in exc.message_dict.items()
        ]
    else:
        detail = [{"loc": ["body"], "msg": m} for m in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


def _add_routers() -> None:
    from sqms.core.api import router as core_router
    from sqms.surveys.api import router as surveys_router

    api.add_router("/", core_router)
    api.add_router("/surveys/", surveys_router)


_add_routers()

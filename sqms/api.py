"""The JSON API under /api/v1 (django-ninja): token authentication, error shapes, routers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.security import HttpBearer

from sqms.core.actions import note_token_use, token_digest
from sqms.core.models import ApiToken
from sqms.core.ratelimit import hit, seconds_left


class TokenRefused(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sqms_…``; unknown and revoked tokens are refused with the reason,
    and each token may make ``SQMS_API_RATE_PER_TOKEN`` requests a minute (then 429)."""

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
        if not hit(f"api-token:{found.pk}", settings.SQMS_API_RATE_PER_TOKEN):
            raise RateLimited(seconds_left())
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


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    message = _("Too many requests with this token; try again in %(seconds)d seconds.")
    response = api.create_response(
        request, {"detail": message % {"seconds": exc.retry_after}}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


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
        codes = {e.code for errors in exc.error_dict.values() for e in errors}
    else:
        detail = [{"loc": ["body"], "msg": m} for m in exc.messages]
        codes = {e.code for e in exc.error_list}
    # only "already exists" errors: the request was fine, it conflicts with a stored record
    status = 409 if codes == {"unique"} else 422
    return api.create_response(request, {"detail": detail}, status=status)


class ErrorOut(Schema):
    """Every error answer: ``detail`` is a message, or for 422 a list of
    ``{"loc": [...], "msg": ...}`` naming each field or parameter at fault."""

    detail: str | list[dict[str, Any]]


#: statuses every authenticated operation may answer besides its own: a malformed query (400),
#: the token (401), the role (403), a record not found or outside the scope (404), a code or
#: name that already exists (409), a broken rule or a parameter out of range (422), the token's
#: rate limit (429, with Retry-After)
ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)
#: and those that take a body: too large (413), not JSON (415); a body that is not valid UTF-8
#: or JSON, too deeply nested or holding NUL characters is a 400 (sqms.core.request_guard)
BODY_ERROR_STATUSES = (413, 415)


def _declare_errors(router: Router) -> None:
    """Add the error statuses to each operation's OpenAPI responses, so every app's endpoints
    document them without repeating them in each decorator."""
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            has_body = any(m.__ninja_param_source__ == "body" for m in operation.models)
            for status in ERROR_STATUSES + (BODY_ERROR_STATUSES if has_body else ()):
                operation.response_models.setdefault(
                    status, operation._create_response_model(ErrorOut)
                )


def _add_routers() -> None:
    from sqms.calendars.api import router as calendars_router
    from sqms.capa.api import router as capa_router
    from sqms.complaints.api import router as complaints_router
    from sqms.complaints.api_recovery import router as complaints_recovery_router
    from sqms.complaints.api_reports import router as complaint_reports_router
    from sqms.complaints.api_settings import router as complaint_settings_router
    from sqms.complaints.api_volumes import router as complaints_volumes_router
    from sqms.core.api import router as core_router
    from sqms.improvement.api_capacity import router as capacity_router
    from sqms.improvement.api_pdca import router as pdca_router
    from sqms.inspections import api_disputes as insp_disputes
    from sqms.inspections.api import router as inspections_router
    from sqms.inspections.api_audits import router as inspection_audits_router
    from sqms.inspections.api_checklists import router as checklists_router
    from sqms.inspections.api_programmes import router as inspection_programmes_router
    from sqms.inspections.api_reports import router as insp_reports_router
    from sqms.jobs.api import router as jobs_router
    from sqms.kpis import api_objectives as kpi_objectives
    from sqms.kpis.api import router as kpis_router
    from sqms.kpis.api_dashboard import router as kpis_dashboard_router
    from sqms.reports.api_reports import router as reports_router
    from sqms.standards.api import router as standards_router
    from sqms.surveys.api import router as surveys_router

    for prefix, router in (
        ("/", core_router),
        ("/surveys/", surveys_router),
        ("/calendars/", calendars_router),
        ("/jobs/", jobs_router),
        ("/kpis/dashboard", kpis_dashboard_router),
        ("/kpis/objectives/", kpi_objectives.objectives_router),
        ("/kpis/events/", kpi_objectives.events_router),
        ("/kpis/", kpi_objectives.alerts_router),  # before /kpis/{kpi_id}
        ("/kpis/", kpis_router),
        ("/reports/", reports_router),
        ("/complaints/settings/", complaint_settings_router),
        ("/complaints/recovery/", complaints_recovery_router),
        ("/complaints/volumes/", complaints_volumes_router),
        ("/complaints/reports/", complaint_reports_router),
        ("/complaints/", complaints_router),
        ("/inspections/programmes/", inspection_programmes_router),
        ("/inspections/audits/", inspection_audits_router),
        ("/inspections/reports/", insp_reports_router),
        ("/improvement/pdca/", pdca_router),
        ("/improvement/capacity/", capacity_router),
        ("/inspections/disputes/", insp_disputes.router),
        ("/inspections/consequences/", insp_disputes.consequences_router),
        ("/inspections/checklists/", checklists_router),
        ("/inspections/", inspections_router),
        ("/capa/", capa_router),
        ("/standards/", standards_router),
    ):
        _declare_errors(router)
        api.add_router(prefix, router)


_add_routers()

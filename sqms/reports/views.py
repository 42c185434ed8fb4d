"""The management-review page and its PDF / XLSX downloads (one URL, ``format=pdf|xlsx``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sqms.core.exports import XLSX_TYPE
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.scoping import role_of, site_ids_in_scope
from sqms.reports.period import ReviewInputError, ScopeRefused, parse_period
from sqms.reports.render import context, render_pdf, render_xlsx
from sqms.reports.review_data import gather


def _default_period() -> str:
    from django.utils import timezone

    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def _default_scope(user: object) -> str:
    """The organization for users of every site, else the first of the user's sites."""
    ids = site_ids_in_scope(user)
    if ids is None:
        return "ORG"
    site = Site.objects.filter(pk__in=ids).order_by("code").first()
    return site.code if site is not None else ""


@require_safe
@login_required
def management_review(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    if role_of(request.user) is None:
        raise PermissionDenied
    period = request.GET.get("period") or _default_period()
    scope = request.GET.get("scope") or ""
    if not scope:
        scope = _default_scope(request.user)
    error = ""
    review = None
    if scope:
        try:
            parse_period(period)
            review = gather(period, scope, request.user)
        except ScopeRefused as exc:
            raise Http404(str(exc)) from None
        except ReviewInputError as exc:
            error = str(exc)
    else:
        error = _("scope: choose a region or site code of yours.")
    fmt = request.GET.get("format", "")
    if review is not None and fmt in ("pdf", "xlsx"):
        name = f"management-review-{review.scope_code}-{review.period}.{fmt}"
        if fmt == "pdf":
            response = HttpResponse(render_pdf(review), content_type="application/pdf")
        else:
            response = HttpResponse(render_xlsx(review), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    ctx = context(review) if review is not None else {}
    ctx.update({"period": period, "scope": scope, "error": error})
    return render(
        request, "reports/management_review.html", ctx, status=400 if error and scope else 200
    )

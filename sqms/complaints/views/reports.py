"""Report pages under /complaints/reports/ (one module of ``sqms.complaints.reports`` each) and
the CAPA referrals: the queue's list and the two POSTs that refer a complaint or a cluster."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.complaints import actions
from sqms.complaints.choices import CapaStatus
from sqms.complaints.models import CapaReferral, Complaint
from sqms.complaints.reports.clusters import report_clusters
from sqms.complaints.reports.league import report_league
from sqms.complaints.reports.overview import report_overview
from sqms.complaints.reports.pareto import report_pareto
from sqms.complaints.reports.repeats import report_repeats
from sqms.core.filtersets import ChoiceFilter, FilterSet
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.names import display_name
from sqms.core.views.generic import WEB


def _references(r: CapaReferral) -> str:
    refs = [c.reference for c in r.complaints.all()]
    return ", ".join(refs[:10]) + (" …" if len(refs) > 10 else "")


REFERRAL_FILTERS = FilterSet(
    search=("title", "description"),
    filters=(ChoiceFilter("status", gettext_lazy("Status"), "status", CapaStatus),),
)

REFERRAL_LIST = ListSpec(
    title=gettext_lazy("CAPA referrals"),
    columns=[
        ListColumn("created", gettext_lazy("Referred"), lambda r: r.created_at, sort="created_at"),
        ListColumn("title", gettext_lazy("Title"), lambda r: r.title, sort="title"),
        ListColumn(
            "site",
            gettext_lazy("Site"),
            lambda r: r.site.code if r.site else _("several sites"),
            sort="site__code",
        ),
        ListColumn("n", gettext_lazy("Complaints"), lambda r: r.n_complaints, sort="n_complaints"),
        ListColumn("refs", gettext_lazy("Complaint numbers"), _references),
        ListColumn("status", gettext_lazy("Status"), lambda r: r.get_status_display()),
        ListColumn(
            "by",
            gettext_lazy("Referred by"),
            lambda r: display_name(r.created_by) if r.created_by else "",
        ),
    ],
    filterset=REFERRAL_FILTERS,
    default_sort="-created",
    export_name="capa-referrals",
    empty_text=gettext_lazy("Nothing has been referred to CAPA yet."),
)


@require_safe
@login_required
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = (
        CapaReferral.objects.restrict(request.user, "view")
        .select_related("site", "created_by")
        .annotate(n_complaints=Count("complaints"))
        .prefetch_related(Prefetch("complaints", queryset=Complaint.objects.only("pk")))
    )
    return render_list(request, REFERRAL_LIST, qs, template="complaints/referrals_list.html")


def _next(request: AuthenticatedHttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_POST
@login_required
def refer_complaint(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Refer one complaint to CAPA (the button on the complaint's page). POST ``title``
    (default: the complaint's number and summary), ``description`` (optional)."""
    complaint = get_object_or_404(Complaint.objects.restrict(request.user, "change"), pk=pk)
    title = request.POST.get("title", "").strip() or f"{complaint.reference} {complaint.summary}"
    try:
        referral = actions.do_refer_to_capa(
            [complaint],
            title,
            request.POST.get("description", ""),
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(complaint.get_absolute_url())
    messages.success(
        request,
        _("%(ref)s is queued for CAPA as “%(title)s”.")
        % {"ref": complaint.reference, "title": referral.title},
    )
    return redirect(_next(request, complaint.get_absolute_url()))


@require_POST
@login_required
def refer_cluster(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Refer several complaints (a keyword cluster) to CAPA: POST ``complaint`` (repeated
    ids), ``title``, ``description``, ``next``. An id outside the user's scope is a 404."""
    try:
        ids = {int(v) for v in request.POST.getlist("complaint")}
    except ValueError:
        raise Http404 from None
    found = list(Complaint.objects.restrict(request.user, "change").filter(pk__in=ids))
    if not ids or len(found) != len(ids):
        raise Http404
    back = _next(request, reverse("complaints:report_clusters"))
    try:
        referral = actions.do_refer_to_capa(
            found,
            request.POST.get("title", ""),
            request.POST.get("description", ""),
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _("%(n)d complaints are queued for CAPA as “%(title)s”.")
        % {"n": len(found), "title": referral.title},
    )
    return redirect(reverse("complaints:referrals"))


def refer_context(request: Any, complaint: Complaint) -> dict[str, Any]:
    """Context of ``complaints/referrals_button.html`` on the complaint's detail page."""
    from sqms.core.scoping import allowed

    return {
        "refer_url": reverse("complaints:refer", args=[complaint.pk])
        if allowed(request.user, "add", CapaReferral)
        else None,
        "capa_referrals": list(complaint.capa_referrals.all()),
    }


urlpatterns: list[URLPattern] = [
    path("reports/", report_overview, name="report_overview"),
    path("reports/pareto/", report_pareto, name="report_pareto"),
    path("reports/repeats/", report_repeats, name="report_repeats"),
    path("reports/clusters/", report_clusters, name="report_clusters"),
    path("reports/league/", report_league, name="report_league"),
    path("referrals/", referral_list, name="referrals"),
    path("referrals/cluster/", refer_cluster, name="refer_cluster"),
    path("<int:pk>/refer/", refer_complaint, name="refer"),
]

"""Standard pages: the list (search, filters, CSV/XLSX), a standard's page (versions, links,
how well it is kept, trainings), its forms, its links and each user's "to read" list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core import charts
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.panels import Cell, Panel, count, num, render_panels, text
from sqms.core.scoping import allowed
from sqms.core.stats import Stat
from sqms.core.views.generic import WEB, add_errors, detail_page, form_page
from sqms.standards import actions, kept
from sqms.standards.audience import to_read
from sqms.standards.choices import VersionStatus
from sqms.standards.filters import STANDARD_FILTERS
from sqms.standards.forms import LinkForm, PeriodForm, StandardForm
from sqms.standards.models import Standard, StandardLink, Training
from sqms.standards.views.common import default_period, plotly_url


def _current(s: Standard) -> str:
    today = timezone.localdate()
    for v in s.versions.all():
        if v.is_effective(today):
            return f"v{v.number} ({v.effective_from})"
    return ""


STANDARD_LIST = ListSpec(
    title=gettext_lazy("Service standards"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda s: s.code, sort="code", link=True),
        ListColumn("title", gettext_lazy("Title"), lambda s: s.title, sort="title"),
        ListColumn("title_en", gettext_lazy("Title (English)"), lambda s: s.title_en),
        ListColumn("kind", gettext_lazy("Kind"), lambda s: s.get_kind_display(), sort="kind"),
        ListColumn(
            "service", gettext_lazy("Service"), lambda s: str(s.service), sort="service__code"
        ),
        ListColumn("current", gettext_lazy("In effect"), _current),
    ],
    filterset=STANDARD_FILTERS,
    default_sort="code",
    export_name="standards",
    empty_text=gettext_lazy("No service standards yet."),
)


@require_safe
@login_required
def standard_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = (
        Standard.objects.restrict(request.user)
        .select_related("service")
        .prefetch_related("versions")
    )
    create = reverse("standards:create") if allowed(request.user, "add", Standard) else None
    return render_list(
        request,
        STANDARD_LIST,
        qs,
        template="standards/standard_list.html",
        extra={"create_url": create},
    )


@login_required
def standard_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Standard):
        raise PermissionDenied
    return form_page(
        request,
        StandardForm(request.POST or None, user=request.user),
        lambda data: actions.do_create_standard(data, acting_user=request.user, channel=WEB),
        _("New service standard"),
        reverse("standards:list"),
    )


@login_required
def standard_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(Standard.objects.restrict(request.user, "change"), pk=pk)
    form = StandardForm(
        request.POST or None, instance=Standard.objects.get(pk=pk), user=request.user
    )
    return form_page(
        request,
        form,
        lambda data: actions.do_update_standard(
            standard,
            {k: v for k, v in data.items() if k != "code"},
            acting_user=request.user,
            channel=WEB,
        ),
        _("Edit %(record)s") % {"record": standard},
        standard.get_absolute_url(),
    )


def kept_panels(report: kept.KeptReport) -> list[Panel]:
    def rate(ci: Any) -> list[Cell]:
        if ci is None:
            return [num(None), num(None), num(None)]
        return [num(100 * ci.proportion, 1), num(100 * ci.lo, 1), num(100 * ci.hi, 1)]

    ci_cols = [_("%"), _("95 % CI low"), _("95 % CI high")]
    rows = [[text(str(r.link)), count(r.n), count(r.passed), *rate(r.ci)] for r in report.items]
    if report.items_total is not None:
        t = report.items_total
        rows.append([text(_("All linked items")), count(t.n), count(t.passed), *rate(t.ci)])
    shown = [r for r in report.items if r.ci is not None]
    figure = (
        charts.bar_with_ci(
            [str(r.link) for r in shown],
            [
                Stat(r.n, 100 * r.ci.proportion, 100 * r.ci.lo, 100 * r.ci.hi, suppressed=False)
                for r in shown
                if r.ci is not None
            ],
            _("Pass rate (%)"),
        )
        if shown
        else None
    )
    items = Panel(
        "kept-items",
        _("Checklist items: pass rate"),
        [_("Item"), _("Answers"), _("Passed"), *ci_cols],
        rows,
        figure=figure,
        note=_("Answered and applicable answers of submitted inspections; Wilson intervals."),
        open=True,
    )
    cats = Panel(
        "kept-categories",
        _("Complaints in the linked categories"),
        [_("Category"), _("Complaints"), _("With a volume"), _("Transactions"), _("Per 1,000")],
        [
            [
                text(str(r.link.category)),
                count(r.complaints),
                count(r.with_volume),
                count(r.transactions),
                num(None if r.rate is None else r.rate.rate, 3),
            ]
            for r in report.categories
        ],
        note=_(
            "The rate counts the complaints of site-months with a transaction volume; months "
            "the period covers in part count whole."
        ),
        open=True,
    )
    sla = Panel(
        "kept-sla",
        _("SLA compliance under the linked policies"),
        [_("Policy"), _("Resolved"), _("In time"), *ci_cols],
        [
            [text(str(r.link.sla_policy)), count(r.resolved), count(r.in_time), *rate(r.ci)]
            for r in report.sla
        ],
        note=_("Share of the resolved complaints without a resolution breach."),
        open=True,
    )
    return [items, cats, sla]


@require_safe
@login_required
def standard_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    standard = get_object_or_404(
        Standard.objects.restrict(request.user).select_related("service"), pk=pk
    )
    d0, d1 = default_period()
    form = PeriodForm(
        request.GET if "date_from" in request.GET else None,
        user=request.user,
        initial={"date_from": d0, "date_to": d1},
    )
    site_ids = None
    if form.is_bound and form.is_valid():
        d0, d1 = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        if form.cleaned_data.get("site"):
            site_ids = [form.cleaned_data["site"].pk]
    report = kept.kept_report(standard, request.user, d0, d1, site_ids)
    panels = kept_panels(report)
    wanted = request.GET.get("download")
    if wanted:
        return render_panels(request, "standards/standard_detail.html", {}, panels)
    can_change = Standard.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return detail_page(
        request,
        standard,
        "standards/standard_detail.html",
        versions=standard.versions.select_related("author", "decided_by"),
        links=standard.links.select_related("template", "sla_policy", "category"),
        trainings=Training.objects.restrict(request.user).filter(standard=standard)[:50],
        period_form=form,
        panels=panels,
        params={k: v for k, v in request.GET.items() if k != "download"},
        link_form=LinkForm() if can_change else None,
        can_new_version=can_change
        and not standard.versions.filter(
            status__in=[VersionStatus.DRAFT, VersionStatus.IN_APPROVAL]
        ).exists(),
        can_add_training=allowed(request.user, "add", Training),
        plotly_url=plotly_url(),
    )


@require_POST
@login_required
def link_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(Standard.objects.restrict(request.user, "change"), pk=pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            link = actions.do_add_link(standard, data, acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Linked %(link)s.") % {"link": link})
            return redirect(standard.get_absolute_url() + "#links")
    errors = [str(e) for errs in form.errors.values() for e in errs]
    messages.error(request, " ".join(errors) or _("Check the link."))
    return redirect(standard.get_absolute_url() + "#links")


@require_POST
@login_required
def link_delete(request: AuthenticatedHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    standard = get_object_or_404(Standard.objects.restrict(request.user, "change"), pk=pk)
    link = get_object_or_404(StandardLink.objects.filter(standard=standard), pk=link_pk)
    actions.do_delete_link(link, acting_user=request.user, channel=WEB)
    messages.success(request, _("Removed the link %(link)s.") % {"link": link})
    return redirect(standard.get_absolute_url() + "#links")


@require_safe
@login_required
def to_read_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    versions = to_read(request.user, timezone.localdate())
    return render(request, "standards/to_read.html", {"versions": versions})


urlpatterns = [
    path("", standard_list, name="list"),
    path("new/", standard_create, name="create"),
    path("to-read/", to_read_list, name="to_read"),
    path("<int:pk>/", standard_detail, name="detail"),
    path("<int:pk>/edit/", standard_edit, name="edit"),
    path("<int:pk>/links/add/", link_create, name="link_create"),
    path("<int:pk>/links/<int:link_pk>/delete/", link_delete, name="link_delete"),
]

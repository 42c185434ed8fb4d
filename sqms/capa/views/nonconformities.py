"""Nonconformity pages: list, detail (stages, 5-Why, fishbone, actions, verification, history),
create, edit, the stage and analysis POSTs, the 8D report, and the queue of CAPA referrals from
complaints. Thin: every write goes through ``actions``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.capa import actions
from sqms.capa.choices import OPEN_STAGES
from sqms.capa.filters import NC_FILTERS, with_overdue
from sqms.capa.forms import (
    FishboneForm,
    NonconformityForm,
    TransitionForm,
    WhyStepEditForm,
    WhyStepForm,
)
from sqms.capa.models import FishboneCause, Nonconformity, WhyStep
from sqms.capa.people import owners_for
from sqms.capa.views.panels import detail_context
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.names import display_name
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, detail_page, form_page

NC_LIST = ListSpec(
    title=gettext_lazy("Nonconformities"),
    columns=[
        ListColumn("ref", gettext_lazy("Number"), lambda n: n.reference, sort="id", link=True),
        ListColumn("raised", gettext_lazy("Raised"), lambda n: n.raised_at, sort="raised_at"),
        ListColumn(
            "site",
            gettext_lazy("Site"),
            lambda n: n.site.code if n.site else _("chain-wide"),
            sort="site__code",
        ),
        ListColumn(
            "severity",
            gettext_lazy("Severity"),
            lambda n: n.get_severity_display(),
            sort="severity",
        ),
        ListColumn(
            "origin", gettext_lazy("Origin"), lambda n: n.get_origin_display(), sort="origin"
        ),
        ListColumn("stage", gettext_lazy("Stage"), lambda n: n.get_stage_display(), sort="stage"),
        ListColumn("title", gettext_lazy("Title"), lambda n: n.title),
        ListColumn(
            "owner", gettext_lazy("Owner"), lambda n: display_name(n.owner) if n.owner else ""
        ),
        ListColumn("due", gettext_lazy("Due"), lambda n: n.due_date, sort="due_date"),
        ListColumn("cycle", gettext_lazy("Cycle"), lambda n: n.cycle, sort="cycle"),
        ListColumn(
            "overdue", gettext_lazy("Overdue"), lambda n: bool(getattr(n, "is_overdue", False))
        ),
    ],
    filterset=NC_FILTERS,
    default_sort="-raised",
    export_name="nonconformities",
    empty_text=gettext_lazy("No nonconformities yet."),
)


#: quick views above the list: (query parameter, label)
VIEWS = [("mine", gettext_lazy("Mine")), ("open", gettext_lazy("Open"))]


def visible(request: AuthenticatedHttpRequest, action: str = "view") -> QuerySet[Nonconformity]:
    return Nonconformity.objects.restrict(request.user, action).select_related("site", "owner")  # type: ignore[arg-type]


def changeable(request: AuthenticatedHttpRequest, pk: int) -> Nonconformity:
    nc: Nonconformity = get_object_or_404(visible(request, "change"), pk=pk)
    return nc


@require_safe
@login_required
def nc_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    create = reverse("capa:create") if allowed(request.user, "add", Nonconformity) else None
    qs = with_overdue(visible(request))
    view = request.GET.get("view", "")
    if view == "mine":
        qs = qs.filter(owner=request.user)
    elif view == "open":
        qs = qs.filter(stage__in=OPEN_STAGES)
    else:
        view = ""
    return render_list(
        request,
        NC_LIST,
        qs,
        template="capa/nc_list.html",
        extra={"create_url": create, "views": VIEWS, "current_view": view},
    )


@require_safe
@login_required
def nc_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nc = get_object_or_404(visible(request), pk=pk)
    return detail_page(request, nc, "capa/nc_detail.html", **detail_context(request, nc))


@login_required
def nc_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Nonconformity):
        raise PermissionDenied
    form = NonconformityForm(
        request.POST or None, user=request.user, owners=owners_for(None, request.user)
    )

    def save(_data: dict[str, Any]) -> Nonconformity:
        try:
            return actions.do_create_nc(
                form.data_for_action(), acting_user=request.user, channel=WEB
            )
        except PermissionDenied as exc:  # a site outside the scope, or none for a site manager
            raise ValidationError({"site": str(exc)}) from None

    return form_page(request, form, save, _("New nonconformity"), reverse("capa:list"))


@login_required
def nc_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nc = changeable(request, pk)
    if nc.is_closed:
        messages.error(
            request, _("%(ref)s is closed and can no longer be changed.") % {"ref": nc.reference}
        )
        return redirect(nc.get_absolute_url())
    form = NonconformityForm(
        request.POST or None,
        instance=nc,
        user=request.user,
        owners=owners_for(nc.site, request.user),
        editing=True,
    )

    def save(data: dict[str, Any]) -> Nonconformity:
        try:
            return actions.do_update_nc(
                nc,
                form.data_for_action(),
                expected_version=data["version"],
                acting_user=request.user,
                channel=WEB,
            )
        except PermissionDenied as exc:
            raise ValidationError({"site": str(exc)}) from None

    title = _("Edit %(record)s") % {"record": nc.reference}
    return form_page(request, form, save, title, nc.get_absolute_url())


def back(
    request: AuthenticatedHttpRequest, nc: Nonconformity, exc: Exception, anchor: str = ""
) -> HttpResponse:
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("Permission denied."))
    return redirect(nc.get_absolute_url() + anchor)


@require_POST
@login_required
def nc_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nc = changeable(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return back(request, nc, ValidationError(_("Choose a valid step.")))
    try:
        nc = actions.do_transition(
            nc,
            form.cleaned_data["transition"],
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
            channel=WEB,
        )
    except (ValidationError, PermissionDenied) as exc:
        return back(request, nc, exc)
    messages.success(
        request,
        _("%(ref)s is now “%(stage)s”.") % {"ref": nc.reference, "stage": nc.get_stage_display()},
    )
    return redirect(nc.get_absolute_url())


@require_POST
@login_required
def why_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nc = changeable(request, pk)
    form = WhyStepForm(request.POST)
    if not form.is_valid():
        return back(request, nc, ValidationError(_("Write the answer to “why?”.")), "#why")
    try:
        actions.do_add_why_step(nc, form.cleaned_data, acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        return back(request, nc, exc, "#why")
    return redirect(nc.get_absolute_url() + "#why")


def _why(request: AuthenticatedHttpRequest, pk: int) -> WhyStep:
    step: WhyStep = get_object_or_404(
        WhyStep.objects.restrict(request.user, "change").select_related("nonconformity"), pk=pk
    )
    return step


@login_required
def why_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit a 5-Why step's question, answer and taxonomy cause (the root-cause mark has its own
    button); a closed or cancelled NC is read-only."""
    step = _why(request, pk)
    nc = step.nonconformity
    if nc.is_closed:
        messages.error(
            request, _("%(ref)s is closed and can no longer be changed.") % {"ref": nc.reference}
        )
        return redirect(nc.get_absolute_url() + "#why")
    form = WhyStepEditForm(request.POST or None, step=step)

    def save(data: dict[str, Any]) -> WhyStep:
        try:
            return actions.do_update_why_step(step, data, acting_user=request.user, channel=WEB)
        except PermissionDenied as exc:  # closed meanwhile
            raise ValidationError(str(exc)) from None

    title = _("Edit why %(n)d of %(ref)s") % {"n": step.position, "ref": nc.reference}
    return form_page(request, form, save, title, nc.get_absolute_url() + "#why")


@require_POST
@login_required
def why_root(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    step = _why(request, pk)
    try:
        actions.do_update_why_step(
            step, {"is_root": not step.is_root}, acting_user=request.user, channel=WEB
        )
    except (ValidationError, PermissionDenied) as exc:
        return back(request, step.nonconformity, exc, "#why")
    return redirect(step.nonconformity.get_absolute_url() + "#why")


@require_POST
@login_required
def why_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    step = _why(request, pk)
    try:
        actions.do_delete_why_step(step, acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        return back(request, step.nonconformity, exc, "#why")
    return redirect(step.nonconformity.get_absolute_url() + "#why")


@require_POST
@login_required
def fishbone_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nc = changeable(request, pk)
    form = FishboneForm(request.POST)
    if not form.is_valid():
        return back(
            request, nc, ValidationError(_("Choose one of the 6M categories.")), "#fishbone"
        )
    try:
        actions.do_add_fishbone(nc, form.cleaned_data, acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        return back(request, nc, exc, "#fishbone")
    return redirect(nc.get_absolute_url() + "#fishbone")


def _bone(request: AuthenticatedHttpRequest, pk: int) -> FishboneCause:
    item: FishboneCause = get_object_or_404(
        FishboneCause.objects.restrict(request.user, "change").select_related("nonconformity"),
        pk=pk,
    )
    return item


@require_POST
@login_required
def fishbone_root(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _bone(request, pk)
    try:
        actions.do_update_fishbone(
            item, {"is_root": not item.is_root}, acting_user=request.user, channel=WEB
        )
    except (ValidationError, PermissionDenied) as exc:
        return back(request, item.nonconformity, exc, "#fishbone")
    return redirect(item.nonconformity.get_absolute_url() + "#fishbone")


@require_POST
@login_required
def fishbone_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _bone(request, pk)
    try:
        actions.do_delete_fishbone(item, acting_user=request.user, channel=WEB)
    except (ValidationError, PermissionDenied) as exc:
        return back(request, item.nonconformity, exc, "#fishbone")
    return redirect(item.nonconformity.get_absolute_url() + "#fishbone")


@require_safe
@login_required
def nc_8d(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from sqms.capa.report8d import eight_d_pdf

    nc = get_object_or_404(visible(request), pk=pk)
    response = HttpResponse(eight_d_pdf(nc), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="8D-{nc.reference}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("", nc_list, name="list"),
    path("new/", nc_create, name="create"),
    path("<int:pk>/", nc_detail, name="detail"),
    path("<int:pk>/edit/", nc_edit, name="edit"),
    path("<int:pk>/transition/", nc_transition, name="transition"),
    path("<int:pk>/why/", why_add, name="why_add"),
    path("why/<int:pk>/edit/", why_edit, name="why_edit"),
    path("why/<int:pk>/root/", why_root, name="why_root"),
    path("why/<int:pk>/delete/", why_delete, name="why_delete"),
    path("<int:pk>/fishbone/", fishbone_add, name="fishbone_add"),
    path("fishbone/<int:pk>/root/", fishbone_root, name="fishbone_root"),
    path("fishbone/<int:pk>/delete/", fishbone_delete, name="fishbone_delete"),
    path("<int:pk>/8d.pdf", nc_8d, name="report_8d"),
]

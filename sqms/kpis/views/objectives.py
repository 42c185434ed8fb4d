"""Quality objective pages: list with the judged status, detail (status and its reason, the
cascade, reviews), create, edit, delete, record a review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, delete_page, detail_page, form_page
from sqms.kpis import actions
from sqms.kpis.choices import ObjectiveStatus
from sqms.kpis.forms import ObjectiveForm, ReviewForm
from sqms.kpis.models import Objective, ObjectiveReview, chart_url
from sqms.kpis.objectives import status_of


def _status(o: Objective) -> str:
    j = status_of(o)
    return f"{ObjectiveStatus(j.status).label} — {j.reason}"


OBJECTIVE_LIST = ListSpec(
    title=gettext_lazy("Quality objectives"),
    columns=[
        ListColumn("title", gettext_lazy("Title"), lambda o: o.title, sort="title", link=True),
        ListColumn("kpi", gettext_lazy("KPI"), lambda o: o.kpi.code, sort="kpi__code"),
        ListColumn("unit", gettext_lazy("Unit"), lambda o: o.unit_label, sort="unit_key"),
        ListColumn("target", gettext_lazy("Target"), lambda o: o.target),
        ListColumn(
            "deadline", gettext_lazy("Deadline"), lambda o: o.deadline.isoformat(), sort="deadline"
        ),
        ListColumn("status", gettext_lazy("Status"), _status),
    ],
    default_sort="deadline",
    export_name="quality-objectives",
    empty_text=gettext_lazy("No quality objectives yet."),
)


@require_safe
@login_required
def objective_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = Objective.objects.restrict(request.user).select_related("kpi", "site", "region")
    create = reverse("kpis:objective_create") if allowed(request.user, "add", Objective) else None
    return render_list(request, OBJECTIVE_LIST, qs, extra={"create_url": create})


@require_safe
@login_required
def objective_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Objective.objects.restrict(request.user).select_related("kpi"), pk=pk)
    judged = status_of(obj)
    visible = Objective.objects.restrict(request.user)
    return detail_page(
        request,
        obj,
        "kpis/objective_detail.html",
        judged=judged,
        status_label=ObjectiveStatus(judged.status).label,
        chart=chart_url(obj.kpi_id, obj.level, obj.site_id, obj.region_id),
        parent=visible.filter(pk=obj.parent_id).first() if obj.parent_id else None,
        children=visible.filter(parent=obj),
        reviews=ObjectiveReview.objects.restrict(request.user).filter(objective=obj),
        can_review=allowed(request.user, "add", ObjectiveReview),
        form=ReviewForm(),
    )


@login_required
def objective_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Objective):
        raise PermissionDenied
    return form_page(
        request,
        ObjectiveForm(request.POST or None, user=request.user),
        lambda data: actions.do_create_objective(data, acting_user=request.user, channel=WEB),
        _("New quality objective"),
        reverse("kpis:objectives"),
    )


@login_required
def objective_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Objective.objects.restrict(request.user, "change"), pk=pk)
    form = ObjectiveForm(
        request.POST or None, instance=Objective.objects.get(pk=pk), user=request.user
    )
    return form_page(
        request,
        form,
        lambda data: actions.do_update_objective(obj, data, acting_user=request.user, channel=WEB),
        _("Edit objective %(record)s") % {"record": obj},
        obj.get_absolute_url(),
    )


@login_required
def objective_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Objective.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        obj,
        lambda: actions.do_delete_objective(obj, acting_user=request.user, channel=WEB),
        reverse("kpis:objectives"),
        _("Its reviews are deleted with it."),
    )


@require_POST
@login_required
def objective_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    obj = get_object_or_404(Objective.objects.restrict(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the review's fields."))
        return redirect(obj.get_absolute_url())
    try:
        actions.do_review_objective(
            obj,
            form.cleaned_data["note"],
            form.cleaned_data["next_review"],
            acting_user=request.user,
            channel=WEB,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Review recorded."))
    return redirect(obj.get_absolute_url())


urlpatterns = [
    path("objectives/", objective_list, name="objectives"),
    path("objectives/new/", objective_create, name="objective_create"),
    path("objectives/<int:pk>/", objective_detail, name="objective"),
    path("objectives/<int:pk>/edit/", objective_edit, name="objective_edit"),
    path("objectives/<int:pk>/delete/", objective_delete, name="objective_delete"),
    path("objectives/<int:pk>/review/", objective_review, name="objective_review"),
]

"""Training pages: the list (search, filters, CSV/XLSX), a training with its measured effect
(before vs after, the significance test, a chart), its forms and deletion."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, delete_page, detail_page, form_page
from sqms.standards import actions, effect
from sqms.standards.filters import TRAINING_FILTERS
from sqms.standards.forms import TrainingForm
from sqms.standards.models import Training
from sqms.standards.views.common import plotly_url

TRAINING_LIST = ListSpec(
    title=gettext_lazy("Trainings"),
    columns=[
        ListColumn(
            "held_on",
            gettext_lazy("Date"),
            lambda t: t.held_on.isoformat(),
            sort="held_on",
            link=True,
        ),
        ListColumn("course", gettext_lazy("Course"), lambda t: t.course, sort="course"),
        ListColumn(
            "standard", gettext_lazy("Standard"), lambda t: t.standard.code, sort="standard__code"
        ),
        ListColumn("trainer", gettext_lazy("Trainer"), lambda t: t.trainer, sort="trainer"),
        ListColumn(
            "sites", gettext_lazy("Sites"), lambda t: ", ".join(s.code for s in t.sites.all())
        ),
        ListColumn("attendees", gettext_lazy("Attendees"), lambda t: len(t.attendees.all())),
    ],
    filterset=TRAINING_FILTERS,
    default_sort="-held_on",
    export_name="trainings",
    empty_text=gettext_lazy("No trainings recorded."),
)


@require_safe
@login_required
def training_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = (
        Training.objects.restrict(request.user)
        .select_related("standard")
        .prefetch_related("sites", "attendees")
    )
    create = (
        reverse("standards:training_create") if allowed(request.user, "add", Training) else None
    )
    return render_list(request, TRAINING_LIST, qs, extra={"create_url": create})


@login_required
def training_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Training):
        raise PermissionDenied
    initial = {}
    if request.GET.get("standard", "").isdigit():
        initial["standard"] = request.GET["standard"]
    return form_page(
        request,
        TrainingForm(request.POST or None, user=request.user, initial=initial),
        lambda data: actions.do_create_training(data, acting_user=request.user, channel=WEB),
        _("New training"),
        reverse("standards:training_list"),
    )


@login_required
def training_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(Training.objects.restrict(request.user, "change"), pk=pk)
    form = TrainingForm(
        request.POST or None, instance=Training.objects.get(pk=pk), user=request.user
    )
    return form_page(
        request,
        form,
        lambda data: actions.do_update_training(
            training, data, acting_user=request.user, channel=WEB
        ),
        _("Edit %(record)s") % {"record": training},
        training.get_absolute_url(),
    )


@login_required
def training_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(Training.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        training,
        lambda: actions.do_delete_training(training, acting_user=request.user, channel=WEB),
        reverse("standards:training_list"),
    )


@require_safe
@login_required
def training_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(
        Training.objects.restrict(request.user).select_related("standard", "effect_category"),
        pk=pk,
    )
    result = effect.training_effect(training, request.user)
    return detail_page(
        request,
        training,
        "standards/training_detail.html",
        effect=result,
        chart=effect.effect_chart(result),
        plotly_url=plotly_url(),
        attendees=training.attendees.order_by("username"),
        sites=training.sites.all(),
    )


urlpatterns = [
    path("trainings/", training_list, name="training_list"),
    path("trainings/new/", training_create, name="training_create"),
    path("trainings/<int:pk>/", training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", training_edit, name="training_edit"),
    path("trainings/<int:pk>/delete/", training_delete, name="training_delete"),
]

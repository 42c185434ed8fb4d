"""Staff pages (quality managers): the outbox with "retry now", periodic job runs, and the
webhook endpoints. Thin: every write goes through ``actions``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core.choices import Role
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import role_of
from sqms.core.views.generic import WEB, delete_page, detail_page, form_page
from sqms.jobs import actions
from sqms.jobs.choices import OutboxChannel, OutboxStatus
from sqms.jobs.filters import OUTBOX_FILTERS, WEBHOOK_FILTERS
from sqms.jobs.forms import WebhookForm
from sqms.jobs.models import JobRun, OutboxMessage, WebhookEndpoint, with_endpoint_names
from sqms.jobs.registry import registered


def staff_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Quality managers only: the outbox holds every site's notifications and recipients."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if role_of(request.user) != Role.QUALITY_MANAGER:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


OUTBOX_LIST = ListSpec(
    title=gettext_lazy("Outbox"),
    columns=[
        ListColumn("created", gettext_lazy("Created"), lambda m: _when(m.created_at), sort="id"),
        ListColumn("event", gettext_lazy("Event"), lambda m: m.event_key, sort="event_key"),
        ListColumn(
            "channel", gettext_lazy("Channel"), lambda m: m.get_channel_display(), sort="channel"
        ),
        ListColumn("recipient", gettext_lazy("Recipient"), lambda m: m.recipient_label),
        ListColumn("subject", gettext_lazy("Subject"), lambda m: m.subject, link=True),
        ListColumn(
            "status", gettext_lazy("Status"), lambda m: m.get_status_display(), sort="status"
        ),
        ListColumn("attempts", gettext_lazy("Attempts"), lambda m: m.attempts, sort="attempts"),
        ListColumn(
            "next",
            gettext_lazy("Next attempt"),
            lambda m: _when(m.next_attempt_at) if m.status != OutboxStatus.SENT else "",
            sort="next_attempt_at",
        ),
        ListColumn("sent", gettext_lazy("Sent"), lambda m: _when(m.sent_at), sort="sent_at"),
        ListColumn("error", gettext_lazy("Last error"), lambda m: m.last_error[:200]),
    ],
    filterset=OUTBOX_FILTERS,
    default_sort="-created",
    export_name="outbox",
    empty_text=gettext_lazy("No notifications yet."),
)


@require_safe
@staff_only
def outbox(request: AuthenticatedHttpRequest) -> Any:
    qs = with_endpoint_names(OutboxMessage.objects.restrict(request.user, "view"))
    return render_list(request, OUTBOX_LIST, qs, template="jobs/list.html")


@require_safe
@staff_only
def outbox_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage.objects.restrict(request.user, "view"), pk=pk)
    can_retry = message.status in (OutboxStatus.FAILED, OutboxStatus.DEAD)
    return detail_page(request, message, "jobs/outbox_detail.html", can_retry=can_retry)


@require_POST
@staff_only
def outbox_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage.objects.restrict(request.user, "change"), pk=pk)
    try:
        actions.do_retry_message(message, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message will be sent again now."))
    return redirect(message.get_absolute_url())


@require_safe
@staff_only
def job_runs(request: AuthenticatedHttpRequest) -> HttpResponse:
    runs = {r.name: r for r in JobRun.objects.restrict(request.user, "view")}
    rows = [{"job": job, "run": runs.get(job.name)} for job in registered()]
    return render(request, "jobs/job_runs.html", {"rows": rows})


# Webhook endpoints -------------------------------------------------------------------------

WEBHOOK_LIST = ListSpec(
    title=gettext_lazy("Webhook endpoints"),
    columns=[
        ListColumn("name", gettext_lazy("Name"), lambda w: w.name, sort="name", link=True),
        ListColumn(
            "format", gettext_lazy("Format"), lambda w: w.get_format_display(), sort="format"
        ),
        ListColumn("active", gettext_lazy("Active"), lambda w: w.is_active, sort="is_active"),
    ],
    filterset=WEBHOOK_FILTERS,
    default_sort="name",
    export_name="webhooks",
    empty_text=gettext_lazy("No webhook endpoints yet."),
)


@require_safe
@staff_only
def webhook_list(request: AuthenticatedHttpRequest) -> Any:
    qs = WebhookEndpoint.objects.restrict(request.user, "view")
    return render_list(
        request,
        WEBHOOK_LIST,
        qs,
        template="jobs/list.html",
        extra={"create_url": reverse("jobs:webhook_create")},
    )


@require_safe
@staff_only
def webhook_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint.objects.restrict(request.user, "view"), pk=pk)
    recent = OutboxMessage.objects.filter(channel=OutboxChannel.WEBHOOK, recipient=str(pk))[:20]
    return detail_page(request, endpoint, "jobs/webhook_detail.html", recent=recent)


@staff_only
def webhook_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    return form_page(
        request,
        WebhookForm(request.POST or None),
        lambda data: actions.do_create_webhook(data, acting_user=request.user, channel=WEB),
        _("New webhook endpoint"),
        reverse("jobs:webhooks"),
    )


@staff_only
def webhook_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint.objects.restrict(request.user, "change"), pk=pk)
    form = WebhookForm(request.POST or None, instance=WebhookEndpoint.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda data: actions.do_update_webhook(
            endpoint, data, acting_user=request.user, channel=WEB
        ),
        _("Edit webhook endpoint %(record)s") % {"record": endpoint},
        endpoint.get_absolute_url(),
    )


@staff_only
def webhook_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        endpoint,
        lambda: actions.do_delete_webhook(endpoint, acting_user=request.user, channel=WEB),
        reverse("jobs:webhooks"),
        _("Messages to it that are not sent yet will be given up."),
    )

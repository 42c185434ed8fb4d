"""The audit log page: every event in the user's scope, searchable and exportable."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.core import audit
from sqms.core.filters import AUDIT_FILTERS
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import AuditEvent

# Audit log ---------------------------------------------------------------------------------

AUDIT_LIST = ListSpec(
    title=gettext_lazy("Audit log"),
    columns=[
        ListColumn("at", gettext_lazy("When"), lambda e: e.at, sort="at"),
        ListColumn("who", gettext_lazy("Who"), lambda e: _who(e), sort="who"),
        ListColumn(
            "channel", gettext_lazy("Channel"), lambda e: e.get_channel_display(), sort="channel"
        ),
        ListColumn(
            "action", gettext_lazy("Action"), lambda e: e.get_action_display(), sort="action"
        ),
        ListColumn("record", gettext_lazy("Record"), lambda e: e.object_repr, sort="object_repr"),
        ListColumn("changes", gettext_lazy("Changes"), lambda e: _changes_text(e.changes)),
    ],
    filterset=AUDIT_FILTERS,
    default_sort="-at",
    export_name="audit-log",
    empty_text=gettext_lazy("Nothing recorded yet."),
)


def _who(e: AuditEvent) -> str:
    if e.who:  # type: ignore[attr-defined]
        return str(e.who)  # type: ignore[attr-defined]
    return _("(hidden)") if e.actor_hidden and e.actor_name else _("system")


def _changes_text(changes: dict[str, Any]) -> str:
    return "; ".join(f"{k}: {v[0]!s} → {v[1]!s}" for k, v in changes.items())


@require_safe
@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = audit.with_who(AuditEvent.objects.restrict(request.user, "view"), request.user)
    return render_list(request, AUDIT_LIST, qs, template="core/audit_log.html")

"""The context of the partial templates the complaint's detail page includes (clocks,
attachments, recovery, follow-up), gathered in one place so the view stays thin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqms.complaints.clock_display import clock_context
from sqms.complaints.models import Complaint
from sqms.complaints.views.intake import attachments_context
from sqms.complaints.views.recovery import recovery_context
from sqms.complaints.views.reports import refer_context
from sqms.core.http import AuthenticatedHttpRequest


def detail_partials(
    request: AuthenticatedHttpRequest, complaint: Complaint, now: datetime
) -> dict[str, Any]:
    return {
        **clock_context(complaint, now),
        **attachments_context(request, complaint),
        **recovery_context(request, complaint),
        **refer_context(request, complaint),
        "partial_templates": [
            "complaints/_recovery.html",
            "complaints/_attachments.html",
            "complaints/referrals_button.html",
        ],
    }

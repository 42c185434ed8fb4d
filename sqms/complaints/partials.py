"""The context of the partial templates the complaint's detail page includes (clocks,
attachments, recovery, follow-up), gathered in one place so the view stays thin."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest

from sqms.complaints.models import Complaint


def detail_partials(request: HttpRequest, complaint: Complaint, now: datetime) -> dict[str, Any]:
    return {"partial_templates": []}

"""``{% load complaints_sla %}``: ``{% due_badge complaint %}`` (or ``{% due_badge complaint
now %}``) renders a list row's SLA badge from the cached columns (see
``sqms.complaints.clock_display.due_badge``)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from sqms.complaints.clock_display import due_badge as badge_of
from sqms.complaints.models import Complaint

register = template.Library()


@register.simple_tag
def due_badge(complaint: Complaint, now: datetime | None = None) -> SafeString:
    badge = badge_of(complaint, now or timezone.now())
    if badge is None:
        return format_html("")
    title = badge["due_at"].isoformat(timespec="minutes") if badge["due_at"] else ""
    return format_html(
        '<span class="badge sla-{}" title="{}">{}</span>', badge["state"], title, badge["text"]
    )

"""``{% to_read_badge %}``: the number of effective standards the user has still to
acknowledge, as a link to their "to read" list (nothing when there are none);
``{% to_read_versions as versions %}`` for a home-page panel (``standards/_to_read.html``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sqms.standards.audience import to_read

register = template.Library()


@register.simple_tag(takes_context=True)
def to_read_versions(context: Any) -> list[Any]:
    """``{% to_read_versions as versions %}``: the versions the user must still acknowledge."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return to_read(user, timezone.localdate())


@register.simple_tag(takes_context=True)
def to_read_badge(context: Any) -> SafeString | str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    cached = getattr(request, "_sqms_to_read", None)
    if cached is None:
        cached = len(to_read(user, timezone.localdate()))
        request._sqms_to_read = cached
    if not cached:
        return ""
    return format_html(
        '<a href="{}" class="badge" title="{}">{} {}</a>',
        reverse("standards:to_read"),
        _("Standards to read and acknowledge"),
        _("To read"),
        cached,
    )

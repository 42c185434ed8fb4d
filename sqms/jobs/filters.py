"""The jobs app's filters: one definition each, read by the staff list pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from sqms.core.filtersets import ChoiceFilter, FilterSet
from sqms.jobs.choices import OutboxChannel, OutboxStatus, WebhookFormat

OUTBOX_FILTERS = FilterSet(
    search=("event_key", "recipient", "subject"),
    filters=(
        ChoiceFilter("status", gettext_lazy("Status"), "status", OutboxStatus),
        ChoiceFilter("channel", gettext_lazy("Channel"), "channel", OutboxChannel),
    ),
)

WEBHOOK_FILTERS = FilterSet(
    search=("name",),
    filters=(ChoiceFilter("format", gettext_lazy("Format"), "format", WebhookFormat),),
)

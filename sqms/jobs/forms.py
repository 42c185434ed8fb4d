"""Forms of the jobs pages."""

from __future__ import annotations

from django import forms

from sqms.jobs.models import WebhookEndpoint


class WebhookForm(forms.ModelForm[WebhookEndpoint]):
    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "format", "is_active"]

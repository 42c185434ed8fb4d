"""The email backend used when no SMTP server is configured outside debug mode: every send
fails with a message that says what to set, so outbox rows wait instead of vanishing."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class NotConfiguredBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise RuntimeError("email is not configured: set SQMS_SMTP_HOST (docs/configuration.md)")

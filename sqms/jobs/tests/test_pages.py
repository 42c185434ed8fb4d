"""Staff pages: outbox list with filters, export and retry; job runs; webhook endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from sqms.jobs.models import OutboxMessage, WebhookEndpoint
from sqms.jobs.outbox import notify

pytestmark = pytest.mark.django_db


def test_outbox_pages_are_for_quality_managers(world: Any, client_for: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "sqms.jobs.mail.NotConfiguredBackend"
    with transaction.atomic():
        notify("e:page", subject="Overdue complaint", emails=["a@example.com", "b@example.com"])
    from sqms.jobs.outbox import deliver_due

    settings.SQMS_OUTBOX_MAX_ATTEMPTS = 1
    deliver_due()
    qm = client_for(world.qm)
    page = qm.get(reverse("jobs:outbox"), {"status": "dead", "channel": "email"})
    assert page.status_code == 200 and page.content.decode().count("Overdue complaint") == 2
    assert qm.get(reverse("jobs:outbox"), {"status": "sent"}).context["rows"] == []
    csv = qm.get(reverse("jobs:outbox"), {"export": "csv"})
    assert b"".join(csv.streaming_content).decode("utf-8-sig").count("a@example.com") == 1
    message = OutboxMessage.objects.get(recipient="a@example.com")
    detail = qm.get(message.get_absolute_url())
    assert "Retry now" in detail.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    qm.post(reverse("jobs:outbox_retry", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == "pending"  # on_commit does not fire inside the test transaction
    for user in (world.alpha_manager, world.viewer_all):
        assert client_for(user).get(reverse("jobs:outbox")).status_code == 403
    assert qm.get(reverse("jobs:runs")).status_code == 200


def test_webhook_pages(world: Any, client_for: Any) -> None:
    qm = client_for(world.qm)
    bad = qm.post(
        reverse("jobs:webhook_create"),
        {"name": "x", "url": "file:///etc/passwd", "format": "generic"},
    )
    assert "url" in bad.context["form"].errors
    ok = qm.post(
        reverse("jobs:webhook_create"),
        {
            "name": "QA robot",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "format": "dingtalk",
            "is_active": "on",
        },
    )
    hook = WebhookEndpoint.objects.get(name="QA robot")
    assert ok.status_code == 302 and ok["Location"] == hook.get_absolute_url()
    assert "QA robot" in qm.get(reverse("jobs:webhooks")).content.decode()
    assert client_for(world.alpha_manager).get(hook.get_absolute_url()).status_code == 403


def test_the_outbox_list_names_endpoints_without_a_query_per_row(
    world: Any, client_for: Any
) -> None:
    hooks = [
        WebhookEndpoint.objects.create(name=f"Robot {n}", url=f"https://example.org/{n}")
        for n in range(3)
    ]
    for n, hook in enumerate(hooks):
        OutboxMessage.objects.create(
            event_key=f"e:{n}", channel="webhook", recipient=str(hook.pk), subject="s"
        )
    OutboxMessage.objects.create(
        event_key="e:gone", channel="webhook", recipient="9999", subject="s"
    )
    OutboxMessage.objects.create(
        event_key="e:mail", channel="email", recipient="a@x.org", subject="s"
    )
    qm = client_for(world.qm)
    url = reverse("jobs:outbox")
    qm.get(url)  # warm the session and the site caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as all_rows:
        page = qm.get(url)
    labels = sorted(str(cells[3][1]) for cells in (r["cells"] for r in page.context["rows"]))
    assert labels == ["#9999", "Robot 0", "Robot 1", "Robot 2", "a@x.org"]
    with CaptureQueriesContext(connection) as one_row:
        qm.get(url, {"channel": "email"})
    assert len(all_rows.captured_queries) == len(one_row.captured_queries)

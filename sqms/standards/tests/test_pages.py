"""The pages end to end as a quality manager: create a standard, write the draft with its
steps, submit, approve by another quality manager, link, record a training; the list with
search and its exports."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sqms.complaints.models import Category
from sqms.standards.models import Standard, StandardVersion, Training


def login(user):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_web_flow(world, qm2):
    qm = login(world.qm)
    made = qm.post(
        reverse("standards:create"),
        {
            "code": "GREET",
            "title": "迎宾",
            "kind": "sop",
            "service": world.service.pk,
            "review_months": 6,
        },
    )
    standard = Standard.objects.get(code="GREET")
    assert made.status_code == 302 and standard.review_months == 6
    version = standard.versions.get()
    edit = reverse("standards:version_edit", args=[version.pk])
    assert "steps-TOTAL_FORMS" in qm.get(edit).content.decode()
    saved = qm.post(
        edit,
        {
            "body": "Greet",
            "promise": "5 minutes",
            "compensation": "Coupon",
            "change_note": "",
            "ack_sites": [world.site_a.pk],
            "steps-TOTAL_FORMS": "3",
            "steps-INITIAL_FORMS": "0",
            "steps-0-text": "Greet",
            "steps-0-time_limit_minutes": "1",
            "steps-0-role": "agent",
            "steps-1-text": "",
            "steps-2-text": "Offer water",
            "steps-2-role": "",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert list(version.steps.values_list("position", "text")) == [(1, "Greet"), (2, "Offer water")]
    qm.post(reverse("standards:version_submit", args=[version.pk]))
    today = timezone.localdate().isoformat()
    page = qm.get(version.get_absolute_url()).content.decode()
    assert "another quality manager approves" in page
    refused = qm.post(
        reverse("standards:version_approve", args=[version.pk]),
        {"effective_from": today},
        follow=True,
    )
    assert "no self-approval" in refused.content.decode()
    other = login(qm2)
    other.post(reverse("standards:version_approve", args=[version.pk]), {"effective_from": today})
    version.refresh_from_db()
    assert version.status == "approved" and version.decided_by == qm2
    assert qm.get(edit).status_code == 302  # read-only now
    assert StandardVersion.objects.get(pk=version.pk).body == "Greet"

    category = Category.objects.order_by("pk")[0]
    qm.post(reverse("standards:link_create", args=[standard.pk]), {"category": category.pk})
    assert standard.links.count() == 1
    detail = qm.get(standard.get_absolute_url()).content.decode()
    assert category.code in detail and "How well it is kept" in detail

    manager = login(world.alpha_manager)
    created = manager.post(
        reverse("standards:training_create"),
        {
            "standard": standard.pk,
            "course": "Greeting",
            "held_on": "2026-03-15",
            "trainer": "Ms Li",
            "sites": [world.site_a.pk],
            "attendees": [world.alpha_agent.pk],
            "effect_metric": "complaints",
            "effect_category": category.pk,
            "window_days": 30,
        },
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    training = Training.objects.get()
    assert (
        "No complaints in either window"
        in manager.get(training.get_absolute_url()).content.decode()
    )


def test_list_search_and_exports(world, qm2):
    from sqms.standards.tests.data import make_standard

    make_standard(world, world.qm, "GREET")
    make_standard(world, world.qm, "QUEUE")
    c = login(world.alpha_agent)
    body = c.get(reverse("standards:list"), {"q": "QUEUE"}).content.decode()
    assert "QUEUE" in body and "GREET" not in body
    csv = c.get(reverse("standards:list"), {"export": "csv"})
    assert b"GREET" in b"".join(csv.streaming_content)
    xlsx = c.get(reverse("standards:list"), {"export": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]

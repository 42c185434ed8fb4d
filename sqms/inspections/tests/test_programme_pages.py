"""Programme, upcoming, calendar and audit pages: what each persona sees, filters and exports,
and the writes through the forms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.inspections import actions
from sqms.inspections.choices import InspectionStatus
from sqms.inspections.models import AuditPlan, Finding, Inspection, Programme
from sqms.inspections.tests.factories import make_checklist
from sqms.inspections.tests.programme_data import programme, shoppers
from sqms.test import World


def _month_start(offset: int = 0) -> date:
    today = timezone.localdate().replace(day=1)
    index = today.year * 12 + today.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


@pytest.fixture
def plans(world: World) -> dict[str, Programme]:
    """A supervisor programme (alpha inspector at site A, qm at B) and a mystery programme,
    monthly from last month, planned to the end of this month."""
    s1, s2 = shoppers(world)
    sup = programme(
        world,
        kind="supervisor",
        frequency="monthly",
        inspectors=[world.alpha_inspector, world.qm],
        starts_on=_month_start(-1),
        code="SUP",
    )
    myst = programme(
        world, frequency="monthly", inspectors=[s1, s2], starts_on=_month_start(-1), code="MYS"
    )
    for p in (sup, myst):
        actions.do_generate_plans(p, until=timezone.localdate(), acting_user=world.qm)
    return {"sup": sup, "myst": myst}


@pytest.mark.django_db
def test_upcoming_list_filters_and_exports(world: World, plans: dict, client_for) -> None:  # type: ignore[no-untyped-def]
    qm = client_for(world.qm)
    page = qm.get(reverse("inspections:upcoming"))
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 8  # 2 programmes × 2 sites × 2 months
    overdue = qm.get(reverse("inspections:upcoming"), {"overdue": "1"})
    assert overdue.context["page"].paginator.count == 4  # last month's
    site_a = qm.get(reverse("inspections:upcoming"), {"site": world.site_a.pk, "kind": "mystery"})
    assert site_a.context["page"].paginator.count == 2
    csv = qm.get(reverse("inspections:upcoming"), {"export": "csv", "overdue": "1"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert body.count("\n") == 5 and "Mystery shopper" in body
    xlsx = qm.get(reverse("inspections:upcoming"), {"export": "xlsx"})
    assert xlsx.status_code == 200
    # the inspector sees only their own assignments; the site manager no planned mystery visit
    insp = client_for(world.alpha_inspector).get(reverse("inspections:upcoming"))
    rows = [r["obj"] for r in insp.context["rows"]]
    assert rows and all(i.inspector_id == world.alpha_inspector.pk for i in rows)
    mgr = client_for(world.alpha_manager).get(reverse("inspections:upcoming"))
    kinds = {(r["obj"].site_id, r["obj"].kind) for r in mgr.context["rows"]}
    assert kinds == {(world.site_a.pk, "supervisor")}


@pytest.mark.django_db
def test_calendar_month_navigation_and_site_filter(world: World, plans: dict, client_for) -> None:  # type: ignore[no-untyped-def]
    qm = client_for(world.qm)
    first = _month_start()
    page = qm.get(reverse("inspections:calendar"), {"month": f"{first:%Y-%m}"})
    assert page.status_code == 200
    entries = [e for week in page.context["weeks"] for day in week for e in day["entries"]]
    assert len(entries) == 4 and {e.due_on for e in entries} == {
        _month_start(1) - timedelta(days=1)
    }
    assert page.context["prev"] == f"{_month_start(-1):%Y-%m}"
    only_a = qm.get(
        reverse("inspections:calendar"), {"month": f"{first:%Y-%m}", "site": world.site_b.pk}
    )
    assert {e.site_id for d, es in only_a.context["agenda"] for e in es} == {world.site_b.pk}
    # a submitted one sits on its submission day
    one = (
        Inspection.objects.filter(programme=plans["sup"], site=world.site_a)
        .order_by("due_on")
        .first()
    )
    assert one is not None
    Inspection.objects.filter(pk=one.pk).update(
        status=InspectionStatus.SUBMITTED, submitted_at=timezone.now()
    )
    page = qm.get(reverse("inspections:calendar"))
    assert timezone.localdate() in dict(page.context["agenda"])
    assert qm.get(reverse("inspections:calendar"), {"month": "garbage"}).status_code == 200
    mgr = client_for(world.alpha_manager).get(
        reverse("inspections:calendar"), {"month": f"{first:%Y-%m}"}
    )
    assert {e.kind for d, es in mgr.context["agenda"] for e in es} == {"supervisor"}


@pytest.mark.django_db
def test_programme_pages_and_form(world: World, plans: dict, client_for) -> None:  # type: ignore[no-untyped-def]
    qm = client_for(world.qm)
    assert qm.get(reverse("inspections:programme_list")).status_code == 200
    detail = qm.get(reverse("inspections:programme_detail", args=[plans["myst"].pk]))
    assert detail.status_code == 200 and detail.context["total"] == 4
    assert "shopper1" in detail.content.decode()
    # the site manager sees the programme, but not the shoppers nor the planned visits
    mgr = client_for(world.alpha_manager).get(
        reverse("inspections:programme_detail", args=[plans["myst"].pk])
    )
    assert mgr.status_code == 200 and mgr.context["total"] == 0
    assert "shopper1" not in mgr.content.decode()
    version = make_checklist("SELF", kind="self")
    response = qm.post(
        reverse("inspections:programme_create"),
        {
            "name": "每周自检 Weekly self-inspection",
            "template": version.template.pk,
            "kind": "self",
            "frequency": "weekly",
            "sites": [world.site_a.pk],
            "starts_on": "2026-12-28",
            "remind_days": "1",
            "is_active": "on",
        },
    )
    created = Programme.objects.get(kind="self")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    response = qm.post(
        reverse("inspections:programme_generate", args=[created.pk]), {"until": "2027-01-10"}
    )
    assert response.status_code == 302
    assert Inspection.objects.filter(programme=created).count() == 2
    bad = qm.post(
        reverse("inspections:programme_edit", args=[created.pk]),
        {
            "name": "x",
            "template": version.template.pk,
            "kind": "self",
            "frequency": "weekly",
            "sites": [world.site_a.pk],
            "inspectors": [world.alpha_inspector.pk],
            "starts_on": "2026-12-28",
            "remind_days": "1",
        },
    )
    assert bad.status_code == 200 and "no inspectors" in bad.content.decode()
    # site managers may not change programmes
    denied = client_for(world.alpha_manager).post(
        reverse("inspections:programme_generate", args=[created.pk]), {"until": "2027-02-01"}
    )
    assert denied.status_code == 404


@pytest.mark.django_db
def test_audit_pages_flow(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    qm = client_for(world.qm)
    version = make_checklist("AUD", kind="audit")
    response = qm.post(
        reverse("inspections:audit_create"),
        {
            "site": world.site_a.pk,
            "template": version.template.pk,
            "scope": "冷链 Cold chain",
            "criteria": "ISO 9001:2015",
            "auditors": [world.qm.pk],
            "planned_on": "2026-11-20",
        },
    )
    audit = Inspection.objects.get(kind="audit")
    assert response.status_code == 302 and response["Location"] == reverse(
        "inspections:audit_detail", args=[audit.pk]
    )
    qm.post(reverse("inspections:audit_meeting", args=[audit.pk, "opening"]), {"notes": "开始"})
    qm.post(
        reverse("inspections:finding_add", args=[audit.pk]),
        {"kind": "major", "clause": "8.5.1", "description": "温度记录缺失 Missing log"},
    )
    finding = Finding.objects.get()
    page = qm.get(reverse("inspections:audit_detail", args=[audit.pk]))
    assert page.status_code == 200 and "温度记录缺失" in page.content.decode()
    assert page.context["audit_can_edit"] is True
    assert ("Major nonconformity", 1) in page.context["audit_counts"]
    qm.post(
        reverse("inspections:finding_edit", args=[finding.pk]),
        {"kind": "minor", "clause": "8.5.1", "description": "d"},
    )
    finding.refresh_from_db()
    assert finding.kind == "minor"
    assert qm.get(reverse("inspections:finding_delete", args=[finding.pk])).status_code == 200
    closed = qm.post(reverse("inspections:audit_close", args=[audit.pk]), {"closing_notes": "结束"})
    assert closed.status_code == 302
    audit.refresh_from_db()
    assert audit.status == InspectionStatus.SUBMITTED
    page = qm.get(reverse("inspections:audit_detail", args=[audit.pk]))
    assert page.context["audit_can_edit"] is False
    events = AuditEvent.objects.count()
    again = qm.post(
        reverse("inspections:finding_add", args=[audit.pk]),
        {"kind": "minor", "clause": "7", "description": "x"},
    )
    assert again.status_code == 200 and "closed" in again.content.decode()
    assert AuditEvent.objects.count() == events and Finding.objects.count() == 1
    pdf = qm.get(reverse("inspections:audit_report", args=[audit.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert qm.get(reverse("inspections:audit_list")).context["page"].paginator.count == 1
    assert AuditPlan.objects.get().closing_notes == "结束"
    # site people read it, but may not write
    mgr = client_for(world.alpha_manager)
    assert (
        mgr.get(reverse("inspections:audit_detail", args=[audit.pk])).context["audit_can_edit"]
        is False
    )
    assert mgr.get(reverse("inspections:finding_add", args=[audit.pk])).status_code == 404


@pytest.mark.django_db
def test_generate_via_command(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    p = programme(world, kind="self", frequency="quarterly", starts_on=date(2026, 1, 1))
    call_command("plan_inspections", "--until", "2026-06-30")
    out = capsys.readouterr().out
    assert f"{p}: 4 planned, 0 already there" in out
    call_command("plan_inspections", "--until", "2026-06-30", "--programme", str(p.pk))
    assert "0 planned, 4 already there" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--until"):
        call_command("plan_inspections", "--until", "June")
    assert Channel.CLI in set(AuditEvent.objects.values_list("channel", flat=True))

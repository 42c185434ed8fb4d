"""The programmes and audits API: CRUD, generate, upcoming, audit plan, findings, close, PDF."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.inspections.models import Finding, Inspection, Programme
from sqms.inspections.report_filters import ResultFilters
from sqms.inspections.tests.factories import make_checklist
from sqms.inspections.tests.programme_data import shoppers
from sqms.test import World

BASE = "/api/v1/inspections"


def api(user: Any) -> tuple[Client, dict[str, str]]:
    _token, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=Channel.CLI)
    return Client(HTTP_ACCEPT_LANGUAGE="en"), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(c: Client, h: dict[str, str], method: str, url: str, body: Any = None) -> Any:
    return getattr(c, method)(
        url, data=json.dumps(body or {}), content_type="application/json", **h
    )


@pytest.mark.django_db
def test_programme_crud_generate_and_upcoming(world: World) -> None:
    c, h = api(world.qm)
    s1, s2 = shoppers(world)
    version = make_checklist("MYS", kind="mystery")
    body = {
        "name": "神秘顾客 Quarterly mystery shopping",
        "template_id": version.template.pk,
        "kind": "mystery",
        "frequency": "quarterly",
        "site_ids": [world.site_a.pk, world.site_b.pk],
        "inspector_ids": [s1.pk, s2.pk],
        "starts_on": "2026-01-01",
    }
    created = send(c, h, "post", f"{BASE}/programmes/", body)
    assert created.status_code == 201, created.content
    pid = created.json()["id"]
    assert created.json()["inspector_ids"] == sorted([s1.pk, s2.pk])
    bad = send(c, h, "post", f"{BASE}/programmes/", {**body, "inspector_ids": []})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "inspectors"]
    gen = send(c, h, "post", f"{BASE}/programmes/{pid}/generate", {"until": "2026-06-30"})
    assert gen.json() == {"until": "2026-06-30", "created": 4, "existing": 0, "errors": []}
    gen = send(c, h, "post", f"{BASE}/programmes/{pid}/generate", {"until": "2026-06-30"})
    assert gen.json()["created"] == 0 and gen.json()["existing"] == 4
    patched = send(c, h, "patch", f"{BASE}/programmes/{pid}", {"remind_days": 5})
    assert patched.json()["remind_days"] == 5
    upcoming = c.get(
        f"{BASE}/programmes/upcoming", {"site_id": world.site_a.pk, "overdue": "true"}, **h
    )
    items = upcoming.json()["items"]
    assert upcoming.status_code == 200 and len(items) == 2 and all(i["overdue"] for i in items)
    assert items[0]["due_on"] == "2026-03-31" and items[0]["inspector_id"] in (s1.pk, s2.pk)
    # a site manager sees the programme (own site only) but neither shoppers nor planned visits
    mc, mh = api(world.alpha_manager)
    seen = mc.get(f"{BASE}/programmes/{pid}", **mh).json()
    assert seen["site_ids"] == [world.site_a.pk] and seen["inspector_ids"] is None
    assert mc.get(f"{BASE}/programmes/upcoming", **mh).json()["items"] == []
    assert send(mc, mh, "patch", f"{BASE}/programmes/{pid}", {"name": "x"}).status_code == 404
    assert c.delete(f"{BASE}/programmes/{pid}", **h).status_code == 204
    assert not Programme.objects.exists() and not Inspection.objects.exists()


@pytest.mark.django_db
def test_audit_api_flow(world: World) -> None:
    c, h = api(world.qm)
    version = make_checklist("AUD", kind="audit")
    created = send(
        c,
        h,
        "post",
        f"{BASE}/audits/",
        {
            "site_id": world.site_a.pk,
            "template_id": version.template.pk,
            "scope": "冷链 Cold chain",
            "auditor_ids": [world.qm.pk],
            "planned_on": "2026-11-20",
        },
    )
    assert created.status_code == 201, created.content
    aid = created.json()["id"]
    assert created.json()["plan"]["criteria"] == "ISO 9001:2015"
    plan = send(c, h, "patch", f"{BASE}/audits/{aid}", {"clauses": "8.5.1"})
    assert plan.json()["plan"]["clauses"] == "8.5.1"
    opening = send(c, h, "post", f"{BASE}/audits/{aid}/meetings/opening", {"notes": "开始"})
    assert opening.json()["status"] == "in_progress"
    f = send(
        c,
        h,
        "post",
        f"{BASE}/audits/{aid}/findings",
        {"kind": "minor", "clause": "8.5.1", "description": "缺失"},
    )
    assert f.status_code == 201 and f.json()["nonconformity_id"] is None
    fid = f.json()["id"]
    assert (
        send(c, h, "patch", f"{BASE}/audits/findings/{fid}", {"kind": "observation"}).json()["kind"]
        == "observation"
    )
    bad = send(
        c,
        h,
        "post",
        f"{BASE}/audits/{aid}/findings",
        {"kind": "major", "clause": "", "description": "x"},
    )
    assert bad.status_code == 422
    nc = send(c, h, "post", f"{BASE}/audits/findings/{fid}/raise-nc")
    assert nc.status_code == 422  # an observation (and no CAPA module here)
    closed = send(
        c, h, "post", f"{BASE}/audits/{aid}/close", {"closing_notes": "结束", "version": 1}
    )
    assert closed.status_code == 422  # stale version: the plan and meetings moved it on
    version_now = c.get(f"{BASE}/audits/{aid}", **h).json()["version"]
    closed = send(
        c,
        h,
        "post",
        f"{BASE}/audits/{aid}/close",
        {"closing_notes": "结束", "version": version_now},
    )
    assert closed.status_code == 200 and closed.json()["status"] == "submitted"
    assert send(c, h, "patch", f"{BASE}/audits/findings/{fid}", {"clause": "7"}).status_code == 403
    assert c.delete(f"{BASE}/audits/findings/{fid}", **h).status_code == 403
    assert Finding.objects.count() == 1
    pdf = c.get(f"{BASE}/audits/{aid}/report.pdf", **h)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    listed = c.get(f"{BASE}/audits/", **h).json()
    assert listed["count"] == 1 and listed["items"][0]["findings"][0]["clause"] == "8.5.1"
    oc, oh = api(world.bravo_manager)
    assert oc.get(f"{BASE}/audits/{aid}", **oh).status_code == 404
    assert date.fromisoformat(listed["items"][0]["due_on"]) == date(2026, 11, 20)


@pytest.mark.django_db
def test_nulls_and_missing_lists_are_refused_by_name(world: World) -> None:
    """Found by ``make fuzz`` (each was a 500): a programme created without ``inspector_ids``,
    ``null`` for a list or a text field in a PATCH or a new finding. Each is now a 422 naming
    the field, and nothing is written."""
    c, h = api(world.qm)
    version = make_checklist("SUP", kind="supervisor")
    body = {
        "name": "Monthly visit",
        "template_id": version.template.pk,
        "frequency": "monthly",
        "site_ids": [world.site_a.pk],
        "starts_on": "2026-01-01",
    }
    created = send(c, h, "post", f"{BASE}/programmes/", body)
    assert created.status_code == 422
    assert created.json()["detail"][0]["loc"] == ["body", "inspectors"]
    assert not Programme.objects.exists()
    body["inspector_ids"] = [world.alpha_inspector.pk]
    pid = send(c, h, "post", f"{BASE}/programmes/", body).json()["id"]
    patched = send(c, h, "patch", f"{BASE}/programmes/{pid}", {"name": "x", "inspector_ids": None})
    assert patched.status_code == 422
    assert [e["loc"] for e in patched.json()["detail"]] == [["body", "inspector_ids"]]
    assert Programme.objects.get(pk=pid).name == "Monthly visit"

    audit = make_checklist("AUD", kind="audit")
    aid = send(
        c,
        h,
        "post",
        f"{BASE}/audits/",
        {
            "site_id": world.site_a.pk,
            "template_id": audit.template.pk,
            "scope": "Cold chain",
            "auditor_ids": [world.qm.pk],
            "planned_on": "2026-11-20",
        },
    ).json()["id"]
    plan = send(c, h, "patch", f"{BASE}/audits/{aid}", {"auditor_ids": None, "scope": ""})
    assert plan.status_code == 422 and plan.json()["detail"][0]["loc"] == ["body", "auditor_ids"]
    finding = send(
        c,
        h,
        "post",
        f"{BASE}/audits/{aid}/findings",
        {"kind": "minor", "clause": "8.5.1", "description": "x", "evidence": None},
    )
    assert finding.status_code == 422
    assert finding.json()["detail"][0]["loc"] == ["body", "evidence"]
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_report_months_before_1900_are_refused(world: World) -> None:
    """Found by ``make fuzz``: ``from=0003-12`` made the league reach back before year 1 (500)."""
    c, h = api(world.qm)
    bad = c.get(f"{BASE}/reports/league", {"from": "0003-12"}, **h)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "from"]
    ok = c.get(f"{BASE}/reports/league", {"from": "1900-01", "to": "1900-03"}, **h)
    assert ok.status_code == 200
    assert ok.json()["previous_first_month"] == "1899-10"
    # the report pages' filter bar drops such a month rather than fail
    kept = ResultFilters.from_params({"from": "0003-12", "to": "2026-02"})
    assert kept.date_from is None and kept.date_to == date(2026, 2, 1)


def test_the_audit_pdf_is_documented_as_pdf() -> None:
    from sqms.api import api as root

    spec = root.get_openapi_schema()
    ok = spec["paths"][f"{BASE}/audits/{{audit_id}}/report.pdf"]["get"]["responses"][200]
    assert list(ok["content"]) == ["application/pdf"]

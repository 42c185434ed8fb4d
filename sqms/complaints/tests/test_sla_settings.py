"""Complaint settings: SLA policies (one default, conditions, delete refused while used,
preview), the category tree (indent, cycles, deactivation), keyword rules; pages and API;
only quality managers change them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from sqms.complaints.actions import settings as actions
from sqms.complaints.models import Category, KeywordRule, SlaPolicy
from sqms.complaints.tests.sla_data import CLI, T0, complaint, fresh, hours
from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def bearer(user: Any) -> dict[str, str]:
    _t, raw = core_actions.do_create_api_token(user, "t", acting_user=user, channel=CLI)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(c: Client, method: str, url: str, data: Any, headers: dict[str, str]) -> Any:
    return getattr(c, method)(
        url, data=json.dumps(data), content_type="application/json", **headers
    )


def policy(**data: Any) -> SlaPolicy:
    return actions.do_create_policy(
        {"code": "CRIT", "name": "Critical", "severity": "critical", **data},
        acting_user=None,
        channel=CLI,
    )


def test_one_default_and_conditions(world: Any) -> None:
    standard = SlaPolicy.objects.get(is_default=True)
    with pytest.raises(ValidationError, match="at least one condition"):
        actions.do_create_policy({"code": "ANY", "name": "Any"}, acting_user=world.qm, channel=CLI)
    new_default = actions.do_create_policy(
        {"code": "NEWDEF", "name": "New default", "is_default": True},
        acting_user=world.qm,
        channel=CLI,
    )
    assert list(SlaPolicy.objects.filter(is_default=True)) == [new_default]
    assert not SlaPolicy.objects.get(pk=standard.pk).is_default
    with pytest.raises(ValidationError, match="Make another policy the default"):
        actions.do_update_policy(
            new_default, {"is_default": False}, acting_user=world.qm, channel=CLI
        )
    with pytest.raises(PermissionDenied):
        actions.do_create_policy(
            {"code": "X", "name": "x", "severity": "low"},
            acting_user=world.alpha_agent,
            channel=CLI,
        )


def test_delete_refused_while_used_and_targets_recheck(world: Any) -> None:
    crit = policy()
    c = complaint(world, severity="critical")
    assert fresh(c).policy == crit
    with pytest.raises(ValidationError, match=r"policy of 1 complaint\(s\) \(1 open\)"):
        actions.do_delete_policy(crit, acting_user=world.qm, channel=CLI)
    with pytest.raises(ValidationError, match="default policy"):
        actions.do_delete_policy(
            SlaPolicy.objects.get(is_default=True), acting_user=world.qm, channel=CLI
        )
    # new targets: the open complaint is due for a recheck at once
    actions.do_update_policy(
        crit,
        {"first_response_hours": Decimal("1")},
        acting_user=world.qm,
        channel=CLI,
        now=T0 + hours(0.5),
    )
    assert fresh(c).next_check_at == T0 + hours(0.5)
    from sqms.complaints.actions import do_check_clocks

    do_check_clocks(T0 + hours(0.5))
    assert fresh(c).response_due_at == T0 + hours(1)
    unused = policy(code="UNUSED", severity="low")
    actions.do_delete_policy(unused, acting_user=world.qm, channel=CLI)
    assert not SlaPolicy.objects.filter(code="UNUSED").exists()


def test_preview_picks_the_policy(world: Any, client_for: Any) -> None:
    policy()
    food = Category.objects.get(code="PRODUCT")
    hotel = policy(
        code="HOTELFOOD",
        name="Hotel food",
        severity="",
        site_kind="hotel",
        category=food,
        priority=10,
    )
    c = client_for(world.alpha_agent)
    page = c.get(
        "/complaints/settings/policies/preview/",
        {"severity": "critical", "site_kind": "store", "channel": "phone"},
    )
    assert "CRIT Critical" in page.content.decode()
    sub = actions.do_create_category(
        {"code": "FOOD", "name": "食品", "parent": food}, acting_user=None, channel=CLI
    )
    page = c.get(
        "/complaints/settings/policies/preview/",
        {"severity": "critical", "site_kind": "hotel", "channel": "phone", "category": sub.pk},
    )
    assert str(hotel) in page.content.decode()
    page = c.get(
        "/complaints/settings/policies/preview/",
        {"severity": "low", "site_kind": "hotel", "channel": "phone"},
    )
    assert "STANDARD" in page.content.decode() and "the default policy" in page.content.decode()


def test_policy_pages(world: Any, client_for: Any) -> None:
    crit = policy()
    complaint(world, severity="critical")
    agent = client_for(world.alpha_agent)
    listing = agent.get("/complaints/settings/policies/").content.decode()
    assert "CRIT" in listing and "STANDARD" in listing and "Critical" in listing
    assert "/complaints/settings/policies/new/" not in listing
    detail = agent.get(f"/complaints/settings/policies/{crit.pk}/").content.decode()
    assert "1 open complaint uses this policy" in detail
    assert agent.get("/complaints/settings/policies/new/").status_code == 403
    assert agent.get(f"/complaints/settings/policies/{crit.pk}/edit/").status_code == 404
    assert agent.post(f"/complaints/settings/policies/{crit.pk}/delete/").status_code == 404
    qm = client_for(world.qm)
    assert (
        "/complaints/settings/policies/new/"
        in qm.get("/complaints/settings/policies/").content.decode()
    )
    assert (
        qm.get("/complaints/settings/policies/?severity=critical")
        .content.decode()
        .count("STANDARD")
        == 0
    )
    form = {
        "code": "WEB",
        "name": "From the web",
        "priority": "5",
        "is_active": "on",
        "channel": "web_form",
        "severity": "",
        "site_kind": "",
        "first_response_hours": "2",
        "resolution_hours": "12",
        "warning_share": "0.75",
        "site_manager_hours": "2",
        "region_manager_hours": "4",
    }
    response = qm.post("/complaints/settings/policies/new/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    web = SlaPolicy.objects.get(code="WEB")
    assert (web.channel, web.warning_share) == ("web_form", Decimal("0.75"))
    refused = qm.post(f"/complaints/settings/policies/{crit.pk}/delete/", follow=True)
    assert "deactivate it instead" in refused.content.decode()
    assert SlaPolicy.objects.filter(pk=crit.pk).exists()
    export = qm.get("/complaints/settings/policies/?export=csv")
    assert b"CRIT" in b"".join(export.streaming_content)


def test_category_tree_cycles_and_deactivation(world: Any, client_for: Any) -> None:
    product = Category.objects.get(code="PRODUCT")
    food = actions.do_create_category(
        {"code": "FOOD", "name": "食品", "name_en": "Food", "parent": product},
        acting_user=world.qm,
        channel=CLI,
    )
    cold = actions.do_create_category(
        {"code": "COLD", "name": "凉了", "name_en": "Cold", "parent": food},
        acting_user=world.qm,
        channel=CLI,
    )
    with pytest.raises(ValidationError, match="under itself"):
        actions.do_update_category(product, {"parent": cold}, acting_user=world.qm, channel=CLI)
    with pytest.raises(ValidationError, match="under itself"):
        actions.do_update_category(food, {"parent": food}, acting_user=world.qm, channel=CLI)
    page = client_for(world.alpha_agent).get("/complaints/settings/categories/").content.decode()
    page = page[page.index("<table") :]
    # depth first, indented by depth
    assert (
        page.index("Product quality")
        < page.index("Food")
        < page.index("Cold")
        < page.index("Service attitude")
    )
    assert "\u3000\u3000└ Cold" in page
    qm = client_for(world.qm)
    assert qm.post(f"/complaints/settings/categories/{food.pk}/deactivate/").status_code == 302
    assert list(
        Category.objects.filter(code__in=["FOOD", "COLD"]).values_list("is_active", flat=True)
    ) == [False, False]
    assert Category.objects.get(code="PRODUCT").is_active
    assert (
        client_for(world.alpha_manager)
        .post(f"/complaints/settings/categories/{food.pk}/deactivate/")
        .status_code
        == 404
    )
    response = qm.post(
        f"/complaints/settings/categories/{product.pk}/edit/",
        {
            "code": "PRODUCT",
            "name": "产品质量",
            "name_en": "Product quality",
            "parent": cold.pk,
            "position": "0",
        },
    )
    assert "under itself" in response.content.decode()


def test_keyword_rules(world: Any, client_for: Any) -> None:
    with pytest.raises(ValidationError, match="Not an email address: nope"):
        actions.do_create_rule(
            {"name": "Bad", "words": "poison", "notify_emails": "qa@x.test\nnope"},
            acting_user=world.qm,
            channel=CLI,
        )
    with pytest.raises(ValidationError, match="does nothing"):
        actions.do_create_rule(
            {"name": "Idle", "words": "poison"}, acting_user=world.qm, channel=CLI
        )
    qm = client_for(world.qm)
    response = qm.post(
        "/complaints/settings/rules/new/",
        {
            "name": "Poison",
            "words": "食物中毒\npoison",
            "severity": "critical",
            "notify_emails": "qa@x.test",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = KeywordRule.objects.get(name="Poison")
    assert rule.word_list == ["食物中毒", "poison"]
    page = (
        client_for(world.alpha_agent)
        .get("/complaints/settings/rules/?severity=critical")
        .content.decode()
    )
    assert "食物中毒, poison" in page
    assert (
        client_for(world.alpha_agent).get(f"/complaints/settings/rules/{rule.pk}/edit/").status_code
        == 404
    )
    assert qm.post(f"/complaints/settings/rules/{rule.pk}/delete/").status_code == 302
    assert not KeywordRule.objects.exists()
    assert AuditEvent.objects.filter(model="complaints.keywordrule", action="delete").count() == 1


def test_api(world: Any) -> None:
    c, qm, agent = Client(), bearer(world.qm), bearer(world.alpha_agent)
    base = "/api/v1/complaints/settings"
    created = send(
        c,
        "post",
        f"{base}/policies",
        {"code": "API", "name": "Api", "severity": "high", "first_response_hours": "2"},
        qm,
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["first_response_hours"] in ("2", "2.00", 2.0)
    assert send(c, "post", f"{base}/policies", {"code": "API2", "name": "x"}, qm).status_code == 422
    assert (
        send(
            c, "post", f"{base}/policies", {"code": "API3", "name": "x", "severity": "low"}, agent
        ).status_code
        == 403
    )
    assert send(c, "patch", f"{base}/policies/{pk}", {"name": "no"}, agent).status_code == 404
    assert c.get(f"{base}/policies/{pk}", **agent).json()["code"] == "API"
    assert (
        c.get(f"{base}/policies?is_default=true", **agent).json()["items"][0]["code"] == "STANDARD"
    )
    patched = send(c, "patch", f"{base}/policies/{pk}", {"severity": None, "channel": "email"}, qm)
    assert (patched.status_code, patched.json()["severity"], patched.json()["channel"]) == (
        200,
        "",
        "email",
    )
    assert send(c, "patch", f"{base}/policies/{pk}", {"name": None}, qm).status_code == 422
    complaint(world, severity="low", channel="email")
    refused = c.delete(f"{base}/policies/{pk}", **qm)
    assert (
        refused.status_code == 422 and "deactivate it instead" in refused.json()["detail"][0]["msg"]
    )
    cats = c.get(f"{base}/categories?q=product", **agent).json()
    assert cats["items"][0]["code"] == "PRODUCT"
    product = cats["items"][0]["id"]
    new = send(
        c, "post", f"{base}/categories", {"code": "FOOD", "name": "食品", "parent_id": product}, qm
    )
    assert new.status_code == 201 and new.json()["parent_id"] == product
    loop = send(c, "patch", f"{base}/categories/{product}", {"parent_id": new.json()["id"]}, qm)
    assert loop.status_code == 422
    off = c.delete(f"{base}/categories/{product}", **qm)
    assert off.json()["deactivated"] == 2
    rule = send(
        c,
        "post",
        f"{base}/keyword-rules",
        {
            "name": "Injury",
            "words": ["injury", "受伤"],
            "severity": "critical",
            "notify_emails": ["qa@x.test"],
        },
        qm,
    )
    assert rule.status_code == 201 and rule.json()["words"] == ["injury", "受伤"]
    rid = rule.json()["id"]
    assert send(c, "patch", f"{base}/keyword-rules/{rid}", {"words": ["hurt"]}, qm).json()[
        "words"
    ] == ["hurt"]
    assert c.delete(f"{base}/keyword-rules/{rid}", **agent).status_code == 404
    assert c.delete(f"{base}/keyword-rules/{rid}", **qm).status_code == 204
    assert AuditEvent.objects.filter(channel=Channel.API, model="complaints.slapolicy").count() == 2

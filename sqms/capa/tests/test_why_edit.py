"""Editing a 5-Why step's question and answer on the NC page: the form, the audit event, the
root-cause mark kept, refusals for a closed NC, other roles and other sites."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from sqms.capa import actions
from sqms.capa.models import WhyStep
from sqms.capa.tests.capa_data import CLI, make_nc, step, to_action_plan
from sqms.core.choices import AuditAction
from sqms.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _steps(world: Any) -> tuple[Any, WhyStep, WhyStep]:
    nc = to_action_plan(make_nc(world.site_a))
    first, root = nc.why_steps.order_by("position")
    return nc, first, root


def test_site_manager_edits_the_texts_of_a_step(world: Any, client_for: Any) -> None:
    nc, first, root = _steps(world)
    c = client_for(world.alpha_manager)
    detail = c.get(nc.get_absolute_url()).content.decode()
    url = reverse("capa:why_edit", args=[root.pk])
    assert detail.count('class="link">edit</a>') == 2 and f'href="{url}"' in detail
    form = c.get(url)
    assert form.status_code == 200
    page = form.content.decode()
    assert f"Edit why 2 of {nc.reference}" in page and "SOP 没有要求 not in the SOP" in page
    response = c.post(
        url,
        {"question": "为什么SOP没有要求? Why not in the SOP?", "answer": "  SOP 2019 版未更新  "},
    )
    assert response.status_code == 302 and response["Location"] == nc.get_absolute_url() + "#why"
    root.refresh_from_db()
    assert (root.position, root.question, root.answer, root.is_root, root.cause) == (
        2,
        "为什么SOP没有要求? Why not in the SOP?",
        "SOP 2019 版未更新",
        True,
        None,
    )
    first.refresh_from_db()
    assert first.answer == "拖地后未放警示牌 no warning sign"
    event = AuditEvent.objects.get(
        model="capa.whystep", object_id=str(root.pk), action=AuditAction.UPDATE
    )
    assert event.actor == world.alpha_manager and event.channel == "web"
    assert event.changes == {
        "question": ["", "为什么SOP没有要求? Why not in the SOP?"],
        "answer": ["SOP 没有要求 not in the SOP", "SOP 2019 版未更新"],
    }
    shown = c.get(nc.get_absolute_url()).content.decode()
    assert "<b>为什么SOP没有要求? Why not in the SOP?</b> — SOP 2019 版未更新" in shown


def test_an_empty_answer_is_refused_and_a_retired_cause_stays(world: Any, client_for: Any) -> None:
    nc, first, _root = _steps(world)
    cause = actions.do_create_cause(
        {"code": "OLD-SOP", "name": "旧SOP", "category": "method"}, acting_user=None, channel=CLI
    )
    actions.do_update_why_step(first, {"cause": cause}, acting_user=None, channel=CLI)
    actions.do_update_cause(cause, {"is_active": False}, acting_user=None, channel=CLI)
    c = client_for(world.alpha_manager)
    url = reverse("capa:why_edit", args=[first.pk])
    page = c.get(url).content.decode()
    assert f'<option value="{cause.pk}" selected>' in page
    refused = c.post(url, {"question": "Why?", "answer": "   ", "cause": cause.pk})
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    first.refresh_from_db()
    assert (first.question, first.answer) == ("", "拖地后未放警示牌 no warning sign")
    c.post(url, {"question": "Why no sign?", "answer": "No stand", "cause": cause.pk})
    first.refresh_from_db()
    assert (first.question, first.answer, first.cause_id) == ("Why no sign?", "No stand", cause.pk)


def test_a_closed_nc_is_read_only(world: Any, client_for: Any) -> None:
    nc, first, _root = _steps(world)
    step(nc, "cancel", world.qm, reason="Duplicate")
    c = client_for(world.alpha_manager)
    url = reverse("capa:why_edit", args=[first.pk])
    response = c.get(url, follow=True)
    assert response.redirect_chain == [(nc.get_absolute_url() + "#why", 302)]
    page = response.content.decode()
    assert f"{nc.reference} is closed and can no longer be changed." in page
    assert url not in page
    c.post(url, {"question": "Late", "answer": "Too late"})
    first.refresh_from_db()
    assert first.answer == "拖地后未放警示牌 no warning sign"
    assert not AuditEvent.objects.filter(model="capa.whystep", action=AuditAction.UPDATE)


def test_other_roles_and_sites_are_refused(world: Any, client_for: Any) -> None:
    _nc, first, _root = _steps(world)
    url = reverse("capa:why_edit", args=[first.pk])
    for user in (world.bravo_manager, world.alpha_agent, world.viewer_all):
        c = client_for(user)
        assert c.get(url).status_code == 404
        assert c.post(url, {"answer": "hijack"}).status_code == 404
    assert client_for(world.qm).get(url).status_code == 200
    first.refresh_from_db()
    assert first.answer == "拖地后未放警示牌 no warning sign"

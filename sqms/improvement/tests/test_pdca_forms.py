"""PDCA forms: create through the form (and its error naming the field), prefill from the
query string, edit with a stale version refused, tasks added / done / deleted, the after
period and the Act decision, and another site's project is a 404."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from sqms.capa.tests.capa_data import make_nc
from sqms.core.choices import Channel
from sqms.improvement.models import PdcaProject, PdcaTask
from sqms.improvement.tests.pdca_data import PLAN, error_kpi, project, to_check
from sqms.kpis import actions as kpi_actions
from sqms.kpis.models import Alert
from sqms.kpis.tests.conftest import month
from sqms.test import BRAVO_MARK

pytestmark = pytest.mark.django_db
CLI = Channel.CLI


def client(user: Any) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_create_through_the_form(world: Any) -> None:
    kpi = error_kpi(world)
    c = client(world.alpha_manager)
    assert "/improvement/pdca/new/" in c.get("/improvement/pdca/board/").content.decode()
    data = {
        **PLAN,
        "code": "PDCA-F1",
        "level": "site",
        "site": world.site_a.pk,
        "kpi": kpi.pk,
        "baseline_from": "2025-01-01",
        "baseline_to": "2025-02-28",
        "owner": world.alpha_manager.pk,
    }
    r = c.post("/improvement/pdca/new/", data)
    p = PdcaProject.objects.get(code="PDCA-F1")
    assert r.status_code == 302 and r["Location"] == f"/improvement/pdca/{p.pk}/"
    assert (p.site, p.kpi, p.target, p.owner) == (world.site_a, kpi, 0.12, world.alpha_manager)
    assert p.baseline_to == dt.date(2025, 2, 28) and p.plan_how == PLAN["plan_how"]
    # missing title: the message names the field, nothing saved
    r = c.post("/improvement/pdca/new/", {**data, "code": "PDCA-F2", "title": ""})
    assert r.status_code == 200 and "Give the project a title." in r.content.decode()
    assert not PdcaProject.objects.filter(code="PDCA-F2").exists()
    # a site project without its site
    r = c.post("/improvement/pdca/new/", {**data, "code": "PDCA-F3", "site": ""})
    assert "A site project needs its site." in r.content.decode()
    # another site is not offered
    r = c.post("/improvement/pdca/new/", {**data, "code": "PDCA-F4", "site": world.site_b.pk})
    assert r.status_code == 200 and not PdcaProject.objects.filter(code="PDCA-F4").exists()


def test_prefill_from_query(world: Any) -> None:
    kpi = error_kpi(world)
    c = client(world.alpha_manager)
    page = c.get(f"/improvement/pdca/new/?kpi={kpi.pk}&site={world.site_a.pk}").content.decode()
    assert _selected(page, "kpi") == str(kpi.pk)
    assert _selected(page, "site") == str(world.site_a.pk)
    assert _selected(page, "level") == "site"
    assert BRAVO_MARK not in page
    nc = make_nc(world.site_a)
    page = c.get(f"/improvement/pdca/new/?nonconformity={nc.pk}").content.decode()
    assert _selected(page, "nonconformity") == str(nc.pk)
    assert _selected(page, "kpi") == ""  # not raised from a KPI alert


def test_kpi_alarm_nc_brings_its_kpi(world: Any) -> None:
    """A project started from a KPI-alarm NC (its page or the alert's) has the alert's KPI."""
    kpi = kpi_actions.do_create_kpi(
        {"code": "FCR", "name": "FCR", "source": "entered", "period": "month"}
        | {"nature": "proportion", "direction": "higher"},
        acting_user=None,
        channel=CLI,
    )
    rows = [kpi_actions.EnteredValue(world.site_a, month(i), 0.9, 100) for i in range(1, 7)]
    rows.append(kpi_actions.EnteredValue(world.site_a, month(7), 0.5, 100))
    kpi_actions.do_enter_values(kpi, rows, acting_user=world.qm, channel=CLI)
    unit = kpi_actions.Unit("site", site_id=world.site_a.pk)
    kpi_actions.do_freeze_limits(
        kpi, unit, month(1), month(6), [1], acting_user=world.qm, channel=CLI
    )
    alert = Alert.objects.get(kpi=kpi)
    assert (alert.period, alert.rule) == (month(7), 1)
    c = client(world.alpha_manager)
    page = c.get(f"/kpis/alerts/{alert.pk}/").content.decode()
    assert f'site={world.site_a.pk}"' in page and "nonconformity=" not in page
    nc = kpi_actions.do_alert_to_nonconformity(alert, acting_user=world.qm, channel=CLI)
    page = c.get(f"/kpis/alerts/{alert.pk}/").content.decode()
    assert f'<a href="/capa/{nc.pk}/">{nc.reference}</a>' in page
    assert f"site={world.site_a.pk}&amp;nonconformity={nc.pk}" in page
    page = c.get(f"/improvement/pdca/new/?nonconformity={nc.pk}").content.decode()
    assert (_selected(page, "kpi"), _selected(page, "nonconformity")) == (str(kpi.pk), str(nc.pk))
    # an explicit KPI wins; the outsider neither sees the NC nor gets its KPI
    other = error_kpi(world)
    page = c.get(f"/improvement/pdca/new/?nonconformity={nc.pk}&kpi={other.pk}").content.decode()
    assert _selected(page, "kpi") == str(other.pk)
    page = client(world.bravo_manager).get(f"/improvement/pdca/new/?nonconformity={nc.pk}")
    assert _selected(page.content.decode(), "kpi") == ""


def _selected(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select is not None
    found = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return found.group(1) if found else ""


def test_edit_and_stale_version(world: Any) -> None:
    kpi = error_kpi(world)
    p = project(world, kpi)
    c = client(world.alpha_manager)
    page = c.get(f"/improvement/pdca/{p.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page and PLAN["root_cause"] in page
    data = {**PLAN, "kpi": kpi.pk, "target": "0.1", "version": 1, "baseline_from": "2025-01-01"}
    r = c.post(f"/improvement/pdca/{p.pk}/edit/", data)
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.target, p.version) == (0.1, 2)
    r = c.post(f"/improvement/pdca/{p.pk}/edit/", {**data, "target": "0.05"})
    assert r.status_code == 200
    assert "your version 1, now 2" in r.content.decode()
    p.refresh_from_db()
    assert p.target == 0.1


def test_tasks(world: Any) -> None:
    p = project(world, error_kpi(world))
    c = client(world.alpha_manager)
    assert "Add a task" in c.get(f"/improvement/pdca/{p.pk}/").content.decode()
    r = c.post(f"/improvement/pdca/{p.pk}/tasks/add/", {"title": "Print", "due_date": ""})
    assert r.status_code == 302 and not p.tasks.exists()
    r = c.post(
        f"/improvement/pdca/{p.pk}/tasks/add/",
        {"title": "Print the cards", "due_date": "2025-03-10", "owner": world.alpha_manager.pk},
    )
    task = PdcaTask.objects.get(project=p)
    assert (task.title, task.due_date, task.owner) == (
        "Print the cards",
        dt.date(2025, 3, 10),
        world.alpha_manager,
    )
    c.post(f"/improvement/pdca/tasks/{task.pk}/done/")
    task.refresh_from_db()
    assert task.status == "done" and task.done_on is not None
    confirm = c.get(f"/improvement/pdca/tasks/{task.pk}/delete/")
    assert confirm.status_code == 200 and "Print the cards" in confirm.content.decode()
    r = c.post(f"/improvement/pdca/tasks/{task.pk}/delete/")
    assert r.status_code == 302 and not p.tasks.exists()


def test_after_period_and_act(world: Any) -> None:
    from sqms.core.choices import Channel
    from sqms.improvement import actions

    kpi = error_kpi(world)
    p = to_check(project(world, kpi))
    p = actions.do_transition_project(
        p, "act", expected_version=None, acting_user=None, channel=Channel.CLI
    )
    c = client(world.alpha_manager)
    page = c.get(f"/improvement/pdca/{p.pk}/").content.decode()
    assert "Record the decision" in page
    r = c.post(
        f"/improvement/pdca/{p.pk}/act/",
        {"decision": "standardize", "version": p.version},
        follow=True,
    )
    assert "Standardizing needs the updated standard version." in r.content.decode()
    r = c.post(
        f"/improvement/pdca/{p.pk}/act/",
        {"decision": "new_cycle", "version": p.version, "note": "Again"},
    )
    nxt = PdcaProject.objects.get(previous=p)
    assert r["Location"] == f"/improvement/pdca/{nxt.pk}/"
    assert (nxt.code, nxt.cycle, nxt.root_cause) == ("PDCA-1-C2", 2, PLAN["root_cause"])
    p.refresh_from_db()
    assert (p.decision, p.act_note) == ("new_cycle", "Again")


def test_after_period_form(world: Any) -> None:
    p = project(world, error_kpi(world), after_from=None, after_to=None)
    c = client(world.alpha_manager)
    c.post(
        f"/improvement/pdca/{p.pk}/after/",
        {"after_from": "2025-04-01", "after_to": "2025-05-31", "version": p.version},
    )
    p.refresh_from_db()
    assert (p.after_from, p.after_to) == (month(4), dt.date(2025, 5, 31))


def test_other_site_is_404(world: Any) -> None:
    p = project(world, error_kpi(world))
    t = client(world.bravo_manager)
    for url in (
        f"/improvement/pdca/{p.pk}/edit/",
        f"/improvement/pdca/{p.pk}/tasks/add/",
        f"/improvement/pdca/{p.pk}/act/",
    ):
        assert t.post(url, {"title": "x"}).status_code == 404

"""Capacity-planning pages: empty state, grid entry, the plan table and chart, exports,
imports with errors, derivation, and scoping (bravo's manager gets 404 on alpha's plan)."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from django.urls import reverse

from sqms.core.models import AuditEvent
from sqms.improvement import actions
from sqms.improvement.models import ArrivalProfile, StaffRoster


def _url(name: str, site: Any) -> str:
    return reverse(f"improvement:{name}", args=[site.pk])


def _small_profile(world: Any) -> ArrivalProfile:
    arrivals = [0.0] * 168
    arrivals[9] = 30.0  # Monday 09:00
    arrivals[10] = 60.0  # Monday 10:00
    return actions.do_save_profile(
        world.site_a,
        {"arrivals": arrivals, "handling_time": 240, "target_level": 80, "target_seconds": 60},
        acting_user=world.alpha_manager,
        channel="web",
    )


def test_empty_state_then_grid_entry(world: Any, client_for: Any) -> None:
    c = client_for(world.alpha_manager)
    page = c.get(_url("capacity_plan", world.site_a))
    assert page.status_code == 200
    assert "no arrival profile yet" in page.content.decode()
    grid = c.get(_url("capacity_profile", world.site_a))
    assert grid.status_code == 200 and grid.content.decode().count('class="cell"') == 168
    data = {"handling_time": "180", "target_level": "80", "target_seconds": "20", "shrinkage": ""}
    data |= {f"h{i}": "" for i in range(168)}
    data["h33"] = "100"  # Tuesday 09:00
    data["h34"] = "-1"
    bad = c.post(_url("capacity_profile", world.site_a), data)
    assert bad.status_code == 200 and not ArrivalProfile.objects.exists()
    assert "Tue 10:00" in bad.content.decode()
    data["h34"] = "200"
    done = c.post(_url("capacity_profile", world.site_a), data)
    assert done.status_code == 302
    profile = ArrivalProfile.objects.get(site=world.site_a)
    assert profile.arrivals[33] == 100 and profile.arrivals[34] == 200
    assert (
        AuditEvent.objects.filter(model__icontains="arrivalprofile", object_id=profile.pk).count()
        == 1
    )
    page = c.get(_url("capacity_plan", world.site_a)).content.decode()
    assert "Tue 09:00" in page and "capacity-figure" in page


def test_plan_export_csv_and_xlsx(world: Any, client_for: Any) -> None:
    _small_profile(world)
    c = client_for(world.alpha_manager)
    got = c.get(_url("capacity_plan", world.site_a) + "?format=csv")
    text = b"".join(got.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Weekday", "Hour", "Arrivals", "Traffic (Erlangs)", "Agents needed"]
    assert len(rows) == 169
    assert rows[1 + 10][:3] == ["Mon", "10", "60.0"]
    xlsx = c.get(_url("capacity_plan", world.site_a) + "?format=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert wb.active.max_row == 169


def test_import_page_names_row_and_column(world: Any, client_for: Any) -> None:
    c = client_for(world.alpha_manager)
    f = io.BytesIO(b"weekday,hour,arrivals\n1,24,5\n")
    f.name = "p.csv"
    page = c.post(_url("capacity_profile_import", world.site_a), {"file": f})
    assert page.status_code == 200
    assert "row 2, column 2" in page.content.decode()
    assert not ArrivalProfile.objects.exists()
    f = io.BytesIO("星期,小时,到达\n周一,9,12\n".encode("gb18030"))
    f.name = "p.csv"
    assert c.post(_url("capacity_profile_import", world.site_a), {"file": f}).status_code == 302
    assert ArrivalProfile.objects.get(site=world.site_a).arrivals[9] == 12


def test_roster_gap_is_shown(world: Any, client_for: Any) -> None:
    _small_profile(world)
    staff = [0] * 168
    staff[9], staff[10] = 1, 20
    actions.do_save_roster(world.site_a, staff, acting_user=world.alpha_manager, channel="web")
    page = client_for(world.alpha_manager).get(_url("capacity_plan", world.site_a)).content
    text = page.decode()
    assert 'class="under"' in text and 'class="over"' in text
    assert "overloaded" in text  # one agent for 2 Erlangs


def test_scoping_bravo_manager_gets_404(world: Any, client_for: Any) -> None:
    _small_profile(world)
    c = client_for(world.bravo_manager)
    for name in ("capacity_plan", "capacity_profile", "capacity_roster", "capacity_profile_delete"):
        assert c.get(_url(name, world.site_a)).status_code == 404, name
    listing = c.get(reverse("improvement:capacity_sites")).content.decode()
    assert "ALPHA" not in listing and "BRAVO" in listing
    # a viewer may read the plan but not edit
    v = client_for(world.viewer_all)
    assert v.get(_url("capacity_plan", world.site_a)).status_code == 200
    assert v.get(_url("capacity_profile", world.site_a)).status_code == 403
    assert StaffRoster.objects.count() == 0

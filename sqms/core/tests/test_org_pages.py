"""Regions, sites and services pages: lists, forms, deletion, exports, history."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sqms.core import actions
from sqms.core.choices import Channel
from sqms.core.models import AuditEvent, Region, Site
from sqms.test import World

pytestmark = pytest.mark.django_db


def _many_sites(world: World, n: int) -> None:
    for i in range(n):
        actions.do_create_site(
            {
                "region": world.region_a,
                "code": f"S{i:03d}",
                "name": f"Store {i}",
                "city": "杭州" if i % 2 else "苏州",
            },
            acting_user=None,
            channel=Channel.CLI,
        )


def test_site_list_searches_filters_sorts_and_paginates(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _many_sites(world, 30)
    c = client_for(world.qm)
    page = c.get(reverse("core:site_list"))
    assert page.status_code == 200
    assert "Page 1 of 2 · 32 in all" in page.content.decode()
    found = c.get(reverse("core:site_list"), {"q": "杭州"}).content.decode()
    assert "S001" in found and "S000" not in found
    by_region = c.get(reverse("core:site_list"), {"region": world.region_b.pk}).content.decode()
    assert "Bravo store" in by_region and "Alpha store" not in by_region
    desc = c.get(reverse("core:site_list"), {"sort": "-code"}).content.decode()
    assert desc.index("S029") < desc.index("S028")


def test_site_csv_and_xlsx_exports_hold_the_filtered_rows(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    _many_sites(world, 3)
    c = client_for(world.alpha_manager)
    response = c.get(reverse("core:site_list"), {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:2] == ["Code", "Name"]
    assert [r[0] for r in rows[1:]] == ["ALPHA"]  # the site manager's scope only
    qm = client_for(world.qm)
    xlsx = qm.get(reverse("core:site_list"), {"export": "xlsx", "q": "S00"})
    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert codes == ["S000", "S001", "S002"]


def test_duplicate_site_code_is_refused_inline(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.qm)
    response = c.post(
        reverse("core:site_create"),
        {
            "region": world.region_a.pk,
            "code": "ALPHA",
            "name": "Copy",
            "kind": "store",
            "time_zone": "Asia/Shanghai",
        },
    )
    assert response.status_code == 200
    assert "Site with this Code already exists." in response.content.decode()
    assert Site.objects.filter(code="ALPHA").count() == 1


def test_bad_time_zone_and_missing_name_show_beside_their_fields(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.qm)
    response = c.post(
        reverse("core:site_create"),
        {
            "region": world.region_a.pk,
            "code": "NEW1",
            "name": "",
            "kind": "store",
            "time_zone": "Mars/Base",
        },
    )
    form = response.context["form"]
    assert form.errors["name"] == ["This field is required."]
    assert "Mars/Base is not a known time zone." in form.errors["time_zone"][0]
    assert not Site.objects.filter(code="NEW1").exists()


def test_deleting_a_region_that_has_sites_is_refused_with_the_count(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.qm)
    confirm = c.get(reverse("core:region_delete", args=[world.region_a.pk]))
    assert "This cannot be undone." in confirm.content.decode()
    response = c.post(reverse("core:region_delete", args=[world.region_a.pk]), follow=True)
    assert "still has 1 site(s)" in response.content.decode()
    assert Region.objects.filter(pk=world.region_a.pk).exists()
    empty = actions.do_create_region(
        {"code": "EMPTY", "name": "Empty"}, acting_user=None, channel=Channel.CLI
    )
    c.post(reverse("core:region_delete", args=[empty.pk]))
    assert not Region.objects.filter(pk=empty.pk).exists()
    event = AuditEvent.objects.filter(
        model="core.region", object_id=str(empty.pk), action="delete"
    ).get()
    assert event.actor == world.qm and event.channel == "web"
    assert event.changes["code"] == ["EMPTY", None]


def test_site_manager_edits_own_site_but_not_its_region_or_others(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.alpha_manager)
    response = c.post(
        reverse("core:site_edit", args=[world.site_a.pk]),
        {
            "region": world.region_b.pk,  # disabled field: ignored
            "code": "ALPHA",
            "name": "Alpha renamed",
            "kind": "store",
            "time_zone": "Asia/Shanghai",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(pk=world.site_a.pk)
    assert site.name == "Alpha renamed" and site.region == world.region_a
    assert c.get(reverse("core:site_edit", args=[world.site_b.pk])).status_code == 404
    assert c.get(reverse("core:site_create")).status_code == 403
    history = c.get(reverse("core:site_detail", args=[world.site_a.pk])).content.decode()
    assert "Alpha renamed" in history and "alpha_manager" in history


def test_service_form_links_sites(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.qm)
    c.post(
        reverse("core:service_create"),
        {
            "code": "REPAIR",
            "name": "Repairs",
            "description": "三包维修",
            "sites": [world.site_b.pk],
        },
    )
    listing = client_for(world.alpha_manager).get(reverse("core:service_list")).content.decode()
    assert "REPAIR" in listing  # the catalogue is visible to everyone
    detail = client_for(world.alpha_manager).get(
        reverse("core:service_detail", args=[world.site_b.services.get(code="REPAIR").pk])
    )
    assert "Not offered at any site in your scope." in detail.content.decode()


def test_empty_list_says_so(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.qm)
    page = c.get(reverse("core:site_list"), {"q": "no-such-store"}).content.decode()
    assert "Nothing matches these filters." in page


def test_list_page_query_count_does_not_grow_with_rows(
    world: World,
    client_for,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    _many_sites(world, 20)
    c = client_for(world.qm)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("core:site_list")).status_code == 200

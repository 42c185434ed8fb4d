import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.models import Inspection

CLI = Channel.CLI


def test_an_inspector_opens_inspections_only_for_sites_of_their_assignment(
    world, checklist, client_for
):
    with pytest.raises(PermissionDenied) as exc:
        actions.do_create_inspection(
            {"site": world.site_b, "checklist": checklist},
            acting_user=world.alpha_inspector,
            channel=CLI,
        )
    assert "sites of your assignment; BRAVO" in str(exc.value)
    mine = actions.do_create_inspection(
        {"site": world.site_a, "template": checklist.template},
        acting_user=world.alpha_inspector,
        channel=CLI,
    )
    assert mine.inspector == world.alpha_inspector and mine.checklist == checklist
    assert mine.status == "in_progress"
    # the page: site B is not even offered, and a crafted post is refused by name
    c = client_for(world.alpha_inspector)
    form = c.get("/inspections/new/").content.decode()
    assert "ALPHA" in form and "BRAVO" not in form
    r = c.post("/inspections/new/", {"site": world.site_b.pk, "template": checklist.template_id})
    assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
    assert Inspection.objects.count() == 1
    r = c.post("/inspections/new/", {"site": world.site_a.pk, "template": checklist.template_id})
    new = Inspection.objects.latest("pk")
    assert r["Location"] == f"/inspections/{new.pk}/perform/"


def test_a_quality_manager_cannot_assign_an_inspector_of_another_site(world, checklist):
    with pytest.raises(ValidationError) as exc:
        actions.do_create_inspection(
            {"site": world.site_b, "checklist": checklist, "inspector": world.alpha_inspector},
            acting_user=world.qm,
            channel=CLI,
        )
    (message,) = exc.value.message_dict["inspector"]
    assert message.startswith("alpha_inspector is not assigned to")


def test_site_managers_open_and_perform_self_inspections_only(world, checklist):
    with pytest.raises(ValidationError, match="self-inspections only"):
        actions.do_create_inspection(
            {"site": world.site_a, "checklist": checklist, "kind": "supervisor"},
            acting_user=world.alpha_manager,
            channel=CLI,
        )
    visit = actions.do_create_inspection(
        {"site": world.site_a, "checklist": checklist}, acting_user=world.qm, channel=CLI
    )
    item = checklist.items.get(code="A1")
    with pytest.raises(PermissionDenied):
        actions.do_save_answer(
            visit, item, result="pass", acting_user=world.alpha_manager, channel=CLI
        )
    own = actions.do_create_inspection(
        {"site": world.site_a, "checklist": checklist, "kind": "self"},
        acting_user=world.alpha_manager,
        channel=CLI,
    )
    actions.do_save_answer(own, item, result="pass", acting_user=world.alpha_manager, channel=CLI)


def test_a_planned_inspection_starts(world, checklist, client_for):
    planned = actions.do_create_inspection(
        {"site": world.site_a, "checklist": checklist},
        acting_user=world.qm,
        channel=CLI,
        start=False,
    )
    assert planned.status == "planned" and planned.started_at is None
    r = client_for(world.alpha_inspector).post(f"/inspections/{planned.pk}/start/")
    planned.refresh_from_db()
    assert r["Location"] == f"/inspections/{planned.pk}/perform/"
    assert planned.status == "in_progress" and planned.inspector == world.alpha_inspector


def test_the_site_never_learns_who_the_mystery_shopper_was(world, checklist, client_for):
    shopper = world.alpha_inspector
    shopper.first_name, shopper.last_name = "Shopper", "Sally"
    shopper.save()
    mystery = actions.do_create_inspection(
        {"site": world.site_a, "checklist": checklist, "kind": "mystery"},
        acting_user=shopper,
        channel=CLI,
    )
    for item in checklist.items.all():
        actions.do_save_answer(mystery, item, result="na", acting_user=shopper, channel=CLI)
    actions.do_submit_inspection(mystery, acting_user=shopper, channel=CLI)
    qm, manager = client_for(world.qm), client_for(world.alpha_manager)
    assert "Shopper Sally" in qm.get("/inspections/").content.decode()
    assert "Shopper Sally" in qm.get(f"/inspections/{mystery.pk}/").content.decode()
    for page in (
        manager.get("/inspections/").content.decode(),
        manager.get("/inspections/?export=csv").getvalue().decode(),
        manager.get(f"/inspections/{mystery.pk}/").content.decode(),
    ):
        assert "Shopper Sally" not in page and "alpha_inspector" not in page and "(hidden)" in page
    from sqms.core.actions import do_create_api_token

    _t, raw = do_create_api_token(
        world.alpha_manager, "t", acting_user=world.alpha_manager, channel=CLI
    )
    api = manager.get(
        f"/api/v1/inspections/{mystery.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert api["inspector_id"] is None and api["kind"] == "mystery"
    listed = manager.get("/api/v1/inspections/", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert [i["inspector_id"] for i in listed["items"]] == [None]


def test_the_list_filters(world, checklist, client_for):
    from sqms.inspections.tests.factories import make_inspection

    first = make_inspection(world.site_a, checklist, {"A1": ("pass", None)}, notes="first")
    second = make_inspection(
        world.site_b, checklist, {"A1": ("fail", None)}, kind="self", notes="second"
    )
    c = client_for(world.qm)
    page = c.get("/inspections/?kind=self").content.decode()
    assert second.reference in page and first.reference not in page
    assert (
        "BRAVO"
        not in c.get(f"/inspections/?site={world.site_a.pk}").content.decode().split("<table>")[1]
    )
    xlsx = c.get("/inspections/?export=xlsx")
    assert xlsx.status_code == 200 and "spreadsheet" in xlsx["Content-Type"]

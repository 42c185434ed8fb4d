from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.core.choices import Channel
from sqms.inspections import actions
from sqms.inspections.choices import ChecklistStatus
from sqms.inspections.models import Item, Section, TemplateVersion
from sqms.inspections.tests.factories import make_checklist

CLI = Channel.CLI


def _draft(world, code="NEW"):
    template = actions.do_create_template(
        {"code": code, "name": "新表"}, acting_user=world.qm, channel=CLI
    )
    return template, template.versions.get()


def test_a_draft_takes_sections_and_items_and_publishes(world):
    template, draft = _draft(world)
    assert (draft.number, draft.status) == (1, ChecklistStatus.DRAFT)
    s = actions.do_add_section(draft, {"title": "Front"}, acting_user=world.qm, channel=CLI)
    a = actions.do_add_item(
        s, {"code": "F1", "text": "Door clean"}, acting_user=world.qm, channel=CLI
    )
    b = actions.do_add_item(
        s,
        {"code": "F2", "text": "Chiller", "scoring": "numeric", "target": D(4), "tolerance": D(1)},
        acting_user=world.qm,
        channel=CLI,
    )
    assert (a.position, b.position, b.version_id) == (0, 1, draft.pk)
    actions.do_move_item(b, -1, acting_user=world.qm, channel=CLI)
    assert list(Item.objects.filter(section=s).values_list("code", flat=True)) == ["F2", "F1"]
    actions.do_update_version(
        draft,
        {"critical_rule": "cap", "cap_score": D(50), "pass_mark": D(85)},
        acting_user=world.qm,
        channel=CLI,
    )
    published = actions.do_publish_version(draft, acting_user=world.qm, channel=CLI)
    assert published.status == ChecklistStatus.PUBLISHED and published.published_by == world.qm
    assert template.published_version() == published
    assert (published.critical_rule, published.cap_score, published.pass_mark) == (
        "cap",
        D(50),
        D(85),
    )


def test_a_published_version_never_changes(world):
    version = make_checklist()
    section, item = version.sections.first(), version.items.first()
    attempts = [
        lambda: actions.do_update_version(
            version, {"pass_mark": D(10)}, acting_user=world.qm, channel=CLI
        ),
        lambda: actions.do_add_section(version, {"title": "X"}, acting_user=world.qm, channel=CLI),
        lambda: actions.do_update_section(
            section, {"title": "X"}, acting_user=world.qm, channel=CLI
        ),
        lambda: actions.do_delete_section(section, acting_user=world.qm, channel=CLI),
        lambda: actions.do_add_item(section, {"text": "X"}, acting_user=world.qm, channel=CLI),
        lambda: actions.do_update_item(item, {"weight": D(9)}, acting_user=world.qm, channel=CLI),
        lambda: actions.do_delete_item(item, acting_user=world.qm, channel=CLI),
        lambda: actions.do_move_item(item, 1, acting_user=world.qm, channel=CLI),
        lambda: actions.do_publish_version(version, acting_user=world.qm, channel=CLI),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "is published and can no longer change" in exc.value.messages[0]
    item.refresh_from_db()
    assert item.weight == D(1) and Item.objects.filter(version=version).count() == 4


def test_new_version_copies_the_latest_and_publishing_retires_the_old(world):
    v1 = make_checklist()
    v2 = actions.do_new_version(v1.template, acting_user=world.qm, channel=CLI)
    assert (v2.number, v2.status) == (2, ChecklistStatus.DRAFT)
    assert list(v2.items.values_list("code", "weight", "is_critical")) == list(
        v1.items.values_list("code", "weight", "is_critical")
    )
    assert v2.sections.count() == 2 and set(v2.items.values_list("id", flat=True)).isdisjoint(
        v1.items.values_list("id", flat=True)
    )
    with pytest.raises(ValidationError, match="still a draft"):
        actions.do_new_version(v1.template, acting_user=world.qm, channel=CLI)
    b2 = v2.items.get(code="B2")
    actions.do_update_item(b2, {"tolerance": D("0.5")}, acting_user=world.qm, channel=CLI)
    actions.do_publish_version(v2, acting_user=world.qm, channel=CLI)
    v1.refresh_from_db()
    assert v1.status == ChecklistStatus.RETIRED
    assert v1.items.get(code="B2").tolerance == D(1)  # the old version is untouched
    assert v1.template.published_version().pk == v2.pk


def test_item_rules_are_checked_by_field(world):
    _t, draft = _draft(world)
    s = actions.do_add_section(draft, {"title": "S"}, acting_user=world.qm, channel=CLI)
    with pytest.raises(ValidationError) as exc:
        actions.do_add_item(
            s, {"text": "Temp", "scoring": "numeric"}, acting_user=world.qm, channel=CLI
        )
    assert "target" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.do_add_item(s, {"text": "Heavy", "weight": D(0)}, acting_user=world.qm, channel=CLI)
    assert "weight" in exc.value.message_dict
    actions.do_add_item(s, {"code": "S1", "text": "One"}, acting_user=world.qm, channel=CLI)
    with pytest.raises(ValidationError) as exc:
        actions.do_add_item(s, {"code": "S1", "text": "Two"}, acting_user=world.qm, channel=CLI)
    assert "code" in exc.value.message_dict
    assert Item.objects.filter(version=draft).count() == 1
    with pytest.raises(ValidationError, match="at least one item"):
        actions.do_publish_version(
            actions.do_create_template(
                {"code": "EMPTY", "name": "e"}, acting_user=world.qm, channel=CLI
            ).versions.get(),
            acting_user=world.qm,
            channel=CLI,
        )


def test_only_quality_managers_edit_checklists(world):
    with pytest.raises(PermissionDenied):
        actions.do_create_template(
            {"code": "X", "name": "x"}, acting_user=world.alpha_manager, channel=CLI
        )
    v1 = make_checklist()
    with pytest.raises(PermissionDenied):
        actions.do_new_version(v1.template, acting_user=world.alpha_inspector, channel=CLI)


def test_the_editor_pages(world, client_for):
    c = client_for(world.qm)
    r = c.post("/inspections/checklists/new/", {"code": "WEB", "name": "Web list", "kind": "self"})
    version = TemplateVersion.objects.get(template__code="WEB")
    assert r.status_code == 302 and r["Location"] == version.get_absolute_url()
    c.post(f"/inspections/checklists/versions/{version.pk}/sections/", {"title": "Counter"})
    section = Section.objects.get(version=version)
    r = c.post(
        f"/inspections/checklists/sections/{section.pk}/items/",
        {"code": "C1", "text": "Till tidy", "scoring": "scale", "weight": "2", "photo": "required"},
    )
    assert r.status_code == 302
    item = Item.objects.get(version=version)
    assert (item.scoring, item.weight, item.photo) == ("scale", D(2), "required")
    page = c.get(version.get_absolute_url()).content.decode()
    assert "Till tidy" in page and "Publish" in page
    r = c.post(f"/inspections/checklists/versions/{version.pk}/publish/")
    version.refresh_from_db()
    assert version.status == "published"
    r = c.post(
        f"/inspections/checklists/items/{item.pk}/edit/",
        {"text": "Changed", "scoring": "scale", "weight": "1", "photo": "none"},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.text == "Till tidy"
    follow = c.get(r["Location"]).content.decode()
    assert "can no longer change" in follow
    listing = c.get("/inspections/checklists/").content.decode()
    assert "WEB" in listing and "v1" in listing
    # a site manager reads the checklist but cannot edit it
    m = client_for(world.alpha_manager)
    assert m.get(version.get_absolute_url()).status_code == 200
    assert m.get(f"/inspections/checklists/{version.template_id}/edit/").status_code == 403

from sqms.inspections import detail_parts
from sqms.inspections.tests.factories import make_inspection


def test_the_detail_page_scores_each_section_and_marks_failures(world, checklist, client_for):
    insp = make_inspection(
        world.site_a,
        checklist,
        {"A1": ("pass", None), "A2": ("fail", None), "B1": ("", 3), "B2": ("", 4)},
        inspector=world.alpha_inspector,
    )
    page = client_for(world.alpha_manager).get(f"/inspections/{insp.pk}/").content.decode()
    assert "33.3 % (1 / 3)" in page  # A1 1/1 + A2 0/2
    assert "73.3 % (2.20 / 3)" in page  # B1 3/5 of 2 = 1.20, B2 4 °C within 4 ± 1: 1/1
    assert page.count('class="failed"') == 1 and "critical item failed" in page
    assert "alpha_inspector" in page  # not a mystery visit: the site sees its inspector


def test_other_areas_add_panels_to_the_detail_page(world, checklist, client_for, monkeypatch):
    monkeypatch.setattr(detail_parts, "_PARTS", [])
    detail_parts.register("inspections/inspection_list.html", lambda request, obj: None)
    detail_parts.register(
        "core/_history.html", lambda request, obj: {"history": [], "panel_ref": obj.reference}
    )
    insp = make_inspection(world.site_a, checklist, {"A1": ("pass", None)})
    templates, context = detail_parts.parts(None, insp)
    assert templates == ["core/_history.html"] and context["panel_ref"] == insp.reference
    response = client_for(world.qm).get(f"/inspections/{insp.pk}/")
    assert response.status_code == 200
    assert response.context["extra_partials"] == ["core/_history.html"]
    assert response.context["panel_ref"] == insp.reference
    assert len(response.context["history"]) >= 1  # the page's own history wins over a panel's

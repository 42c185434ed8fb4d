"""Programmes and the generation of their planned inspections: validation, periods, due
dates, rotation, idempotence, and a checklist without a published version."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.inspections import actions
from sqms.inspections.choices import ChecklistStatus, InspectionStatus
from sqms.inspections.models import Inspection
from sqms.inspections.tests.programme_data import programme, shoppers
from sqms.test import World

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _rows(p: object) -> list[tuple[str, date, date, str | None]]:
    return [
        (i.site.code, i.period_start, i.due_on, i.inspector.username if i.inspector else None)
        for i in Inspection.objects.filter(programme=p)
        .select_related("site", "inspector")
        .order_by("site__code", "period_start")
    ]


@pytest.mark.django_db
def test_mystery_rotation_never_repeats_a_shopper_at_a_site(world: World) -> None:
    s1, s2 = shoppers(world)
    p = programme(world, inspectors=[s1, s2])
    report = actions.do_generate_plans(p, until=date(2027, 12, 31), now=NOW, acting_user=world.qm)
    assert report.created == 16  # 8 quarters × 2 sites
    rows = _rows(p)
    assert rows[0] == ("ALPHA", date(2026, 1, 1), date(2026, 3, 31), "shopper1")
    assert rows[8] == ("BRAVO", date(2026, 1, 1), date(2026, 3, 31), "shopper2")  # spread
    for code in ("ALPHA", "BRAVO"):
        visitors = [r[3] for r in rows if r[0] == code]
        assert all(a != b for a, b in zip(visitors, visitors[1:], strict=False)), visitors
    first = Inspection.objects.filter(programme=p).first()
    assert first is not None and first.status == InspectionStatus.PLANNED
    assert first.checklist.template_id == p.template_id and first.kind == "mystery"


@pytest.mark.django_db
def test_generating_twice_gives_the_same_rows(world: World) -> None:
    p = programme(world, kind="self", frequency="weekly", starts_on=date(2026, 12, 21))
    first = actions.do_generate_plans(p, until=date(2027, 1, 10), now=NOW)
    rows = _rows(p)
    events = AuditEvent.objects.count()
    again = actions.do_generate_plans(p, until=date(2027, 1, 10), now=NOW)
    assert first.created == 6 and again.created == 0 and again.results[0].existing == 6
    assert _rows(p) == rows and AuditEvent.objects.count() == events
    # ISO week 53 of 2026, due on its Sunday; self-inspections have no inspector
    assert ("ALPHA", date(2026, 12, 28), date(2027, 1, 3), None) in rows
    # a longer horizon adds only the new periods
    assert actions.do_generate_plans(None, until=date(2027, 1, 17), now=NOW).created == 2


@pytest.mark.django_db
def test_ends_on_and_inactive_programmes(world: World) -> None:
    p = programme(
        world,
        kind="supervisor",
        frequency="monthly",
        inspectors=[world.qm],
        ends_on=date(2026, 2, 10),
    )
    assert actions.do_generate_plans(p, until=date(2026, 12, 31), now=NOW).created == 4
    actions.do_update_programme(p, {"is_active": False}, acting_user=world.qm, channel=Channel.WEB)
    assert actions.do_generate_plans(None, until=date(2026, 12, 31), now=NOW).results == []


@pytest.mark.django_db
def test_a_checklist_without_published_version_is_refused(world: World) -> None:
    s1, s2 = shoppers(world)
    p = programme(world, inspectors=[s1, s2])
    p.template.versions.update(status=ChecklistStatus.DRAFT)
    with pytest.raises(ValidationError, match="no published version"):
        actions.do_generate_plans(p, until=date(2026, 6, 30), now=NOW)
    report = actions.do_generate_plans(None, until=date(2026, 6, 30), now=NOW)
    assert report.created == 0 and "no published version" in report.errors[0]
    assert not Inspection.objects.exists()


@pytest.mark.django_db
def test_programme_validation_names_the_field(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        programme(world, kind="self", inspectors=[world.alpha_inspector])
    assert "inspectors" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        programme(world, kind="supervisor", inspectors=[], code="SUP")
    assert "inspectors" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        programme(world, kind="self", sites=[], code="S2")
    assert "sites" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        programme(world, kind="supervisor", inspectors=[world.alpha_agent], code="S3")
    assert "inspectors" in exc.value.message_dict
    # the site-A inspector may not inspect site B
    with pytest.raises(ValidationError, match="BRAVO"):
        programme(world, kind="supervisor", inspectors=[world.alpha_inspector], code="S4")
    with pytest.raises(ValidationError) as exc:
        programme(
            world, kind="self", code="S5", starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1)
        )
    assert exc.value.message_dict


@pytest.mark.django_db
def test_only_quality_managers_plan(world: World) -> None:
    p = programme(world, kind="self")
    with pytest.raises(PermissionDenied):
        actions.do_generate_plans(p, until=date(2026, 3, 1), acting_user=world.alpha_manager)
    with pytest.raises(PermissionDenied):
        actions.do_update_programme(
            p, {"name": "x"}, acting_user=world.alpha_manager, channel=Channel.WEB
        )
    with pytest.raises(ValidationError, match="days ahead"):
        actions.do_generate_plans(p, until=date(2030, 1, 1), now=NOW)


@pytest.mark.django_db
def test_frequency_and_kind_are_fixed_once_planned(world: World) -> None:
    p = programme(world, kind="self", frequency="monthly")
    actions.do_update_programme(
        p, {"frequency": "weekly"}, acting_user=world.qm, channel=Channel.WEB
    )
    actions.do_generate_plans(p, until=date(2026, 1, 31), now=NOW)
    with pytest.raises(ValidationError) as exc:
        actions.do_update_programme(
            p, {"frequency": "monthly"}, acting_user=world.qm, channel=Channel.WEB
        )
    assert "frequency" in exc.value.message_dict
    changed = actions.do_update_programme(
        p, {"remind_days": 7, "sites": [world.site_a]}, acting_user=world.qm, channel=Channel.WEB
    )
    assert changed.remind_days == 7 and list(changed.sites.all()) == [world.site_a]
    event = AuditEvent.objects.filter(model="inspections.programme").order_by("-pk").first()
    assert event is not None and event.changes["sites"] == [["ALPHA", "BRAVO"], ["ALPHA"]]


@pytest.mark.django_db
def test_delete_keeps_started_inspections(world: World) -> None:
    p = programme(world, kind="self", frequency="monthly")
    actions.do_generate_plans(p, until=date(2026, 3, 31), now=NOW)
    started = Inspection.objects.filter(programme=p).order_by("pk").first()
    assert started is not None
    Inspection.objects.filter(pk=started.pk).update(
        status=InspectionStatus.IN_PROGRESS, started_at=NOW
    )
    removed = actions.do_delete_programme(p, acting_user=world.qm, channel=Channel.WEB)
    assert removed == 5
    kept = Inspection.objects.get()
    assert kept.pk == started.pk and kept.programme_id is None

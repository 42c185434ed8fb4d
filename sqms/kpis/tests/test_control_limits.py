"""Phase-I limits frozen over a baseline, later points judged against them, alerts once per
point and rule, acknowledgement, refreezing keeps history, and the nonconformity hook.

The p chart is checked against the textbook formula computed by hand here, not against
``sqms.analytics.spc``: p̄ = ΣDᵢ/Σnᵢ over the baseline and limits p̄ ± 3√(p̄(1−p̄)/nᵢ) for
each subgroup's own nᵢ (Montgomery, *Introduction to Statistical Quality Control*, 8th ed.,
2019, section 7.2.2, "variable sample size")."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sqms.core.choices import Channel
from sqms.core.models import AuditEvent
from sqms.jobs.models import OutboxMessage
from sqms.kpis import actions
from sqms.kpis.choices import AlertStatus, Level
from sqms.kpis.models import Alert, ControlLimits
from sqms.kpis.series import chart_data
from sqms.kpis.tests.conftest import make_kpi, month

CLI = Channel.CLI
# SLA-style proportion per month at site A: numerators of n
D = [45, 47, 44, 46, 48, 45, 40, 20]
N = [50, 52, 49, 50, 53, 50, 50, 40]
BASELINE = 6  # months 1–6


@pytest.fixture
def p_kpi(world: Any) -> Any:
    kpi = make_kpi("FCR", nature="proportion", direction="higher")
    rows = [
        actions.EnteredValue(world.site_a, month(i + 1), d / n, n)
        for i, (d, n) in enumerate(zip(D, N, strict=True))
    ]
    actions.do_enter_values(kpi, rows, acting_user=world.qm, channel=CLI)
    return kpi


def unit_a(world: Any) -> actions.Unit:
    return actions.Unit(Level.SITE, site_id=world.site_a.pk)


def freeze(world: Any, kpi: Any, rules: list[int] | None = None, to: int = BASELINE) -> Any:
    return actions.do_freeze_limits(
        kpi, unit_a(world), month(1), month(to), rules or [1], acting_user=world.qm, channel=CLI
    )


def test_p_chart_limits_match_the_textbook_formula(world: Any, p_kpi: Any) -> None:
    limits = freeze(world, p_kpi)
    pbar = sum(D[:BASELINE]) / sum(N[:BASELINE])  # 275 / 304
    assert limits.chart == "p" and limits.points == BASELINE
    assert limits.center == pytest.approx(pbar)
    rows = chart_data(p_kpi, unit_a(world)).rows()
    for i, row in enumerate(rows):
        half = 3 * math.sqrt(pbar * (1 - pbar) / N[i])
        assert row["center"] == pytest.approx(pbar)
        assert row["ucl"] == pytest.approx(min(1.0, pbar + half))
        assert row["lcl"] == pytest.approx(max(0.0, pbar - half))
    # month 7: 40/50 = 0.80, LCL = 0.9046 − 3·√(0.9046·0.0954/50) = 0.7799 → inside
    assert rows[6]["rules"] == [] and rows[6]["phase"] == "II"
    # month 8: 20/40 = 0.50 far below its LCL (n = 40) → rule 1
    assert rows[7]["rules"] == [1]
    assert [r["phase"] for r in rows[:BASELINE]] == ["I"] * BASELINE


def test_signal_raises_one_alert_per_point_and_rule(world: Any, p_kpi: Any) -> None:
    world.qm.email = "qm@example.com"
    world.qm.save()
    freeze(world, p_kpi)
    alerts = Alert.objects.filter(kpi=p_kpi)
    assert [(a.period, a.rule, a.level) for a in alerts] == [(month(8), 1, Level.SITE)]
    assert OutboxMessage.objects.filter(event_key__startswith=f"kpi:{p_kpi.pk}:").count() == 1
    # judging again (a recomputation, a new value elsewhere) adds nothing
    assert actions.judge_kpi(p_kpi, now=dt.datetime.now(dt.UTC)) == 0
    actions.do_enter_values(
        p_kpi,
        [actions.EnteredValue(world.site_a, month(8), 0.5, 40)],
        acting_user=world.qm,
        channel=CLI,
    )
    assert Alert.objects.filter(kpi=p_kpi).count() == 1
    assert OutboxMessage.objects.filter(event_key__startswith=f"kpi:{p_kpi.pk}:").count() == 1


def test_baseline_points_raise_no_alerts(world: Any, p_kpi: Any) -> None:
    freeze(world, p_kpi, to=8)  # month 8 inside the baseline: phase I
    assert not Alert.objects.filter(kpi=p_kpi).exists()


def test_refreezing_keeps_history(world: Any, p_kpi: Any) -> None:
    first = freeze(world, p_kpi)
    second = freeze(world, p_kpi, rules=[1, 2], to=4)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert ControlLimits.objects.filter(kpi=p_kpi).count() == 2
    assert second.center == pytest.approx(sum(D[:4]) / sum(N[:4]))
    assert second.rules == [1, 2]


def test_freeze_is_for_quality_managers(world: Any, p_kpi: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.do_freeze_limits(
            p_kpi,
            unit_a(world),
            month(1),
            month(6),
            [1],
            acting_user=world.alpha_manager,
            channel=CLI,
        )
    with pytest.raises(ValidationError) as exc:
        actions.do_freeze_limits(
            p_kpi, unit_a(world), month(6), month(1), [1], acting_user=world.qm, channel=CLI
        )
    assert "baseline_to" in exc.value.error_dict


def test_individuals_chart_for_a_measurement(world: Any) -> None:
    kpi = make_kpi("WAIT", nature="measurement", direction="lower")
    x = [10.0, 12.0, 11.0, 13.0, 12.0, 30.0]
    rows = [actions.EnteredValue(world.site_a, month(i + 1), v) for i, v in enumerate(x)]
    actions.do_enter_values(kpi, rows, acting_user=world.qm, channel=CLI)
    limits = freeze(world, kpi, to=5)
    # I chart: x̄ ± 3·MR̄/d2, d2(2) = 2/√π = 1.1284 (Montgomery 2019, section 6.4)
    mean = sum(x[:5]) / 5
    mrbar = (2 + 1 + 2 + 1) / 4
    sigma = mrbar / (2 / math.sqrt(math.pi))
    assert limits.chart == "imr"
    assert (limits.center, limits.sigma) == (pytest.approx(mean), pytest.approx(sigma))
    data = chart_data(kpi, unit_a(world)).rows()
    assert data[5]["ucl"] == pytest.approx(mean + 3 * sigma)
    assert data[5]["rules"] == [1]


def test_acknowledge(world: Any, p_kpi: Any) -> None:
    freeze(world, p_kpi)
    alert = Alert.objects.get(kpi=p_kpi)
    with pytest.raises(PermissionDenied):
        actions.do_acknowledge_alert(alert, "x", acting_user=world.bravo_manager, channel=CLI)
    done = actions.do_acknowledge_alert(alert, "seen", acting_user=world.alpha_manager, channel=CLI)
    assert done.status == AlertStatus.ACKNOWLEDGED and done.note == "seen"
    assert AuditEvent.objects.filter(
        model="kpis.alert", object_id=str(alert.pk), action="update"
    ).exists()
    with pytest.raises(ValidationError):
        actions.do_acknowledge_alert(done, "", acting_user=world.alpha_manager, channel=CLI)


def test_alert_raises_one_nonconformity_linked_back(world: Any, p_kpi: Any) -> None:
    from sqms.capa.choices import NcSeverity, Origin, Stage
    from sqms.capa.models import Nonconformity

    freeze(world, p_kpi)
    alert = Alert.objects.get(kpi=p_kpi)
    nc = actions.do_alert_to_nonconformity(alert, acting_user=world.qm, channel=CLI)
    alert.refresh_from_db()
    assert (alert.status, alert.nonconformity_ref) == (AlertStatus.NONCONFORMITY, nc.reference)
    nc = Nonconformity.objects.get(pk=nc.pk)
    assert (nc.origin, nc.stage, nc.severity, nc.site_id) == (
        Origin.KPI_ALARM,
        Stage.DRAFT,
        NcSeverity.MINOR,
        world.site_a.pk,
    )
    assert nc.source_url == alert.get_absolute_url()
    assert nc.title.startswith("FCR ")
    with pytest.raises(ValidationError) as exc:
        actions.do_alert_to_nonconformity(alert, acting_user=world.qm, channel=CLI)
    assert "already" in exc.value.messages[0]
    assert Nonconformity.objects.filter(origin=Origin.KPI_ALARM).count() == 1


@pytest.mark.parametrize(("constants", "d2"), [("tabulated", 1.128), ("exact", 1.1283791671)])
def test_individuals_limits_use_the_kpis_chart_constants(
    world: Any, constants: str, d2: float
) -> None:
    """σ̂ = MR̄/d2(2): 1.128 as printed in Montgomery's Appendix Table VI, or 2/√π exact."""
    kpi = make_kpi("WAIT", nature="measurement", direction="lower", constants=constants)
    values = [10.0, 12.0, 11.0, 14.0, 13.0, 12.0]  # moving ranges 2, 1, 3, 1, 1: MR̄ = 1.6
    rows = [actions.EnteredValue(world.site_a, month(i + 1), v, None) for i, v in enumerate(values)]
    actions.do_enter_values(kpi, rows, acting_user=world.qm, channel=CLI)
    limits = freeze(world, kpi)
    assert (limits.chart, limits.constants) == ("imr", constants)
    assert limits.center == pytest.approx(12.0)
    assert limits.sigma == pytest.approx(1.6 / d2, rel=1e-9)

"""What the URL × persona scoping test needs from the KPIs app.

KPI definitions are organisation-wide (every role reads them); their values, limits, alerts
and chart events belong to a site (or a region / the organization). Site A's value, alert
and event carry site A's marker through the site's name; the chart page of a KPI shows the
reader's own first unit by default, so it is shared."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqms.core.choices import Channel
from sqms.kpis import actions
from sqms.kpis.choices import Level
from sqms.kpis.models import Alert
from sqms.test import World


def make_records(world: World) -> dict[str, Any]:
    cli = Channel.CLI
    kpi = actions.do_create_kpi(
        {
            "code": "WAIT",
            "name": "Waiting time",
            "unit": "min",
            "nature": "measurement",
            "source": "entered",
            "direction": "lower",
            "period": "month",
        },
        acting_user=None,
        channel=cli,
    )
    values = [10.0, 11.0, 9.0, 10.5, 9.5, 10.0, 30.0]
    rows = []
    for i, v in enumerate(values):
        period = dt.date(2026, 1 + i, 1)
        rows.append(actions.EnteredValue(world.site_a, period, v, None))
        rows.append(actions.EnteredValue(world.site_b, period, v, None))
    actions.do_enter_values(kpi, rows, acting_user=None, channel=cli)
    unit = actions.Unit(Level.SITE, site_id=world.site_a.pk)
    actions.do_freeze_limits(
        kpi, unit, dt.date(2026, 1, 1), dt.date(2026, 6, 1), [1], acting_user=None, channel=cli
    )
    event = actions.do_create_event(
        {"date": dt.date(2026, 3, 1), "text": "training held", "site": world.site_a},
        acting_user=None,
        channel=cli,
    )
    alert = Alert.objects.get(kpi=kpi, site=world.site_a)
    objective = actions.do_create_objective(
        {
            "title": "Shorter waits",
            "kpi": kpi,
            "level": "site",
            "site": world.site_a,
            "target": 8.0,
            "deadline": dt.date(2026, 12, 31),
        },
        acting_user=None,
        channel=cli,
    )
    return {"kpi": kpi, "kpi_alert": alert, "kpi_event": event, "kpi_objective": objective}


def _objective(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["kpi_objective"].pk}


def _kpi(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"pk": r["kpi"].pk}


def _api_kpi(w: World, r: dict[str, Any]) -> dict[str, Any]:
    return {"kpi_id": r["kpi"].pk}


URL_KWARGS = {
    # --- KPIs (branch kpis) ---
    "kpis:detail": _kpi,
    "kpis:edit": _kpi,
    "kpis:delete": _kpi,
    "kpis:grid": _kpi,
    "kpis:chart": _kpi,
    "kpis:freeze": _kpi,
    "kpis:league": _kpi,
    "kpis:alert": lambda w, r: {"pk": r["kpi_alert"].pk},
    "kpis:alert_ack": lambda w, r: {"pk": r["kpi_alert"].pk},
    "kpis:alert_nc": lambda w, r: {"pk": r["kpi_alert"].pk},
    "kpis:event_delete": lambda w, r: {"pk": r["kpi_event"].pk},
    "kpis:objective": _objective,
    "kpis:objective_edit": _objective,
    "kpis:objective_delete": _objective,
    "kpis:objective_review": _objective,
    "api:get_kpi": _api_kpi,
    "api:update_kpi": _api_kpi,
    "api:delete_kpi": _api_kpi,
    "api:post_values": _api_kpi,
    "api:get_chart": _api_kpi,
    "api:freeze_limits": _api_kpi,
    "api:get_league": _api_kpi,
    "api:acknowledge_alert": lambda w, r: {"alert_id": r["kpi_alert"].pk},
    "api:raise_alert_nonconformity": lambda w, r: {"alert_id": r["kpi_alert"].pk},
    "api:delete_chart_event": lambda w, r: {"event_id": r["kpi_event"].pk},
    "api:get_objective": lambda w, r: {"objective_id": r["kpi_objective"].pk},
    "api:update_objective": lambda w, r: {"objective_id": r["kpi_objective"].pk},
    "api:delete_objective": lambda w, r: {"objective_id": r["kpi_objective"].pk},
    "api:list_objective_reviews": lambda w, r: {"objective_id": r["kpi_objective"].pk},
    "api:review_objective": lambda w, r: {"objective_id": r["kpi_objective"].pk},
}

SHARED_URLS: set[str] = {
    "kpis:detail",
    "kpis:grid",
    "kpis:chart",
    "kpis:league",
    "api:get_kpi",
    "api:get_league",
    "api:update_kpi",  # the same URL as api:get_kpi
    "api:delete_kpi",
}

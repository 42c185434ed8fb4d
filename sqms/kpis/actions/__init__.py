"""Every write to KPIs. Split by domain; callers write ``actions.do_…``."""

from sqms.kpis.actions.charts import (
    do_acknowledge_alert,
    do_alert_to_nonconformity,
    do_create_event,
    do_delete_event,
    do_freeze_limits,
    judge_kpi,
)
from sqms.kpis.actions.common import ORG, Unit
from sqms.kpis.actions.definitions import do_create_kpi, do_delete_kpi, do_update_kpi
from sqms.kpis.actions.imports import ImportResult, do_import_values
from sqms.kpis.actions.objectives import (
    do_create_objective,
    do_delete_objective,
    do_review_objective,
    do_update_objective,
)
from sqms.kpis.actions.values import (
    ComputeReport,
    EnteredValue,
    do_compute_kpis,
    do_enter_values,
)

__all__ = [
    "ORG",
    "ComputeReport",
    "EnteredValue",
    "ImportResult",
    "Unit",
    "do_acknowledge_alert",
    "do_alert_to_nonconformity",
    "do_compute_kpis",
    "do_create_event",
    "do_create_kpi",
    "do_create_objective",
    "do_delete_event",
    "do_delete_kpi",
    "do_delete_objective",
    "do_enter_values",
    "do_freeze_limits",
    "do_import_values",
    "do_review_objective",
    "do_update_kpi",
    "do_update_objective",
    "judge_kpi",
]

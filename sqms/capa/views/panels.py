"""What the nonconformity's detail page shows besides the record: the stage buttons, the 5-Why
chain, the fishbone grouped by 6M, the actions by cycle with their evidence, and the
verification panel with its before/after chart."""

from __future__ import annotations

from typing import Any

import plotly
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.capa import workflow
from sqms.capa.actions.items import PLAN_STAGES, may_work
from sqms.capa.actions.nonconformities import safe_link
from sqms.capa.choices import MetricKind, SixM, Stage
from sqms.capa.forms import (
    ActionForm,
    ConfirmForm,
    FishboneForm,
    TransitionForm,
    VerificationForm,
    WhyStepForm,
)
from sqms.capa.metrics import default_metric
from sqms.capa.models import ActionEvidence, Nonconformity, Verification
from sqms.capa.people import owners_for
from sqms.complaints.models import Category
from sqms.core.charts import bar_with_ci, base_layout
from sqms.core.choices import Role
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import AuditEvent
from sqms.core.scoping import restricted, role_of
from sqms.core.stats import Stat


def verification_figure(v: Verification) -> dict[str, Any] | None:
    """Bars of the before and after values with their 95 % intervals."""
    if v.before_value is None and v.after_value is None:
        return None
    d = v.details
    stats: list[Stat] = []
    for key, n in (("before", v.before_n), ("after", v.after_n)):
        value = getattr(v, f"{key}_value")
        stats.append(
            Stat(
                n or 0,
                value,
                d.get(f"{key}_lo"),
                d.get(f"{key}_hi"),
                None,
                value is None,
            )
        )
    figure = bar_with_ci([_("Before"), _("After")], stats, v.unit or _("value"))
    title = v.get_metric_display()
    if v.p_value is not None:
        title += f" · {v.test}, p = {v.p_value:.4f}"
    figure["layout"] = base_layout(title, yaxis={"zeroline": True, "title": v.unit}, height=320)
    return figure


def source_link(nc: Nonconformity) -> str:
    """The page of the NC's source: the inspection or audit (as it is now), else the link
    stored when it was raised."""
    from django.urls import NoReverseMatch

    source = nc.inspection_answer.inspection if nc.inspection_answer else None
    if source is None and nc.audit_finding is not None:
        source = nc.audit_finding.inspection
    if source is not None:
        try:
            return source.get_absolute_url()
        except NoReverseMatch:
            pass
    return nc.source_url if safe_link(nc.source_url) else ""


CHILD_MODELS = ("capa.whystep", "capa.fishbonecause", "capa.action", "capa.verification")


def nc_history(nc: Nonconformity, user: Any) -> list[AuditEvent]:
    """The audit events of the NC and of its 5-Why steps, fishbone causes, actions,
    verifications (found by the NC's number their record names start with, so deleted ones
    are there too) and evidence files, newest first, as far as the user may see them."""
    evidence = [
        str(pk)
        for pk in ActionEvidence.objects.filter(action__nonconformity=nc).values_list(
            "pk", flat=True
        )
    ]
    condition = (
        Q(model="capa.nonconformity", object_id=str(nc.pk))
        | Q(model__in=CHILD_MODELS, object_repr__startswith=f"{nc.reference} ")
        | Q(model="capa.actionevidence", object_id__in=evidence)
    )
    return list(
        AuditEvent.objects.filter(condition)
        .filter(pk__in=AuditEvent.objects.restrict(user).values("pk"))
        .select_related("actor")
        .order_by("-at", "-pk")[:200]
    )


def series_figure(v: Verification) -> dict[str, Any] | None:
    """The metric month by month, with lines where the NC was raised and where the actions
    were done (the two periods compared)."""
    series = v.details.get("series") or []
    if len(series) < 2:
        return None
    months = [row[0] for row in series]
    shapes, notes = [], []
    for at, label in ((v.before_end, _("raised")), (v.after_start, _("actions done"))):
        if at is None:
            continue
        key = timezone.localtime(at).strftime("%Y-%m")
        if key in months:
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": key,
                    "x1": key,
                    "y0": 0,
                    "y1": 1,
                    "line": {"dash": "dot", "width": 1},
                }
            )
            notes.append(
                {"x": key, "y": 1, "xref": "x", "yref": "paper", "text": label, "showarrow": False}
            )
    unit = v.details.get("series_unit") or v.unit
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": unit,
                "x": months,
                "y": [row[1] for row in series],
                "text": [f"n = {row[2]}" for row in series],
            }
        ],
        "layout": base_layout(
            _("Month by month"),
            xaxis={"type": "category"},
            yaxis={"title": unit},
            shapes=shapes,
            annotations=notes,
            height=300,
        ),
    }


def _categories() -> list[tuple[Any, str]]:
    return [(c.pk, c.label) for c in Category.objects.filter(is_active=True)]


def detail_context(request: AuthenticatedHttpRequest, nc: Nonconformity) -> dict[str, Any]:
    user = request.user
    can_change = (
        not nc.is_closed and restricted(Nonconformity, user, "change").filter(pk=nc.pk).exists()
    )
    is_qm = role_of(user) == Role.QUALITY_MANAGER
    bones = list(nc.fishbone.select_related("cause"))
    fishbone = [
        (value, label, [b for b in bones if b.category == value]) for value, label in SixM.choices
    ]
    cycles: dict[int, list[Any]] = {}
    for a in nc.actions.select_related("owner").prefetch_related("evidence"):
        setattr(a, "can_work", not nc.is_closed and nc.stage in PLAN_STAGES and may_work(user, a))  # noqa: B010
        cycles.setdefault(a.cycle, []).append(a)
    verifications = list(nc.verifications.select_related("proposed_by", "decided_by"))
    current = next((v for v in verifications if v.cycle == nc.cycle), None)
    context: dict[str, Any] = {
        "can_change": can_change,
        "is_qm": is_qm,
        "why_steps": nc.why_steps.select_related("cause"),
        "fishbone": fishbone,
        "cycles": sorted(cycles.items()),
        "verifications": [
            (v, verification_figure(v), series_figure(v), f"chart-verification-{v.cycle}")
            for v in verifications
        ],
        "current_verification": current,
        "has_root_cause": workflow.has_root_cause(nc),
        "history": nc_history(nc, user),
        "plotly_url": reverse("plotly_js") + f"?v={plotly.__version__}",
    }
    context["source_url"] = source_link(nc)
    if can_change:
        owners = owners_for(nc.site, user)
        context.update(
            {
                "transitions": [
                    t for t in workflow.available(nc.stage) if t.name != "cancel" or is_qm
                ],
                "transition_form": TransitionForm(
                    initial={"version": nc.version}, auto_id="step_%s"
                ),
                "why_form": WhyStepForm(auto_id="why_%s"),
                "fishbone_form": FishboneForm(auto_id="bone_%s"),
                "action_form": (
                    ActionForm(owners=owners, auto_id="action_%s")
                    if nc.stage in PLAN_STAGES
                    else None
                ),
            }
        )
        if nc.stage == Stage.VERIFICATION and not (current and current.verdict):
            metric, params = default_metric(nc)
            if current is not None:
                metric, params = current.metric, {**current.params}
            initial = {"metric": metric, "window_days": params.get("window_days", 90)}
            for key in ("item", "category", "dimension"):
                if params.get(key) not in (None, ""):
                    initial[key] = params[key]
            context["verification_form"] = VerificationForm(
                initial=initial, categories=_categories(), auto_id="verify_%s"
            )
            context["metric_kinds"] = MetricKind
    if is_qm and nc.stage == Stage.VERIFICATION and current is not None and not current.verdict:
        context["confirm_form"] = ConfirmForm(
            auto_id="confirm_%s",
            initial={
                "version": nc.version,
                "verdict": current.proposed if current.proposed != "inconclusive" else None,
            },
        )
    return context

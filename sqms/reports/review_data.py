"""The management-review report (ISO 9001 §9.3): one gather function that reads every input
from the apps' own report functions for a period and a scope, plus the generated summary.

PDCA improvement projects come from ``sqms.improvement`` (sections_improvement)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from sqms.core.choices import Role
from sqms.reports import sections_improvement, sections_kpis, sections_ops, sections_voice
from sqms.reports.data import Metric, Review, Section
from sqms.reports.period import ReviewPeriod, ReviewScope, parse_period, parse_scope

SectionFn = Callable[[Any, ReviewScope, ReviewPeriod], Section]

SECTIONS: tuple[SectionFn, ...] = (
    sections_kpis.objectives,
    sections_voice.satisfaction,
    sections_voice.complaints,
    sections_ops.inspections,
    sections_ops.capa,
    sections_kpis.kpis,
    sections_ops.capacity,
    sections_improvement.improvement,
)
SUMMARY_LINES = 6


def operator() -> Any:
    """The operator running the CLI: sees every site (as the quality manager does)."""
    return SimpleNamespace(
        pk=None,
        is_authenticated=True,
        is_active=True,
        profile=SimpleNamespace(role=Role.QUALITY_MANAGER),
        _sqms_site_scope=None,
    )


def _fmt(m: Metric, x: float) -> str:
    return f"{100 * x:.1f}%" if m.percent else f"{x:g}"


def _movement(m: Metric) -> tuple[float, str] | None:
    if m.current is None or m.previous is None or m.current == m.previous:
        return None
    delta = m.current - m.previous
    base = abs(m.previous) or 1.0
    size = abs(delta) / base if not m.percent else abs(delta)
    params = {
        "what": m.label,
        "previous": _fmt(m, m.previous),
        "current": _fmt(m, m.current),
    }
    if m.higher_is_better is None:
        text = _("%(what)s moved from %(previous)s to %(current)s.") % params
    elif (delta > 0) == m.higher_is_better:
        text = _("%(what)s improved from %(previous)s to %(current)s.") % params
    else:
        text = _("%(what)s worsened from %(previous)s to %(current)s.") % params
    return size, text


def summarize(sections: list[Section]) -> list[str]:
    """The largest gaps and the largest movements against the previous period, in words."""
    lines: list[str] = []
    metrics = [m for s in sections for m in s.metrics]
    gaps = [m for m in metrics if m.key.startswith("gap:") and m.current is not None]
    if gaps:
        worst = min(gaps, key=lambda m: m.current or 0.0)
        if (worst.current or 0.0) < 0:
            lines.append(
                _("The largest service-quality gap: %(what)s at %(value)s.")
                % {"what": worst.label, "value": f"{worst.current:g}"}
            )
    for m in metrics:
        if m.key in ("objectives:behind", "capacity:under") and m.current:
            lines.append(_("%(what)s: %(value)s.") % {"what": m.label, "value": f"{m.current:g}"})
    for m in metrics:
        if m.key.startswith("improvement:failed:"):
            lines.append(
                _("Improvement project %(project)s was judged not effective.")
                % {"project": m.label}
            )
    moves = [mv for mv in (_movement(m) for m in metrics if not m.key.startswith("gap:")) if mv]
    moves.sort(key=lambda t: -t[0])
    lines += [text for _size, text in moves[:SUMMARY_LINES]]
    if not lines:
        lines.append(_("No gaps or movements to report for this period."))
    return lines


def gather(
    period: str | ReviewPeriod, scope: str | ReviewScope, user: Any = None, lang: str = ""
) -> Review:
    """Every §9.3 input for ``period`` (``2026Q3``, ``2026-07``, ``2026``) and ``scope``
    (``ORG``, a region or site code). ``user`` None: the operator (every site); a user sees
    only a scope inside their sites (else :class:`ScopeRefused`). Strings in ``lang`` when
    given, else the active language."""
    with translation.override(lang or translation.get_language()):
        p = period if isinstance(period, ReviewPeriod) else parse_period(period)
        s = scope if isinstance(scope, ReviewScope) else parse_scope(scope, user)
        who = operator() if user is None else user
        sections = [fn(who, s, p) for fn in SECTIONS]
        return Review(
            period=p.label,
            previous_period=p.previous().label,
            date_from=p.first.isoformat(),
            date_to=p.end.isoformat(),
            scope_level=s.level,
            scope_code=s.code,
            scope_label=s.label,
            language=translation.get_language() or "",
            sections=sections,
            summary=summarize(sections),
        )

"""The SERVQUAL page's panels: tables (with their CSV) and charts built from a
:class:`~sqms.surveys.reports.servqual.ServqualReport`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from sqms.core.charts import bar_with_ci, lines, y_value
from sqms.core.panels import (
    Cell,
    Panel,
    count,
    num,
    stat_cells,
    stat_columns,
    suppressed_text,
    text,
)
from sqms.core.stats import (
    min_n,
)
from sqms.surveys.reports.frame import drill_url, period_params
from sqms.surveys.reports.selection import (
    dimension_label,
)
from sqms.surveys.reports.servqual_charts import funnel_figure, gap_model_figure, zot_figure

if TYPE_CHECKING:
    from sqms.surveys.reports.servqual import ServqualReport


def servqual_panels(r: ServqualReport, *, gap_model_only: bool = False) -> list[Panel]:
    f = r.filters
    panels: list[Panel] = []
    if not gap_model_only:
        score = Panel(
            "score",
            _("SERVQUAL score"),
            [_("Score"), *stat_columns(_("Mean"))],
            open=True,
        )
        score.rows = [
            [
                text(_("Unweighted (mean of the dimension gaps)")),
                *stat_cells(r.overall, drill_url(f, measure="SQ.GAP")),
            ],
            [
                text(_("Unweighted, other convention (mean over all items)")),
                *stat_cells(r.overall_items, drill_url(f, measure="SQ.IGAP")),
            ],
            [
                text(_("Weighted by importance points")),
                *stat_cells(r.weighted, drill_url(f, measure="SQ.WGAP")),
            ],
            [
                text(_("SERVPERF (mean perception)")),
                *stat_cells(r.perf, drill_url(f, measure="SQ.PERF")),
            ],
        ]
        panels.append(score)

        dims = Panel(
            "dimensions",
            _("Gap per dimension (P − E)"),
            [
                _("Dimension"),
                _("Items"),
                *stat_columns(_("Gap")),
                _("Mean E"),
                _("Mean P"),
                _("Importance points"),
                _("Cronbach's α (P)"),
                _("Cronbach's α (E)"),
            ],
        )
        for d in r.dimensions:
            url = drill_url(f, measure=f"DIM.{d.code}.GAP")
            dims.rows.append(
                [
                    text(d.label),
                    count(d.k),
                    *stat_cells(d.gap, url),
                    num(y_value(d.e), suppressed=d.e.suppressed),
                    num(y_value(d.p), suppressed=d.p.suppressed),
                    num(
                        y_value(d.importance),
                        1,
                        suppressed=d.importance.suppressed and d.importance.n > 0,
                    ),
                    _alpha_cell(d.alpha_p, d.alpha_n),
                    _alpha_cell(d.alpha_e, d.alpha_n),
                ]
            )
        dims.figure = bar_with_ci(
            [d.label for d in r.dimensions], [d.gap for d in r.dimensions], _("Gap (P − E)")
        )
        panels.append(dims)

        items = Panel(
            "items",
            _("Gap per item"),
            [
                _("Item"),
                _("Dimension"),
                _("Statement"),
                *stat_columns(_("Gap")),
                _("Mean E"),
                _("Mean P"),
            ],
        )
        for row in r.items:
            it = row.item
            items.rows.append(
                [
                    text(it.code),
                    text(dimension_label(it.dimension)),
                    text(it.text),
                    *stat_cells(row.gap, drill_url(f, measure=f"{it.code}.GAP")),
                    num(
                        y_value(row.e),
                        url=drill_url(f, measure=f"{it.code}.E"),
                        suppressed=row.e.suppressed,
                    ),
                    num(
                        y_value(row.p),
                        url=drill_url(f, measure=f"{it.code}.P"),
                        suppressed=row.p.suppressed,
                    ),
                ]
            )
        items.figure = bar_with_ci(
            [f"{row.item.code}" for row in r.items],
            [row.gap for row in r.items],
            _("Gap (P − E)"),
            horizontal=True,
        )
        panels.append(items)

        if r.trend:
            trend = Panel(
                "trend",
                _("Trend of the gaps"),
                [_("Period"), *stat_columns(_("SERVQUAL score"))] + [d.label for d in r.dimensions],
            )
            for p in r.trend:
                trend.rows.append(
                    [
                        text(p.label),
                        *stat_cells(
                            p.overall,
                            drill_url(f, measure="SQ.GAP", **period_params(p.period, f.grain)),
                        ),
                        *[
                            num(
                                y_value(p.by_dimension[d.code]),
                                suppressed=p.by_dimension[d.code].suppressed,
                            )
                            for d in r.dimensions
                        ],
                    ]
                )
            series = [(_("SERVQUAL score"), [p.overall for p in r.trend])] + [
                (d.label, [p.by_dimension[d.code] for p in r.trend]) for d in r.dimensions
            ]
            trend.figure = lines([p.label for p in r.trend], series, _("Gap (P − E)"))
            panels.append(trend)

        if r.league:
            league = Panel(
                "league",
                _("Site league table (SERVQUAL score)"),
                [
                    _("Rank"),
                    _("Site"),
                    _("Name"),
                    *stat_columns(_("SERVQUAL score")),
                    _("Funnel plot"),
                ],
            )
            flags = {
                # xgettext:no-python-format
                "above": _("above the 99.8 % limit"),
                # xgettext:no-python-format
                "below": _("below the 99.8 % limit"),
                # xgettext:no-python-format
                "above95": _("above the 95 % limit"),
                # xgettext:no-python-format
                "below95": _("below the 95 % limit"),
                "": "",
            }
            rank = 0
            for s in r.league:
                rank += 1 if s.gap.shown else 0
                league.rows.append(
                    [
                        text(rank if s.gap.shown else "–"),
                        text(s.code),
                        text(s.name),
                        *stat_cells(s.gap, drill_url(f, measure="SQ.GAP", site=s.site_id)),
                        Cell(
                            str(flags[s.funnel]),
                            s.funnel,
                            css="neg"
                            if s.funnel.startswith("below")
                            else ("pos" if s.funnel else ""),
                        ),
                    ]
                )
            league.figure = funnel_figure(r)
            league.note = _(
                "Funnel plot: each site's mean SERVQUAL score against its number of responses, with 95 %% and 99.8 %% limits around the group mean (%(mean).2f). Sites outside the 99.8 %% limits differ by more than chance."
            ) % {"mean": r.funnel.target or 0.0}
            panels.append(league)

    if r.has_zone_of_tolerance:
        zot = Panel(
            "zone_of_tolerance",
            _("Zone of tolerance"),
            [
                _("Dimension"),
                _("Adequate"),
                _("Desired"),
                _("Perceived"),
                *stat_columns(_("MSA (P − adequate)")),
                *stat_columns(_("MSS (P − desired)")),
            ],
        )
        for d in r.dimensions:
            zot.rows.append(
                [
                    text(d.label),
                    num(y_value(d.adequate), suppressed=d.adequate.suppressed),
                    num(y_value(d.desired), suppressed=d.desired.suppressed),
                    num(y_value(d.p), suppressed=d.p.suppressed),
                    *stat_cells(d.msa, drill_url(f, measure=f"DIM.{d.code}.MSA")),
                    *stat_cells(d.mss, drill_url(f, measure=f"DIM.{d.code}.MSS")),
                ]
            )
        zot.figure = zot_figure(r)
        panels.append(zot)

    gm = Panel(
        "gap_model",
        _("Gap model: gaps 1, 3 and 5 per dimension"),
        [
            _("Dimension"),
            _("Gap 1: management's view − customers' expectation"),
            _("Gap 1 CI low"),
            _("Gap 1 CI high"),
            *stat_columns(_("Gap 3: delivery vs standards (employees' score − 7)")),
            *stat_columns(_("Gap 5: perception − expectation")),
        ],
    )
    for d in r.dimensions:
        g1 = d.gap1
        if g1 is None:
            g1_cells = (
                [num(None, suppressed=True)] * 3
                if (d.gap1_n[0] or d.gap1_n[1])
                else [num(None)] * 3
            )
        else:
            g1_cells = [
                num(g1.estimate, url=drill_url(f, measure=f"DIM.{d.code}.M")),
                num(g1.low),
                num(g1.high),
            ]
        gm.rows.append(
            [
                text(d.label),
                *g1_cells,
                *stat_cells(d.gap3, drill_url(f, measure=f"DIM.{d.code}.S")),
                *stat_cells(d.gap, drill_url(f, measure=f"DIM.{d.code}.GAP")),
            ]
        )
    gm.figure = gap_model_figure(r)
    if not r.has_gap_model:
        gm.note = _(
            "No management (gap 1) or employee (gap 3) survey answers in this selection: run the internal gap-model surveys to fill those columns."
        )
    panels.append(gm)
    return panels


def _alpha_cell(alpha: float | None, n: int) -> Cell:
    if alpha is None:
        return Cell(suppressed_text() if 0 < n < min_n() else "–", "", css="num muted")
    css = "num neg" if alpha < 0.7 else "num"
    return Cell(f"{alpha:.2f}", round(alpha, 4), css=css)

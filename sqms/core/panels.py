"""Report panels: a table of cells (downloadable as CSV) with an optional chart built from the
same rows; number formatting and minimum-n suppression of cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from sqms.core import exports
from sqms.core.stats import Stat


def suppressed_text() -> str:
    return _("n too small")


# Panels -------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    value: Any  # what the CSV holds ("" for a suppressed value)
    url: str | None = None
    css: str = ""


@dataclass
class Panel:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    figure: dict[str, Any] | None = None
    note: str = ""
    open: bool = False  # table shown without a chart: open by default

    @property
    def dom_id(self) -> str:
        return f"chart-{self.name}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.name}-data"


def num(
    value: float | None, digits: int = 2, url: str | None = None, suppressed: bool = False
) -> Cell:
    if suppressed:
        return Cell(suppressed_text(), "", url=None, css="num muted")
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return Cell("–", "", css="num muted")
    css = "num neg" if value < 0 and digits else "num"
    return Cell(f"{value:.{digits}f}", round(float(value), 4), url=url, css=css)


def count(n: int | float, url: str | None = None) -> Cell:
    return Cell(f"{int(n)}", int(n), url=url, css="num")


def text(value: Any, url: str | None = None) -> Cell:
    return Cell(str(value), str(value), url=url)


def stat_cells(s: Stat, url: str | None = None, *, with_n: bool = True) -> list[Cell]:
    """n, mean, CI low, CI high of a Stat (suppressed when n is under the minimum)."""
    cells = [count(s.n, url)] if with_n else []
    if s.suppressed:
        return [
            *cells,
            num(None, suppressed=True),
            num(None, suppressed=True),
            num(None, suppressed=True),
        ]
    return [*cells, num(s.mean, url=url), num(s.lo), num(s.hi)]


def stat_columns(what: str) -> list[str]:
    return [_("n"), what, _("95 % CI low"), _("95 % CI high")]


def render_panels(
    request: HttpRequest, template: str, context: dict[str, Any], panels: list[Panel]
) -> HttpResponseBase:
    wanted = request.GET.get("download")
    if wanted:
        for panel in panels:
            if panel.name == wanted:
                return panel_csv(panel)
    context["panels"] = panels
    return render(request, template, context)


def panel_csv(panel: Panel) -> HttpResponseBase:
    rows = (["" if c.value is None else c.value for c in row] for row in panel.rows)
    return exports.csv_download(exports.stamped(panel.name, "csv"), panel.columns, rows)

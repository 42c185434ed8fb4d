"""Renderers of a gathered :class:`Review`: HTML (page and PDF share one template), PDF by
WeasyPrint with a CJK font, XLSX with one sheet per section."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sqms.core.exports import xlsx_cells
from sqms.reports.data import Review
from sqms.reports.svg import chart_svg

#: the CJK font by family name (Debian's fonts-wqy-zenhei), then the usual fallbacks
FONT_FAMILY = '"WenQuanYi Zen Hei", "Noto Sans CJK SC", "DejaVu Sans", sans-serif'


def context(review: Review) -> dict[str, Any]:
    sections = [
        {"section": s, "charts": [(c.title, chart_svg(c)) for c in s.charts]}
        for s in review.sections
    ]
    return {"review": review, "sections": sections, "font_family": FONT_FAMILY}


def render_html(review: Review) -> str:
    with translation.override(review.language or None):
        return render_to_string("reports/review_document.html", context(review))


def render_pdf(review: Review) -> bytes:
    from weasyprint import HTML

    html = render_html(review)
    out: bytes = HTML(string=html).write_pdf()
    return out


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28] or "Sheet"
    base, k = title, 2
    while title in used:
        title = f"{base[:25]} {k}"
        k += 1
    used.add(title)
    return title


def render_xlsx(review: Review) -> bytes:
    """One sheet for the summary, then one per section: its columns and rows as they are."""
    with translation.override(review.language or None):
        wb = Workbook(write_only=True)
        used: set[str] = set()
        ws = wb.create_sheet(_sheet_title(_("Summary"), used))
        ws.append(xlsx_cells(ws, [_("Management review"), review.scope_label, review.period]))
        ws.append(xlsx_cells(ws, [_("From"), review.date_from, _("To"), review.date_to]))
        ws.append([])
        for line in review.summary:
            ws.append(xlsx_cells(ws, [line]))
        for s in review.sections:
            sheet = wb.create_sheet(_sheet_title(s.title, used))
            sheet.append(xlsx_cells(sheet, list(s.columns)))
            for row in s.rows:
                sheet.append(xlsx_cells(sheet, row))
            if s.note:
                sheet.append([])
                sheet.append(xlsx_cells(sheet, [s.note]))
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

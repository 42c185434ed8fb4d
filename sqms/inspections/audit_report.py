"""The internal-audit report as a PDF (reportlab): the plan, the opening and closing meetings,
the summary counts by finding kind and the findings by clause. Chinese text is set in
reportlab's built-in CID font ``STSong-Light`` (no system font needed), as the survey table
cards are."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core.names import display_name
from sqms.inspections.choices import FindingKind
from sqms.inspections.models import AuditPlan, Inspection

FONT = "STSong-Light"


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _text(value: Any) -> str:
    """Escaped for a Paragraph, line breaks kept."""
    return escape(str(value or "")).replace("\n", "<br/>")


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def audit_report_pdf(inspection: Inspection) -> bytes:
    """The report of audit ``inspection`` (A4, portrait)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _font()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)
    h1 = ParagraphStyle("h1", parent=body, fontSize=16, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    plan = AuditPlan.objects.filter(inspection=inspection).first()
    findings = list(inspection.findings.order_by("clause", "kind", "pk"))
    site = inspection.site
    buf = io.BytesIO()
    title = f"{_('Internal audit report')} {inspection.reference}"
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="SQMS",
        pageCompression=0,
    )
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )
    story: list[Any] = [
        Paragraph(_text(f"内部审核报告 · {_('Internal audit report')}"), h1),
        Paragraph(_text(f"{inspection.reference} · {site.code} {site.name}"), body),
        Spacer(1, 4 * mm),
        Paragraph(_text(_("Audit plan")), h2),
    ]
    if plan is not None:
        auditors = ", ".join(display_name(u) for u in plan.auditors.order_by("username"))
        rows = [
            (_("Criteria"), plan.criteria),
            (_("Audit scope"), plan.scope),
            (_("Clauses"), plan.clauses),
            (_("Auditors"), auditors),
            (_("Auditees"), plan.auditees),
            (_("Planned for"), plan.planned_on.isoformat()),
            (_("Status"), inspection.get_status_display()),
        ]
        table = Table(
            [[Paragraph(_text(k), body), Paragraph(_text(v), body)] for k, v in rows],
            colWidths=[38 * mm, None],
        )
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
        story.append(table)
        for label, at, notes in (
            (_("Opening meeting"), plan.opening_at, plan.opening_notes),
            (_("Closing meeting"), plan.closing_at, plan.closing_notes),
        ):
            story.append(Paragraph(_text(f"{label} · {_when(at)}"), h2))
            story.append(Paragraph(_text(notes or "—"), body))
    else:
        story.append(Paragraph(_text(_("No audit plan recorded.")), body))
    counts = Counter(f.kind for f in findings)
    story.append(Paragraph(_text(_("Summary")), h2))
    summary = Table(
        [
            [Paragraph(_text(label), body) for _value, label in FindingKind.choices]
            + [Paragraph(_text(_("Total")), body)],
            [str(counts.get(value, 0)) for value, _label in FindingKind.choices]
            + [str(len(findings))],
        ]
    )
    summary.setStyle(grid)
    story.append(summary)
    story.append(Paragraph(_text(_("Findings by clause")), h2))
    if findings:
        kinds = dict(FindingKind.choices)
        data = [
            [
                Paragraph(_text(h), small)
                for h in (
                    _("Clause"),
                    _("Kind"),
                    _("Description"),
                    _("Objective evidence"),
                    _("Auditee"),
                )
            ]
        ]
        for f in findings:
            data.append(
                [
                    Paragraph(_text(f.clause), small),
                    Paragraph(_text(kinds.get(f.kind, f.kind)), small),
                    Paragraph(_text(f.description), small),
                    Paragraph(_text(f.evidence), small),
                    Paragraph(_text(f.auditee), small),
                ]
            )
        table = Table(data, colWidths=[16 * mm, 28 * mm, None, 50 * mm, 24 * mm], repeatRows=1)
        table.setStyle(grid)
        story.append(table)
    else:
        story.append(Paragraph(_text(_("No findings.")), body))
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(_text(_("Printed %(when)s") % {"when": _when(timezone.now())}), small))
    doc.build(story)
    return buf.getvalue()

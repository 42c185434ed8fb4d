"""The 8D report of a nonconformity as a PDF (reportlab; the built-in CID font ``STSong-Light``
renders Chinese without a system font).

D1 team · D2 problem · D3 containment · D4 root cause (5-Why, fishbone) · D5 chosen corrective
actions · D6 implementation and effectiveness · D7 preventive actions · D8 closure.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.capa.choices import ActionKind, ActionStatus
from sqms.capa.models import Nonconformity
from sqms.core.names import display_name

FONT = "STSong-Light"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _p(text: Any) -> str:
    return escape(str(text or "—")).replace("\n", "<br/>")


def _date(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "tzinfo"):
        return str(timezone.localtime(value).strftime("%Y-%m-%d"))
    return str(value.isoformat())


def eight_d_pdf(nc: Nonconformity) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", parent=body, fontSize=12, leading=16, spaceBefore=8, spaceAfter=3)
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=20, spaceAfter=6)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11)

    def table(rows: list[list[Any]], widths: list[float]) -> Table:
        t = Table(
            [[Paragraph(_p(c), small) for c in row] for row in rows], colWidths=widths, repeatRows=1
        )
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    actions = list(nc.actions.select_related("owner").order_by("cycle", "due_date", "pk"))
    verifications = list(nc.verifications.select_related("decided_by"))
    story: list[Any] = [
        Paragraph(_p(_("8D report %(ref)s") % {"ref": nc.reference}), title),
        Paragraph(_p(nc.title), head),
        Paragraph(
            _p(
                f"{_('Site')}: {nc.site or _('chain-wide')} · {_('Severity')}: {nc.get_severity_display()} · "
                f"{_('Origin')}: {nc.get_origin_display()} {nc.source_ref} · {_('Stage')}: {nc.get_stage_display()} · "
                f"{_('Raised')}: {_date(nc.raised_at)}"
            ),
            body,
        ),
    ]

    def section(label: str) -> None:
        story.append(Paragraph(_p(label), head))

    section(_("D1 Team"))
    team = {
        display_name(u)
        for u in [nc.owner, nc.raised_by, *[a.owner for a in actions]]
        if u is not None
    }
    story.append(
        Paragraph(
            _p(
                _("Owner: %(owner)s. Members: %(team)s.")
                % {
                    "owner": display_name(nc.owner) if nc.owner else "—",
                    "team": ", ".join(sorted(team)) or "—",
                }
            ),
            body,
        )
    )
    section(_("D2 Problem description"))
    story.append(Paragraph(_p(nc.description), body))
    section(_("D3 Containment (immediate correction)"))
    story.append(Paragraph(_p(nc.containment), body))
    corrections = [a for a in actions if a.kind == ActionKind.CORRECTION]
    if corrections:
        story.append(Spacer(1, 2 * mm))
        story.append(
            table(
                [[_("Correction"), _("Owner"), _("Due"), _("Status")]]
                + [
                    [
                        a.description,
                        display_name(a.owner),
                        _date(a.due_date),
                        a.get_status_display(),
                    ]
                    for a in corrections
                ],
                [90 * mm, 30 * mm, 25 * mm, 25 * mm],
            )
        )
    section(_("D4 Root cause"))
    steps = list(nc.why_steps.select_related("cause"))
    if steps:
        story.append(
            table(
                [["#", _("Why?"), _("Because"), _("Root cause")]]
                + [
                    [
                        s.position,
                        s.question,
                        s.answer + (f" [{s.cause}]" if s.cause else ""),
                        _("yes") if s.is_root else "",
                    ]
                    for s in steps
                ],
                [8 * mm, 50 * mm, 92 * mm, 20 * mm],
            )
        )
    bones = list(nc.fishbone.select_related("cause"))
    if bones:
        story.append(Spacer(1, 2 * mm))
        story.append(
            table(
                [[_("6M category"), _("Cause"), _("Root cause")]]
                + [
                    [
                        b.get_category_display(),
                        b.text + (f" [{b.cause.code}]" if b.cause else ""),
                        _("yes") if b.is_root else "",
                    ]
                    for b in bones
                ],
                [35 * mm, 115 * mm, 20 * mm],
            )
        )
    if not steps and not bones:
        story.append(Paragraph(_p(_("Not analysed yet.")), body))

    def action_rows(kinds: set[str]) -> list[list[Any]]:
        return [
            [
                a.cycle,
                a.get_kind_display(),
                a.description,
                display_name(a.owner),
                _date(a.due_date),
                a.get_status_display(),
                _date(a.done_at),
            ]
            for a in actions
            if a.kind in kinds
        ]

    header = [_("Cycle"), _("Kind"), _("Action"), _("Owner"), _("Due"), _("Status"), _("Done")]
    widths = [12 * mm, 25 * mm, 58 * mm, 25 * mm, 18 * mm, 16 * mm, 18 * mm]
    section(_("D5 Chosen corrective actions"))
    rows = action_rows({ActionKind.CORRECTIVE})
    story.append(table([header, *rows], widths) if rows else Paragraph(_p(_("None.")), body))
    section(_("D6 Implementation and verification of effectiveness"))
    done = [a for a in actions if a.status == ActionStatus.DONE]
    story.append(
        Paragraph(
            _p(_("%(done)d of %(all)d actions done.") % {"done": len(done), "all": len(actions)}),
            body,
        )
    )
    for v in verifications:
        line = _(
            "Cycle %(cycle)d, %(metric)s: before %(b)s (n = %(bn)s), after %(a)s (n = %(an)s); %(test)s p = %(p)s; "
            "proposed: %(proposed)s; confirmed: %(verdict)s."
        ) % {
            "cycle": v.cycle,
            "metric": v.get_metric_display(),
            "b": "—" if v.before_value is None else f"{v.before_value:.3f}",
            "bn": v.before_n if v.before_n is not None else "—",
            "a": "—" if v.after_value is None else f"{v.after_value:.3f}",
            "an": v.after_n if v.after_n is not None else "—",
            "test": v.test or "—",
            "p": "—" if v.p_value is None else f"{v.p_value:.4f}",
            "proposed": v.get_proposed_display(),
            "verdict": v.get_verdict_display() if v.verdict else "—",
        }
        story.append(Paragraph(_p(line), body))
    section(_("D7 Preventive actions"))
    rows = action_rows({ActionKind.PREVENTIVE, ActionKind.IMPROVEMENT})
    story.append(table([header, *rows], widths) if rows else Paragraph(_p(_("None.")), body))
    section(_("D8 Closure"))
    if nc.stage == "closed":
        last = verifications[-1] if verifications else None
        story.append(
            Paragraph(
                _p(
                    _(
                        "Closed on %(date)s after %(cycles)d cycle(s); effectiveness confirmed by %(who)s."
                    )
                    % {
                        "date": _date(nc.closed_at),
                        "cycles": nc.cycle,
                        "who": display_name(last.decided_by) if last and last.decided_by else "—",
                    }
                ),
                body,
            )
        )
    elif nc.stage == "cancelled":
        story.append(Paragraph(_p(_("Cancelled: %(reason)s") % {"reason": nc.cancel_reason}), body))
    else:
        story.append(
            Paragraph(_p(_("Open (stage %(stage)s).") % {"stage": nc.get_stage_display()}), body)
        )

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"8D {nc.reference}",
        pageCompression=0,
    )
    doc.build(story)
    return buf.getvalue()

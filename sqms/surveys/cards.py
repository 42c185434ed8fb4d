"""QR codes (segno) and printable table cards (reportlab) for a campaign's public links.

The card uses reportlab's built-in CID font ``STSong-Light`` for Chinese text, so no system
font has to be installed.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.utils.translation import gettext as _


def qr_png(url: str, scale: int = 10) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def qr_svg(url: str, scale: int = 10) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=scale, border=2, xmldecl=True)
    return buf.getvalue()


def table_card_pdf(link: Any, url: str) -> bytes:
    """An A6 card: the site name, the survey's name, the QR code and the link, in zh and en."""
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    buf = io.BytesIO()
    width, height = A6
    c = canvas.Canvas(buf, pagesize=A6, pageCompression=0)
    site = link.site
    instrument = link.campaign.instrument
    c.setTitle(f"{site.name} — {link.campaign.name}")
    y = height - 14 * mm
    c.setFont(font, 16)
    c.drawCentredString(width / 2, y, site.name[:40])
    y -= 8 * mm
    c.setFont(font, 10)
    for line in (instrument.name_zh, instrument.name_en):
        if line:
            c.drawCentredString(width / 2, y, line[:60])
            y -= 5 * mm
    size = 62 * mm
    c.drawImage(
        ImageReader(io.BytesIO(qr_png(url, scale=8))),
        (width - size) / 2,
        y - size - 2 * mm,
        size,
        size,
    )
    y -= size + 8 * mm
    c.setFont(font, 11)
    c.drawCentredString(width / 2, y, "扫码评价我们的服务")
    y -= 5 * mm
    c.drawCentredString(width / 2, y, "Scan to rate our service")
    y -= 6 * mm
    c.setFont("Helvetica", 7)
    c.drawCentredString(width / 2, y, url[:90])
    c.setFont(font, 6)
    c.drawCentredString(width / 2, 6 * mm, _("Anonymous · takes about three minutes")[:80])
    c.showPage()
    c.save()
    return buf.getvalue()

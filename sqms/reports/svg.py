"""Small inline SVG charts (bars and lines) for the report's HTML and PDF: no JavaScript, so
WeasyPrint draws them as they are."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from sqms.reports.data import Chart

W, H, LEFT, BOTTOM, TOP = 520, 200, 48, 36, 12
COLOURS = ("#2c6fbb", "#7f8c8d", "#c0392b", "#c0392b", "#27ae60")


def _num(x: float) -> str:
    return f"{x:.4g}"


def chart_svg(chart: Chart) -> SafeString:
    values = [v for s in chart.series for v in s.values if v is not None]
    if not values or not chart.labels:
        return mark_safe("")
    lo, hi = min(min(values), 0.0), max(max(values), 0.0)
    if hi == lo:
        hi = lo + 1.0
    n = len(chart.labels)
    step = (W - LEFT - 8) / n
    plot_h = H - BOTTOM - TOP

    def y(v: float) -> float:
        return TOP + plot_h * (hi - v) / (hi - lo)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
        f'viewBox="0 0 {W} {H}" class="review-chart" role="img">',
        f"<title>{escape(chart.title)}</title>",
        f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{W - 8}" y2="{y(0):.1f}" stroke="#999"/>',
        f'<text x="{LEFT - 4}" y="{y(hi) + 4:.1f}" text-anchor="end" font-size="10">'
        f"{_num(hi)}</text>",
        f'<text x="{LEFT - 4}" y="{y(lo):.1f}" text-anchor="end" font-size="10">{_num(lo)}</text>',
    ]
    bars = [s for s in chart.series if s.style == "bar"]
    for k, s in enumerate(bars):
        width = step * 0.8 / len(bars)
        for i, v in enumerate(s.values):
            if v is None:
                continue
            x = LEFT + i * step + step * 0.1 + k * width
            top, bottom = sorted((y(v), y(0)))
            out.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" '
                f'height="{max(bottom - top, 0.5):.1f}" fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
    for k, s in enumerate(x for x in chart.series if x.style != "bar"):
        pts = [
            f"{LEFT + (i + 0.5) * step:.1f},{y(v):.1f}"
            for i, v in enumerate(s.values)
            if v is not None
        ]
        dash = ' stroke-dasharray="4 3"' if s.style == "dash" else ""
        colour = COLOURS[k % len(COLOURS)]
        out.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{colour}"{dash}/>')
    line = next((s for s in chart.series if s.style == "line"), None)
    if line is not None:
        for i in chart.flagged:
            v = line.values[i] if i < len(line.values) else None
            if v is not None:
                out.append(
                    f'<circle cx="{LEFT + (i + 0.5) * step:.1f}" cy="{y(v):.1f}" r="5" '
                    'fill="none" stroke="#c0392b" stroke-width="2"/>'
                )
    every = max(1, n // 8)
    for i, label in enumerate(chart.labels):
        if i % every == 0:
            out.append(
                f'<text x="{LEFT + (i + 0.5) * step:.1f}" y="{H - BOTTOM + 14}" '
                f'text-anchor="middle" font-size="9">{escape(label[:14])}</text>'
            )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped

"""The 8D report: a PDF with the NC's number and its Chinese text (read back from the page's
text strings, encoded UCS-2 for the STSong-Light CID font)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sqms.capa import actions
from sqms.capa.tests.capa_data import CLI, add_action, make_nc, to_action_plan

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The text of every ``(…) Tj`` string, PDF escapes undone, decoded as UTF-16-BE."""
    out = []
    for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", data, flags=re.S):
        b = bytearray()
        i = 0
        while i < len(raw):
            ch = raw[i]
            if ch == 0x5C:  # backslash
                nxt = raw[i + 1 : i + 4]
                m = re.match(rb"[0-7]{1,3}", nxt)
                if m:
                    b.append(int(m.group(), 8))
                    i += 1 + len(m.group())
                    continue
                b.append({ord("n"): 10, ord("r"): 13, ord("t"): 9}.get(raw[i + 1], raw[i + 1]))
                i += 2
                continue
            b.append(ch)
            i += 1
        out.append(bytes(b).decode("utf-16-be", "replace"))
    return "\n".join(out)


def test_8d_pdf_has_the_number_and_chinese_text(world, client_for):
    nc = make_nc(world.site_a, "地面湿滑 Wet floor", containment="立即放置警示牌")
    to_action_plan(nc)
    actions.do_add_fishbone(
        nc, {"category": "environment", "text": "下雨天门口积水"}, acting_user=None, channel=CLI
    )
    add_action(nc, description="修订清洁作业指导书")
    add_action(nc, kind="preventive", description="每月检查防滑垫")
    response = client_for(world.alpha_manager).get(reverse("capa:report_8d", args=[nc.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    assert data.startswith(b"%PDF-") and b"STSong-Light" in data
    text = pdf_text(data)
    assert nc.reference in text
    for phrase in (
        "地面湿滑",
        "立即放置警示牌",
        "SOP 没有要求",
        "下雨天门口积水",
        "修订清洁作业指导书",
        "每月检查防滑垫",
    ):
        assert phrase in text, phrase
    for heading in (
        "D1 Team",
        "D4 Root cause",
        "D5 Chosen corrective actions",
        "D7 Preventive actions",
        "D8 Closure",
    ):
        assert heading in text

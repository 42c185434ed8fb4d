"""Chinese renders as Chinese, not as boxes: a string of Chinese characters drawn with the
report's font family must look unlike the same number of unassigned code points (which every
font draws as its .notdef box). Without a CJK font the two look the same — the second test
proves that, in a subprocess whose fontconfig sees only the Latin DejaVu fonts."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sqms.reports.render import FONT_FAMILY

CHINESE = "服务质量管理评审"
UNASSIGNED = "".join(chr(c) for c in (0x378, 0x379, 0x380, 0x381, 0x382, 0x383, 0x38B, 0x38D))
CJK_FAMILY = "WenQuanYi Zen Hei"

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np, pypdfium2 as pdfium
    from weasyprint import HTML

    def image(text, family):
        html = ('<html><body style="margin:0"><p style="font-family:%s;font-size:40px;'
                'margin:10px">%s</p></body></html>' % (family, text))
        page = pdfium.PdfDocument(HTML(string=html).write_pdf())[0]
        return np.asarray(page.render(scale=1).to_pil().convert("L"), dtype=float)[:90, :420]

    family, a, b = json.loads(sys.argv[1])
    x, y = image(a, family), image(b, family)
    print(json.dumps({"diff": float(np.mean(np.abs(x - y) > 64)),
                      "ink": float(np.mean(x < 128))}))
    """
)


def _cjk_font_installed() -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    out = subprocess.run([fc], capture_output=True, text=True, check=False).stdout
    return CJK_FAMILY in out


needs_font = pytest.mark.skipif(
    not _cjk_font_installed(), reason=f"the CJK font {CJK_FAMILY!r} is not installed"
)


def _compare(env: dict[str, str] | None = None) -> dict[str, float]:
    arg = json.dumps([FONT_FAMILY.replace('"', "'"), CHINESE, UNASSIGNED])
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, arg], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@needs_font
def test_chinese_is_not_boxes() -> None:
    r = _compare()
    assert r["ink"] > 0.005  # something was drawn
    assert r["diff"] > 0.01, r  # and it is not the .notdef box


@needs_font
def test_the_check_fails_without_a_cjk_font(tmp_path: Path) -> None:
    import os

    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path}/cache</cachedir>"
        "</fontconfig>"
    )
    if not Path("/usr/share/fonts/truetype/dejavu").is_dir():
        pytest.skip("the DejaVu fonts are not installed")
    r = _compare({**os.environ, "FONTCONFIG_FILE": str(conf)})
    assert r["diff"] < 0.005, r  # Chinese without a CJK font: boxes, like the unassigned ones


@needs_font
def test_report_page_renders_with_the_cjk_font(review_world: Any, tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    from sqms.reports.render import render_pdf
    from sqms.reports.review_data import gather
    from sqms.reports.tests.conftest import PERIOD

    data = render_pdf(gather(PERIOD, "ALPHA", review_world.qm, "zh-hans"))
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("WenQuanYi" in f for f in fonts), fonts
    png = tmp_path / "page1.png"
    pdfium.PdfDocument(data)[0].render(scale=1).to_pil().save(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

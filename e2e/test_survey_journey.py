"""Issue #4, "Done means": a quality manager creates a SERVQUAL campaign for three stores,
downloads the QR card, answers the form in a phone-sized window, imports a LimeSurvey export
and a 问卷星 export, and reads the gap report with its confidence intervals.

The answers are chosen so that one item (SQ11, "Staff serve me promptly", responsiveness) has
known gaps P − E across the three channels; the test computes that gap's mean, its 95 %
t-interval and n itself and reads them back from the report.
"""

from __future__ import annotations

import io
import math
import re
import statistics

import openpyxl  # type: ignore[import-untyped]
import pytest
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from sqms.core import actions as core_actions
from sqms.core.choices import Channel
from sqms.surveys.instruments import SERVQUAL_ITEMS
from sqms.test import PASSWORD, World

pytestmark = pytest.mark.django_db(transaction=True)

CODES = [f"SQ{n:02d}" for n in range(1, 23)]
TARGET = "SQ11"  # responsiveness: "Staff serve me promptly." / 员工能迅速为我提供服务。
CAMPAIGN = "Store SERVQUAL spring"

# (E, P) of the target item per response, by channel. Every other item is answered E=6, P=5.
PHONE_TARGET = (7, 4)
LIME_TARGET = [(6, 3), (7, 5), (5, 4)]  # complete LimeSurvey responses
LIME_INCOMPLETE_TARGET = (1, 7)  # an incomplete response: left out, must not count
WJX_TARGET = [(7, 2), (6, 6), (7, 3)]


def _answers(target: tuple[int, int], overall: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for code in CODES:
        e, p = target if code == TARGET else (6, 5)
        out[f"{code}.E"], out[f"{code}.P"] = e, p
    out["OVERALL"] = overall
    return out


# Survey tool exports, in the layouts of /work/shared/formats/survey-exports.md ----------------


def limesurvey_csv() -> bytes:
    """LimeSurvey "Export responses", code headings: BOM, every field quoted, NULL = unquoted
    empty field, CRLF records and an extra CRLF at the end; dual-scale arrays (one per SERVQUAL
    dimension) as ``GROUPQ[SQ01#0]`` (expectation) / ``[SQ01#1]`` (perception); a list question
    STORE holding the store code; timing column at the end."""
    groups = {"tangibles": "TAN", "reliability": "REL", "responsiveness": "RES",
              "assurance": "ASS", "empathy": "EMP"}  # fmt: skip
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
              "STORE"]  # fmt: skip
    item_cols = []
    for code, (dim, _zh, _en) in zip(CODES, SERVQUAL_ITEMS, strict=True):
        g = groups[str(dim)]
        item_cols += [(f"{g}[{code}#0]", f"{code}.E"), (f"{g}[{code}#1]", f"{code}.P")]
    header += [c for c, _k in item_cols] + ["OVERALL", "COMMENT", "interviewtime"]

    def record(rid: int, submit: str | None, store: str, a: dict[str, int], comment: str,
               drop_after: int | None = None) -> list[str | None]:  # fmt: skip
        row: list[str | None] = [str(rid), submit, "6" if submit else "3", "zh-Hans", "1234",
                                 "2025-03-05 10:00:00", "2025-03-05 10:09:00", store]  # fmt: skip
        for i, (_c, key) in enumerate(item_cols):
            row.append(None if drop_after is not None and i >= drop_after else str(a[key]))
        row += [None if drop_after is not None else str(a["OVERALL"]), comment, "540.2"]
        return row

    rows = [
        record(1, "2025-03-05 10:09:00", "BRAVO", _answers(LIME_TARGET[0], 5), "排队太久了"),
        record(2, "2025-03-06 11:30:12", "BRAVO", _answers(LIME_TARGET[1], 6), ""),
        # incomplete: no submitdate, stopped after SQ12
        record(3, None, "CHARLIE", _answers(LIME_INCOMPLETE_TARGET, 7), "", drop_after=24),
        record(
            4,
            "2025-03-07 18:01:59",
            "CHARLIE",
            _answers(LIME_TARGET[2], 4),
            'Staff were "busy"\nbut kind',
        ),  # fmt: skip
    ]

    def q(v: str | None) -> str:
        return "" if v is None else '"' + v.replace('"', '""') + '"'

    lines = [",".join(q(h) for h in header)] + [",".join(q(v) for v in r) for r in rows]
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def wjx_xlsx() -> bytes:
    """问卷星 "按文本下载" (.xlsx): metadata columns, then two 矩阵量表题 — expectations and
    perceptions — whose first column carries the question text + ``—row``, the others only the
    row label; answers read like ``6分``; a skipped comment is ``(跳过)``."""
    meta = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    statements = [zh for _d, zh, _en in SERVQUAL_ITEMS]
    e_cols = [f"1、期望：一家优秀的门店应做到的程度(矩阵量表题 *必答)—{statements[0]}"]
    e_cols += statements[1:]
    p_cols = [f"2、感知：本店实际做到的程度(矩阵量表题 *必答)—{statements[0]}"]
    p_cols += statements[1:]
    header = [*meta, *e_cols, *p_cols, "3、总体而言，您对本店的服务有多满意？(量表题 *必答)",
              "4、还有什么想告诉我们的吗？"]  # fmt: skip
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    sources = [("手机提交", "微信"), ("链接", "直接访问"), ("手机提交", "微信")]
    comments = ["服务员太少，等了很久", "(跳过)", "希望能快一点"]
    for n, (target, overall) in enumerate(zip(WJX_TARGET, [3, 6, 4], strict=True), start=1):
        a = _answers(target, overall)
        src, detail = sources[n - 1]
        ws.append(
            [
                n,
                f"2025/03/{10 + n:02d} 14:22:55",
                f"{100 + n}秒",
                src,
                detail,
                f"183.192.16.{60 + n}(上海-上海)",
            ]  # fmt: skip
            + [f"{a[f'{c}.E']}分" for c in CODES]
            + [f"{a[f'{c}.P']}分" for c in CODES]
            + [f"{a['OVERALL']}分", comments[n - 1]]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The journey ----------------------------------------------------------------------------------


def _expected_gap() -> tuple[int, float, float, float]:
    gaps = [p - e for e, p in [PHONE_TARGET, *LIME_TARGET, *WJX_TARGET]]
    n = len(gaps)
    mean = statistics.fmean(gaps)
    half = stats.t.ppf(0.975, n - 1) * statistics.stdev(gaps) / math.sqrt(n)
    return n, mean, mean - half, mean + half


def _import(page, campaign_url: str, path, site_label: str, tool: str, counts: str) -> None:  # type: ignore[no-untyped-def]
    """Upload page → review page (detected tool, counts, no problems) → confirm; returns on the
    import's detail page."""
    page.goto(campaign_url)
    page.click("text=Import responses")
    page.wait_for_url("**/import/")
    page.set_input_files("#id_file", str(path))
    option = page.locator("#id_default_site option", has_text=site_label)
    page.select_option("#id_default_site", value=option.get_attribute("value"))
    page.click("main button[type=submit]")
    page.wait_for_url("**/import/review/")
    props = page.locator("main dl.props").inner_text()
    assert re.search(rf"Detected tool\s+{re.escape(tool)}\n", props), props
    assert counts in props, props
    assert page.locator("p.pos").count() == 1, page.locator("main").inner_text()
    # every SERVQUAL answer column was mapped automatically (E and P of 22 items, overall)
    mapped = page.evaluate(
        "Array.from(document.querySelectorAll('select[name^=map-]')).map(s => s.value)"
    )
    for code in CODES:
        assert f"{code}.E" in mapped and f"{code}.P" in mapped, (code, mapped)
    assert "OVERALL" in mapped and "COMMENT" in mapped
    page.click("button[name=action][value=import]")
    page.wait_for_url(re.compile(r".*/surveys/imports/\d+/$"))


def test_quality_manager_survey_journey(  # type: ignore[no-untyped-def]
    live_server, world: World, browser, page, tmp_path, settings
) -> None:
    settings.VAR_DIR = tmp_path / "var"  # uploads land here, not in the project's var/
    base = live_server.url
    core_actions.do_create_site(
        {"region": world.region_a, "code": "CHARLIE", "name": "Charlie store", "city": "杭州"},
        acting_user=None,
        channel=Channel.CLI,
    )

    # 1. sign in; install the built-in instruments
    page.goto(f"{base}/surveys/instruments/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", world.qm.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/surveys/instruments/")
    if page.locator("main table tbody tr", has_text="SERVQUAL").count() == 0:
        page.click("text=Install built-in instruments")
        page.locator("ul.messages li", has_text="Installed").wait_for()
    assert page.locator("main table tbody tr", has_text="SERVQUAL").count() >= 1

    # 2. a SERVQUAL campaign for the three stores, through the campaign form; open it
    page.click("nav.mainnav >> text=Surveys")
    page.wait_for_url(f"{base}/surveys/campaigns/")
    page.click("main a[href$='/surveys/campaigns/new/']")
    page.wait_for_url(f"{base}/surveys/campaigns/new/")
    page.fill("#id_name", CAMPAIGN)
    page.select_option("#id_instrument", label="SERVQUAL service quality survey (v1)")
    for store in ("Alpha store", "Bravo store", "Charlie store"):
        page.locator("#id_sites label", has_text=store).click()
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/surveys/campaigns/\d+/$"))
    campaign_url = page.url
    assert CAMPAIGN in page.locator("h1").inner_text()
    links = page.locator("main table").first.locator("tbody tr")
    assert links.count() == 3
    page.click("button[name=status][value=open]")
    page.wait_for_selector("h1 .badge.ok")  # the page reloads with the campaign open
    assert page.url == campaign_url
    assert page.locator("h1 .badge").inner_text() == "Open"

    # 3. the QR table card (PDF) and the PNG QR code of the Alpha store
    alpha = page.locator("main table").first.locator("tbody tr", has_text="ALPHA")
    with page.expect_download() as pdf_info:
        alpha.locator("text=Table card (PDF)").click()
    pdf = tmp_path / "card.pdf"
    pdf_info.value.save_as(pdf)
    assert pdf_info.value.suggested_filename.endswith("-ALPHA.pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
    with page.expect_download() as png_info:
        alpha.locator("a", has_text="PNG").click()
    png = tmp_path / "qr.png"
    png_info.value.save_as(png)
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    public_path = alpha.locator("a[href^='/s/']").get_attribute("href")
    assert public_path and re.fullmatch(r"/s/[\w-]+/", public_path)

    # 4. a customer answers on a phone: new context, no login, 360 × 740
    phone_ctx = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="zh-CN",
    )
    try:
        phone = phone_ctx.new_page()
        phone.set_default_timeout(15_000)
        phone.goto(base + public_path)
        phone.wait_for_selector("form#survey")
        assert phone.locator("header.pub .site").inner_text().startswith("Alpha store")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        answers = _answers(PHONE_TARGET, 5)
        for key, value in answers.items():
            phone.locator(f"label:has(input[name='{key}'][value='{value}'])").click()
        progress = phone.locator("#progress-text").inner_text()
        assert progress.startswith(f"{len(CODES) + 1} / ")  # every required question done
        phone.fill("textarea[name=COMMENT]", "店员很忙，但态度很好")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.click("#send")
        phone.wait_for_url(f"**{public_path}thanks/**")
        assert phone.locator("h1").inner_text() == "感谢您的参与！"  # zh: the phone's language
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        phone_ctx.close()

    page.goto(campaign_url)
    assert (
        page.locator("main table")
        .first.locator("tbody tr", has_text="ALPHA")
        .locator("td.num")
        .first.inner_text()
        == "1"
    )

    # 5. imports: a LimeSurvey CSV export and a 问卷星 .xlsx export
    lime = tmp_path / "results-survey841748.csv"
    lime.write_bytes(limesurvey_csv())
    _import(page, campaign_url, lime, "Bravo store", "LimeSurvey CSV",
            "3 complete, 1 incomplete (left out), 0 test or spam")  # fmt: skip
    detail = page.locator("dl.props")
    assert re.search(r"Tool\s+limesurvey\n", detail.inner_text()), detail.inner_text()
    assert re.search(r"Imported\s+3\b", detail.inner_text()), detail.inner_text()

    wjx = tmp_path / "1234567_0.xlsx"
    wjx.write_bytes(wjx_xlsx())
    _import(page, campaign_url, wjx, "Charlie store", "问卷星 (Wenjuanxing)",
            "3 complete, 0 incomplete (left out), 0 test or spam")  # fmt: skip
    detail = page.locator("dl.props")
    assert re.search(r"Tool\s+wjx\n", detail.inner_text()), detail.inner_text()
    assert re.search(r"Imported\s+3\b", detail.inner_text()), detail.inner_text()

    page.goto(campaign_url)
    assert "7 responses" in page.locator("main").inner_text()
    per_store = {
        code: page.locator("main table").first.locator("tbody tr", has_text=code)
        .locator("td.num").first.inner_text()
        for code in ("ALPHA", "BRAVO", "CHARLIE")
    }  # fmt: skip
    # phone → Alpha; LimeSurvey's STORE column → Bravo ×2, Charlie ×1; 问卷星 default → Charlie ×3
    assert per_store == {"ALPHA": "1", "BRAVO": "2", "CHARLIE": "4"}

    # 6. the SERVQUAL gap report, filtered to the campaign through the filter form
    page.click('nav.mainnav >> text="Reports"')
    page.wait_for_url(f"{base}/surveys/reports/servqual/")
    page.select_option("form.toolbar select[name=campaign]", label=CAMPAIGN)
    page.click("form.toolbar button[type=submit]")
    page.wait_for_url(re.compile(r".*/surveys/reports/servqual/\?.*campaign=\d+"))
    assert "7 responses in this selection." in page.locator("main").inner_text()
    n, mean, lo, hi = _expected_gap()
    assert n == 7
    page.click("#panel-items details.tableview > summary")  # the table under the chart
    row = page.locator("#panel-items table tbody tr").filter(
        has=page.locator("td:first-child", has_text=re.compile(rf"^{TARGET}$"))
    )
    assert row.count() == 1
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    # Item, Dimension, Statement, n, Gap, CI low, CI high, Mean E, Mean P
    assert cells[0] == TARGET and cells[1] == "Responsiveness"
    assert cells[3:7] == [str(n), f"{mean:.2f}", f"{lo:.2f}", f"{hi:.2f}"], cells
    # the drill-down link behind the gap lists the same seven responses
    row.locator("td").nth(4).locator("a").click()
    page.wait_for_url(re.compile(r".*/surveys/reports/responses/\?.*measure=SQ11\.GAP"))
    answers = page.locator("main table tbody tr td:nth-child(6)").all_inner_texts()
    gaps = sorted(float(a.rpartition("=")[2]) for a in answers)
    expected = sorted(float(p - e) for e, p in [PHONE_TARGET, *LIME_TARGET, *WJX_TARGET])
    assert gaps == expected, answers

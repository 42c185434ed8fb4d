"""问卷星 / Wenjuanxing: .xls (BIFF8), .xlsx and GB18030 CSV; text and option-number downloads."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl  # type: ignore[import-untyped]
import pytest

from sqms.surveys.importers import QuestionSpec, apply_mapping, parse_export, propose_mapping

from .biff import write_xls

META = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
TEXT_HEADER = [*META, "1、您所在的门店", "2、您的性别(单选题 *必答)",
               "3、您使用过哪些服务(多选题 *必答)",
               "4、请对以下方面打分(矩阵单选题 *必答)—有现代化的设备", "员工总是愿意帮助顾客",
               "5、您向朋友推荐我们的可能性有多大(量表题)", "6、其他意见"]  # fmt: skip
TEXT_ROWS: list[list[str | float | None]] = [
    [1, "2016/12/17 14:22:55", "136秒", "手机提交", "微信", "183.192.16.69(上海-上海)",
     "SH01", "女", "存款┋理财, 保险┋其他〖基金〗", "非常同意", "同意", "3分", "很好"],
    [2, "2016/12/18 09:01:02", "80秒", "链接", "直接访问", "1.2.3.4(北京-北京)",
     "BJ02", "男", "(跳过)", "不同意", "非常不同意", "10分", "(跳过)"],
]  # fmt: skip

QS = [
    QuestionSpec("GENDER", "您的性别", kind="single", options=(("M", "男"), ("F", "女"))),
    QuestionSpec("VISIT", "您使用过哪些服务", kind="multi",
                 options=(("A", "存款"), ("B", "贷款"), ("C", "理财, 保险"), ("O", "其他"))),
    QuestionSpec("SQ01", "有现代化的设备", kind="likert", scale_min=1, scale_max=5),
    QuestionSpec("SQ02", "员工总是愿意帮助顾客", kind="likert", scale_min=1, scale_max=5),
    QuestionSpec("NPS", "您向朋友推荐我们的可能性有多大", kind="scale010", scale_min=0, scale_max=10),
    QuestionSpec("COMMENT", "其他意见", kind="text"),
]  # fmt: skip


def _check_text_download(e_bytes: bytes, name: str, encoding: str) -> None:
    e = parse_export(e_bytes, name)
    assert (e.tool, e.heading_style, e.encoding) == ("wjx", "text", encoding)
    codes = [c.code for c in e.columns]
    assert codes == [None] * 6 + ["1", "2", "3", "4.1", "4.2", "5", "6"]
    assert e.columns[9].text == "请对以下方面打分—有现代化的设备"
    assert e.columns[10].text == "请对以下方面打分—员工总是愿意帮助顾客"
    r1, r2 = e.rows
    assert r1.external_id == "wjx:1" and r1.meta == {"channel": "手机提交"}
    assert r1.submitted_at == datetime(2016, 12, 17, 14, 22, 55)  # noqa: DTZ001
    assert r2.values[e.columns[8].key] is None  # (跳过)
    m = propose_mapping(e, QS)
    assert m.columns == {
        "1、您所在的门店": "@site",
        "2、您的性别(单选题 *必答)": "GENDER",
        "3、您使用过哪些服务(多选题 *必答)": "VISIT",
        "4、请对以下方面打分(矩阵单选题 *必答)—有现代化的设备": "SQ01",
        "员工总是愿意帮助顾客": "SQ02",
        "5、您向朋友推荐我们的可能性有多大(量表题)": "NPS",
        "6、其他意见": "COMMENT",
    }
    assert m.labels["SQ01"] == {"不同意": 2, "非常同意": 5}
    assert m.labels["NPS"] == {"10分": 10, "3分": 3}
    rows, errors = apply_mapping(e, m, QS, required_meta=("site",))
    assert not errors
    assert rows[0].meta["site"] == "SH01"
    assert rows[0].answers == {"GENDER": "F", "VISIT": ["A", "C", "O"], "SQ01": 5, "SQ02": 4,
                               "NPS": 3, "COMMENT": "很好"}  # fmt: skip
    assert rows[1].answers == {"GENDER": "M", "SQ01": 2, "SQ02": 1, "NPS": 10}


def test_xls_text_download() -> None:
    data = write_xls([TEXT_HEADER, *TEXT_ROWS])  # type: ignore[list-item]
    assert len(data) < 8192
    _check_text_download(data, "123456_0.xls", "xls")


def test_xlsx_text_download() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in [TEXT_HEADER, *TEXT_ROWS]:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    _check_text_download(buf.getvalue(), "123456_0.xlsx", "xlsx")


@pytest.mark.parametrize("enc", ["gb18030", "gbk"])
def test_gb18030_csv_text_download(enc: str) -> None:
    lines = [",".join(TEXT_HEADER)] + [
        ",".join(f'"{c}"' if isinstance(c, str) and "," in c else str(c) for c in r)
        for r in TEXT_ROWS
    ]
    data = ("\r\n".join(lines) + "\r\n").encode(enc)
    _check_text_download(data, "123456_0.csv", "gb18030")


def test_number_download_positions_and_option_columns() -> None:
    header = [*META[:3], "1、您的性别", "第3题(存款)", "第3题(贷款)", "第3题(理财, 保险)",
              "4、请对以下方面打分—有现代化的设备", "员工总是愿意帮助顾客",
              "5、您向朋友推荐我们的可能性有多大"]  # fmt: skip
    rows = [
        [1, "2016/12/17 14:22:55", "136秒", 2, 1, 0, 1, 5, 4, 4],
        [2, "2016/12/18 09:01:02", "80秒", 1, -3, -3, -3, 2, 1, 11],
        [3, "2016/12/19 10:00:00", "20秒", 1, 0, 0, 0, 9, 1, 1],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    for r in [header, *rows]:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    e = parse_export(buf.getvalue(), "123456_2.xlsx")
    assert (e.tool, e.heading_style) == ("wjx", "number")
    assert [c.code for c in e.columns][3:] == ["1", "3.1", "3.2", "3.3", "4.1", "4.2", "5"]
    assert any("option position" in w for w in e.warnings)
    assert e.rows[1].values["第3题(存款)"] is None  # -3 skipped
    m = propose_mapping(e, QS)
    assert m.columns["第3题(存款)"] == "VISIT=A" and m.columns["第3题(理财, 保险)"] == "VISIT=C"
    assert m.labels["GENDER"] == {"1": "M", "2": "F"}
    assert m.labels["NPS"] == {"1": 0, "11": 10, "4": 3}  # position k → k-1 on a 0–10 scale
    out, errors = apply_mapping(e, m, QS)
    assert out[0].answers == {"GENDER": "F", "VISIT": ["A", "C"], "SQ01": 5, "SQ02": 4, "NPS": 3}
    assert out[1].answers == {"GENDER": "M", "SQ01": 2, "SQ02": 1, "NPS": 10}
    assert [(x.line, x.column, x.code) for x in errors] == [
        (4, "4、请对以下方面打分—有现代化的设备", "out_of_range")]  # fmt: skip

"""Mapping proposal, presets, labels and cell errors."""

from __future__ import annotations

import json

import pytest

from sqms.surveys.importers import (
    MESSAGES,
    CellError,
    Mapping,
    QuestionSpec,
    apply_mapping,
    parse_export,
    propose_mapping,
)
from sqms.surveys.importers.mapping import label_number, split_scale


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("Q1[SQ01#0]", ("Q1[SQ01]", "E")),
        ("SQ01#1", ("SQ01", "P")),
        ("SQ01[E]", ("SQ01", "E")),
        ("SQ01_P", ("SQ01", "P")),
        ("Q [item][Scale 2]", ("Q [item]", "P")),
        ("Q1[SQ01][1]", ("Q1[SQ01]", "E")),
        ("Q1[SQ01]", ("Q1[SQ01]", None)),
    ],
)
def test_split_scale(code: str, expected: tuple[str, str | None]) -> None:
    assert split_scale(code) == expected


@pytest.mark.parametrize(
    ("label", "n"),
    [("7 - 非常同意", 7), ("4分", 4), ("非常同意(7)", 7), ("10 = Extremely likely", 10),
     ("(3) neutral", 3), ("3.5", None), ("非常同意", None)],
)  # fmt: skip
def test_label_number(label: str, n: int | None) -> None:
    assert label_number(label) == n


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_likert_labels_zh_en_5_and_7_points() -> None:
    data = _csv(["Timestamp", "Staff are polite", "员工有礼貌", "满意度", "CSAT"],
                [["2024/1/2 3:04:05", "Somewhat agree", "有点不同意", "很满意", "Very dissatisfied"],
                 ["2024/1/2 3:04:06", "Strongly disagree", "非常同意", "一般", "Neutral"]])  # fmt: skip
    e = parse_export(data, "x.csv")
    qs = [QuestionSpec("A", "Staff are polite", kind="likert", scale_min=1, scale_max=7),
          QuestionSpec("B", "员工有礼貌", kind="likert", scale_min=1, scale_max=7),
          QuestionSpec("C", "满意度", kind="likert", scale_min=1, scale_max=5),
          QuestionSpec("D", "CSAT", kind="likert", scale_min=1, scale_max=5)]  # fmt: skip
    m = propose_mapping(e, qs)
    assert m.labels == {
        "A": {"Somewhat agree": 5, "Strongly disagree": 1},
        "B": {"有点不同意": 3, "非常同意": 7},
        "C": {"一般": 3, "很满意": 5},
        "D": {"Neutral": 3, "Very dissatisfied": 1},
    }
    rows, errors = apply_mapping(e, m, qs)
    assert not errors and rows[1].answers == {"A": 1, "B": 7, "C": 3, "D": 3}


def test_preset_json_roundtrip_and_validation() -> None:
    m = Mapping({"Q1[SQ01#0]": "SQ01.E", "门店": "@site"}, {"SQ01.E": {"非常同意": 7, "x": "y"}})
    d = json.loads(json.dumps(m.to_json(), ensure_ascii=False))
    assert Mapping.from_json(d) == m
    with pytest.raises(ValueError):
        Mapping.from_json({"columns": [], "labels": {}})
    with pytest.raises(ValueError, match="not a question"):
        e = parse_export(_csv(["Timestamp", "A"], [["2024/1/2 3:04:05", "1"]]), "x.csv")
        apply_mapping(e, Mapping({"A": "NOPE"}), [])
    with pytest.raises(ValueError, match=r"use \.E / \.P"):
        apply_mapping(e, Mapping({"A": "D"}), [QuestionSpec("D", "d", kind="dual")])


def test_cell_errors_have_codes_params_and_messages() -> None:
    data = _csv(["Timestamp", "Score", "Gender", "When", "门店"],
                [["2024/1/2 3:04:05", "abc", "X", "yesterday", ""],
                 ["2024/1/2 3:04:06", "6", "M", "2024-01-02", "S1"]])  # fmt: skip
    e = parse_export(data, "x.csv")
    qs = [QuestionSpec("S", "Score", kind="likert", scale_min=1, scale_max=5),
          QuestionSpec("G", "Gender", kind="single", options=(("M", "Male"), ("F", "Female")))]  # fmt: skip
    m = propose_mapping(e, qs)
    assert m.columns == {"Score": "S", "Gender": "G", "门店": "@site"}
    m.columns["When"] = "@submitted_at"
    rows, errors = apply_mapping(e, m, qs, required_meta=("site",))
    assert rows == []
    assert [(x.line, x.column, x.code) for x in errors] == [
        (2, "Score", "not_a_number"), (2, "Gender", "unknown_option"), (2, "When", "bad_date"),
        (2, "@site", "missing_meta"), (3, "Score", "out_of_range")]  # fmt: skip
    oor = errors[-1]
    assert oor.params == {"value": "6", "min": 1, "max": 5}
    assert oor.message == MESSAGES["out_of_range"].format(line=3, column="'Score'", **oor.params)
    assert isinstance(hash(oor), int)
    assert (
        CellError.make("bad_date", 9, "c", value="x").message
        == "row 9, column 'c': 'x' is not a date"
    )


def test_dual_text_match_without_hints_orders_e_then_p() -> None:
    data = _csv(["Timestamp", "1、有现代化的设备", "2、有现代化的设备", "3、员工对顾客有礼貌（期望）",
                 "4、员工对顾客有礼貌（感知）"], [["2024/1/2 3:04:05", "5", "4", "7", "6"]])  # fmt: skip
    e = parse_export(data, "x.csv")
    qs = [QuestionSpec("SQ01", "有现代化的设备", kind="dual", scale_min=1, scale_max=7),
          QuestionSpec("SQ03", "员工对顾客有礼貌", kind="dual", scale_min=1, scale_max=7)]  # fmt: skip
    m = propose_mapping(e, qs)
    assert m.columns == {"1、有现代化的设备": "SQ01.E", "2、有现代化的设备": "SQ01.P",
                         "3、员工对顾客有礼貌（期望）": "SQ03.E", "4、员工对顾客有礼貌（感知）": "SQ03.P"}  # fmt: skip

from __future__ import annotations

from pathlib import Path

import pytest

from sqms.surveys.importers import QuestionSpec

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_REPO = Path(__file__).resolve().parents[4]
SAMPLE_DIRS = [
    _REPO / ".." / "shared" / "samples" / "survey-exports",
    Path("/work/shared/samples/survey-exports"),
]


def sample(name: str) -> bytes:
    for d in SAMPLE_DIRS:
        p = d / name
        if p.is_file():
            return p.read_bytes()
    pytest.skip(f"shared sample {name!r} not available")
    raise AssertionError  # unreachable


@pytest.fixture
def servqual() -> list[QuestionSpec]:
    """Three dual-scale SERVQUAL items (1–7), an overall 0–10, a single, a multi and a comment."""
    return [
        QuestionSpec("SQ01", "有现代化的设备", ("The company has modern-looking equipment",),
                     "dual", 1, 7),
        QuestionSpec("SQ02", "员工总是愿意帮助顾客", ("Employees are always willing to help",),
                     "dual", 1, 7),
        QuestionSpec("SQ03", "员工对顾客有礼貌", ("Employees are courteous",), "dual", 1, 7),
        QuestionSpec("OVERALL", "您向朋友推荐我们的可能性有多大", ("How likely are you to recommend us",),
                     "scale010", 0, 10),
        QuestionSpec("GENDER", "您的性别", ("Gender",), "single",
                     options=(("M", "男"), ("F", "女"))),
        QuestionSpec("VISIT", "您使用过哪些服务", ("Which services did you use",), "multi",
                     options=(("A", "存款"), ("B", "贷款"), ("C", "理财, 保险"))),
        QuestionSpec("COMMENT", "其他意见", ("Other comments",), "text"),
    ]  # fmt: skip

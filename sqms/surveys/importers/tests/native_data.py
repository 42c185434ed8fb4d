"""A SERVQUAL-shaped native CSV (22 dual items = 44 scores, OVERALL 0–10, a comment column;
site/channel/language filled), generated in memory for the importer tests and
``bench/importers.py``."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqms.surveys.importers.mapping import MappedRow, QuestionSpec
from sqms.surveys.importers.native import write_native_csv


def servqual_questions() -> list[QuestionSpec]:
    return [
        *(QuestionSpec(f"SQ{i:02d}", f"item {i}", kind="dual", scale_min=1, scale_max=7)
          for i in range(1, 23)),
        QuestionSpec("OVERALL", "overall", kind="scale010", scale_min=0, scale_max=10),
        QuestionSpec("COMMENT", "comment", kind="text"),
    ]  # fmt: skip


def make_native_csv(n: int, questions: list[QuestionSpec]) -> bytes:
    base = datetime(2024, 1, 1)  # noqa: DTZ001
    rows = (
        MappedRow(0, f"native:{i}", base + timedelta(minutes=i),
                  {"site": f"S{i % 50:03d}", "channel": "qr", "language": "zh-hans"},
                  {**{f"SQ{j:02d}.{s}": (i * 7 + j * 3 + (s == "P")) % 7 + 1
                      for j in range(1, 23) for s in "EP"},
                   "OVERALL": i % 11, **({"COMMENT": "很好"} if i % 10 == 0 else {})})
        for i in range(n)
    )  # fmt: skip
    buf = io.BytesIO()
    write_native_csv(rows, questions, buf)
    return buf.getvalue()

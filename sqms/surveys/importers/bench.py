"""Measure native CSV parse+map throughput: ``python -m sqms.surveys.importers.bench [ROWS]``.

Generates a SERVQUAL-shaped native CSV in memory (22 dual items = 44 scores, OVERALL 0–10 and a
comment column; site/channel/language filled) and times three paths, in CPU time:
``iter_apply_mapping`` over ``NativeReader`` (one ParsedRow and one MappedRow per response),
``NativeReader.iter_mapped`` (MappedRow straight from the CSV record) and
``NativeReader.iter_chunks`` (column-wise, no per-row objects).
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from .mapping import CellError, MappedRow, Mapping, MappingPlan, QuestionSpec, iter_apply_mapping
from .native import NativeReader, write_native_csv


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


def measure(n: int = 200_000) -> dict[str, float]:
    qs = servqual_questions()
    data = make_native_csv(n, qs)

    def plan_for(reader: NativeReader) -> MappingPlan:
        return MappingPlan(Mapping({t: t for t in reader.targets}), qs, tool="native")

    def rows_path() -> int:
        reader = NativeReader(io.BytesIO(data))
        errors: list[CellError] = []
        return sum(1 for _ in iter_apply_mapping(reader, plan_for(reader), errors))

    def mapped_path() -> int:
        reader = NativeReader(io.BytesIO(data))
        return sum(1 for _ in reader.iter_mapped(plan_for(reader), []))

    def chunks_path() -> int:
        reader = NativeReader(io.BytesIO(data))
        return sum(len(c) for c in reader.iter_chunks(plan_for(reader), []))

    out: dict[str, float] = {"bytes": len(data)}
    paths: dict[str, Callable[[], int]] = {
        "iter_apply_mapping": rows_path, "iter_mapped": mapped_path, "iter_chunks": chunks_path,
    }  # fmt: skip
    for name, fn in paths.items():
        t0 = time.process_time()
        count = fn()
        dt = time.process_time() - t0
        assert count == n
        out[name] = n / dt
    return out


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 200_000
    res = measure(n)
    print(f"{n:,} rows, {res.pop('bytes') / 1e6:.1f} MB native CSV (CPU time):")
    for name, rate in res.items():
        print(f"  {name:20s} {rate:>10,.0f} rows/s")


if __name__ == "__main__":
    main()

"""Native CSV parse+map throughput: ``python bench/importers.py [ROWS]`` (default 200,000).

Times three paths over the same in-memory SERVQUAL-shaped native CSV, in CPU time:
``iter_apply_mapping`` over ``NativeReader`` (one ParsedRow and one MappedRow per response),
``NativeReader.iter_mapped`` (MappedRow straight from the CSV record) and
``NativeReader.iter_chunks`` (column-wise, no per-row objects). The first is the baseline the
other two are compared with in the output. Pure parsing: no database, no Django setup.
"""

from __future__ import annotations

import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqms.surveys.importers.mapping import (  # noqa: E402
    CellError,
    Mapping,
    MappingPlan,
    iter_apply_mapping,
)
from sqms.surveys.importers.native import NativeReader  # noqa: E402
from sqms.surveys.importers.tests.native_data import (  # noqa: E402
    make_native_csv,
    servqual_questions,
)


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
    base = res["iter_apply_mapping"]
    for name, rate in res.items():
        print(f"  {name:20s} {rate:>10,.0f} rows/s  {rate / base:4.1f}x iter_apply_mapping")


if __name__ == "__main__":
    main()

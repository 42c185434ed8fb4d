"""SQMS's own export format ("native"): CSV (UTF-8 with BOM) and XLSX.

Layout: one header row ``response_id,submitted_at,site,service,channel,language`` followed by
one column per question target (``SQ01.E``, ``SQ01.P``, ``OVERALL``, ``COMMENT`` …), one row per
response. ``submitted_at`` is ISO-8601 (offset kept when the time is aware). Empty cell = no
answer. Multiple-choice answers are a JSON array of option values. ``response_id`` holds the
response's external id without the ``native:`` prefix (ids imported from another tool keep
their own prefix, e.g. ``limesurvey:12``).

Formula escaping (CSV only): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab, a
carriage return or an apostrophe is written with one more apostrophe in front, so Excel and WPS
show it as text instead of running it; the reader removes one leading apostrophe from every
cell. The round trip is exact. The XLSX variant stores text cells as strings and needs no
escaping.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice, repeat
from typing import IO, Any, cast

from .mapping import CellError, MappedRow, MappingPlan, QuestionSpec
from .model import NATIVE_HEADER, Column, ImportFormatError, ParsedExport, ParsedRow
from .textio import Record

META_FIELDS = NATIVE_HEADER[2:]
_NS = re.compile(r"^[a-z][a-z0-9-]*:")


def native_targets(questions: Iterable[QuestionSpec]) -> list[str]:
    return [t for q in questions for t in q.targets()]


def _ext_id_out(ext: str | None) -> str:
    if not ext:
        return ""
    if ext.startswith("native:") and not _NS.match(ext[7:]):
        return ext[7:]
    return ext


def _ext_id_in(rid: str) -> str | None:
    if not rid:
        return None
    return rid if _NS.match(rid) else "native:" + rid


def _cell_out(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float):
        return repr(v)
    return str(v)


#: First characters of a CSV text cell that get an escaping apostrophe (see the module doc).
ESCAPED_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def _escaped(v: str) -> str:
    return "'" + v if v.startswith(ESCAPED_STARTS) else v


def _unescaped(row: list[str]) -> list[str]:
    if "'" not in "".join(row):  # the common case: one C-level scan of the row
        return row
    return [c[1:] if c[:1] == "'" else c for c in row]


def _row_out(r: MappedRow, targets: list[str], escape: bool = False) -> list[str]:
    a = r.answers
    meta = r.meta
    text = _escaped if escape else str
    return [
        text(_ext_id_out(r.external_id)),
        r.submitted_at.isoformat() if r.submitted_at else "",
        *(text(meta.get(f, "")) for f in META_FIELDS),
        *(text(v) if isinstance(v := a.get(t), str) else _cell_out(v) for t in targets),
    ]


class _Echo:
    def write(self, line: str) -> str:
        return line


def native_csv_lines(rows: Iterable[MappedRow], questions: list[QuestionSpec]) -> Iterator[str]:
    """The native CSV one line at a time (header first, no BOM), for streaming."""
    targets = native_targets(questions)
    w = csv.writer(_Echo())
    yield w.writerow([*NATIVE_HEADER, *targets])
    for r in rows:
        yield w.writerow(_row_out(r, targets, escape=True))


def write_native_csv(rows: Iterable[MappedRow], questions: list[QuestionSpec],
                     stream: IO[str] | IO[bytes]) -> int:  # fmt: skip
    """Write rows in the native CSV format (UTF-8 with BOM, CRLF); returns the row count."""
    text: IO[str]
    if isinstance(stream, io.TextIOBase) or hasattr(stream, "encoding"):
        text = cast(IO[str], stream)
        text.write("\ufeff")
        wrapper = None
    else:
        wrapper = io.TextIOWrapper(cast(IO[bytes], stream), encoding="utf-8-sig", newline="")
        text = wrapper
    lines = native_csv_lines(rows, questions)
    text.write(next(lines))
    n = 0
    for line in lines:
        text.write(line)
        n += 1
    if wrapper is not None:
        wrapper.flush()
        wrapper.detach()
    return n


def write_native_xlsx(rows: Iterable[MappedRow], questions: list[QuestionSpec],
                      stream: IO[bytes] | str) -> int:  # fmt: skip
    """Write rows as a native XLSX workbook (openpyxl write-only mode)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    targets = native_targets(questions)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("responses")
    ws.append([*NATIVE_HEADER, *targets])

    def text_cell(v: str) -> Any:
        if not v.startswith("="):
            return v
        c = WriteOnlyCell(ws, v)  # a string, never a formula
        c.data_type = "s"
        return c

    n = 0
    for r in rows:
        cells: list[Any] = [text_cell(v) for v in _row_out(r, targets)[: len(NATIVE_HEADER)]]
        for t in targets:
            v = r.answers.get(t)
            cells.append(v if isinstance(v, (int, float)) else text_cell(_cell_out(v)))
        ws.append(cells)
        n += 1
    wb.save(stream)
    return n


class NativeReader:
    """Streaming reader of a native CSV: ``for row in NativeReader(stream)`` yields ParsedRow.

    ``stream`` is a binary or text file object; the whole file is never held in memory.
    """

    def __init__(self, stream: IO[str] | IO[bytes]):
        if isinstance(stream, io.TextIOBase) or hasattr(stream, "encoding"):
            text: IO[str] = cast(IO[str], stream)
            self.encoding = getattr(stream, "encoding", None) or "utf-8"
        else:
            text = io.TextIOWrapper(cast(IO[bytes], stream), encoding="utf-8-sig", newline="")
            self.encoding = "utf-8-sig"
        self._reader = csv.reader(text)
        try:
            header = next(self._reader)
        except StopIteration:
            raise ImportFormatError("empty_file") from None
        except UnicodeDecodeError:
            raise ImportFormatError("wrong_encoding", encoding="UTF-8") from None
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
            self.encoding = "utf-8-sig"
        self.header = header
        check_native_header(header)
        self.targets = header[len(NATIVE_HEADER) :]
        self.columns = [Column(i, k, k, "") for i, k in enumerate(header)]

    def __iter__(self) -> Iterator[ParsedRow]:
        targets = self.targets
        fromiso = datetime.fromisoformat
        for line, row in self._iter_lines():
            yield _native_row(line, row, targets, fromiso)

    def iter_mapped(self, plan: MappingPlan, errors: list[CellError]) -> Iterator[MappedRow]:
        """Parse and map row by row without intermediate ParsedRow objects.

        Same rows and errors as ``iter_apply_mapping(self, plan, errors)``; a row with any
        cell that is not a plain known value (or a bad date, or missing required metadata)
        goes through :meth:`MappingPlan.apply`, which reports it.
        """
        pos = {k: i for i, k in enumerate(self.header)}
        simple: list[tuple[int, str, dict[str, object]]] = []
        texts: list[tuple[int, str]] = []
        complex_cols = bool(plan.multi_opts or plan.meta)
        for key, target, lookup, _conv in plan.fast:
            if key not in pos:
                continue
            if lookup:
                simple.append((pos[key], target, lookup))
            elif plan.kinds.get(target) == "text":
                texts.append((pos[key], target))
            else:
                complex_cols = True
        width = len(self.header)
        required = tuple(plan.required_meta)
        fromiso = datetime.fromisoformat
        ns = _NS.match
        targets = self.targets
        apply = plan.apply
        for line, row in self._iter_lines():
            if complex_cols or len(row) != width:
                m = apply(_native_row(line, row, targets, fromiso), errors)
                if m is not None:
                    yield m
                continue
            try:
                answers: dict[str, object] = {t: lk[v] for i, t, lk in simple if (v := row[i])}
                for i, t in texts:
                    v = row[i]
                    if v:
                        if v.isspace():
                            raise KeyError(t)
                        answers[t] = v
                ts = row[1]
                submitted = fromiso(ts) if ts else None
                meta = {"site": row[2], "service": row[3], "channel": row[4], "language": row[5]}
                if not (row[2] and row[3] and row[4] and row[5]):
                    meta = {k: v for k, v in meta.items() if v}
                for f in required:
                    if not meta.get(f):
                        raise KeyError(f)
            except (KeyError, ValueError):
                m = apply(_native_row(line, row, targets, fromiso), errors)
                if m is not None:
                    yield m
                continue
            rid = row[0]
            ext = (rid if ns(rid) else "native:" + rid) if rid else None
            yield MappedRow(line, ext, submitted, meta, answers)  # type: ignore[arg-type]

    def iter_chunks(self, plan: MappingPlan, errors: list[CellError], *,
                    chunk: int = 4096) -> Iterator[NativeChunk]:  # fmt: skip
        """Parse and map column-wise, yielding :class:`NativeChunk` (no per-row objects).

        The fastest path for bulk loading (rollups, bulk inserts). Rows with errors are left
        out of the chunk and their errors appended, exactly as with ``iter_apply_mapping``.
        """
        header = self.header
        pos = {k: i for i, k in enumerate(header)}
        simple: list[tuple[int, str, dict[str, object]]] = []
        texts: list[tuple[int, str]] = []
        complex_cols = bool(plan.multi_opts or plan.meta)
        for key, target, lookup, _conv in plan.fast:
            if key not in pos:
                continue
            if lookup:
                simple.append((pos[key], target, {**lookup, "": None}))
            elif plan.kinds.get(target) == "text":
                texts.append((pos[key], target))
            else:
                complex_cols = True
        width = len(header)
        # every answer column a row may hold (a chunk of rows with errors or choice/number
        # columns is mapped row by row, and must keep all of them)
        all_targets = list(dict.fromkeys(
            [t for _, t, _ in simple] + [t for _, t in texts]
            + [t for k, t, _lk, _c in plan.fast if k in pos] + [c for _k, c, _o in plan.multi_opts]
        ))  # fmt: skip
        required = set(plan.required_meta)
        miss = _MISSING
        fromiso = datetime.fromisoformat
        ns = _NS.match
        src = self._iter_lines()
        while True:
            block = list(islice(src, chunk))
            if not block:
                return
            rows = [r if len(r) == width else (r + [""] * width)[:width] for _, r in block]
            cols = list(zip(*rows, strict=True))
            answers: dict[str, list[object]] = {
                t: list(map(lk.get, cols[i], repeat(miss))) for i, t, lk in simple
            }
            for i, t in texts:
                answers[t] = [v or None for v in cols[i]]
            dates: list[datetime | None] | None
            try:
                dates = [fromiso(v) if v else None for v in cols[1]]
            except ValueError:
                dates = None
            meta = {f: list(cols[i + 2]) for i, f in enumerate(META_FIELDS)}
            if (
                complex_cols
                or dates is None
                or any(miss in m for m in answers.values())
                or any(v is not None and v.isspace() for i, _ in texts for v in cols[i])
                or any("" in meta[f] for f in required)
            ):
                good = list(self._slow(block, plan, errors))
                yield NativeChunk.from_rows(good, all_targets)
                continue
            yield NativeChunk(
                [ln for ln, _ in block],
                [(r if ns(r) else "native:" + r) if r else None for r in cols[0]],
                dates,
                meta,
                answers,  # type: ignore[arg-type]
            )

    def _slow(self, block: list[tuple[int, list[str]]], plan: MappingPlan,
              errors: list[CellError]) -> Iterator[MappedRow]:  # fmt: skip
        fromiso = datetime.fromisoformat
        for line, row in block:
            m = plan.apply(_native_row(line, row, self.targets, fromiso), errors)
            if m is not None:
                yield m

    def _iter_lines(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        last = reader.line_num
        try:
            for row in reader:
                start = last + 1
                last = reader.line_num
                if row:
                    yield start, _unescaped(row)
        except UnicodeDecodeError:
            raise ImportFormatError("wrong_encoding", line=last + 1, encoding="UTF-8") from None
        except csv.Error as e:
            raise ImportFormatError("malformed_csv", line=last + 1, detail=str(e)) from None


_MISSING = object()


@dataclass
class NativeChunk:
    """Mapped rows stored column-wise. ``meta`` values are ``""`` and ``answers`` values are
    ``None`` where a row has none."""

    lines: list[int]
    external_ids: list[str | None]
    submitted_at: list[datetime | None]
    meta: dict[str, list[str]]
    answers: dict[str, list[int | float | str | list[str] | None]]

    def __len__(self) -> int:
        return len(self.lines)

    def rows(self) -> Iterator[MappedRow]:
        names = list(self.meta)
        targets = list(self.answers)
        mcols = zip(*self.meta.values(), strict=True) if names else repeat(())
        acols = zip(*self.answers.values(), strict=True) if targets else repeat(())
        for line, ext, ts, mv, av in zip(self.lines, self.external_ids, self.submitted_at,
                                         mcols, acols, strict=False):  # fmt: skip
            yield MappedRow(
                line, ext, ts,
                {k: v for k, v in zip(names, mv, strict=True) if v},
                {k: v for k, v in zip(targets, av, strict=True) if v is not None},
            )  # fmt: skip

    @classmethod
    def from_rows(cls, rows: list[MappedRow], targets: list[str]) -> NativeChunk:
        return cls(
            [r.line for r in rows],
            [r.external_id for r in rows],
            [r.submitted_at for r in rows],
            {f: [r.meta.get(f, "") for r in rows] for f in META_FIELDS},
            {t: [r.answers.get(t) for r in rows] for t in targets},
        )


def _native_row(line: int, row: list[str], targets: list[str], fromiso: Any) -> ParsedRow:
    ts = row[1] if len(row) > 1 else ""
    meta: dict[str, str] = {}
    submitted = None
    if ts:
        try:
            submitted = fromiso(ts)
        except ValueError:
            meta["submitted_at"] = ts  # reported as a bad date by apply_mapping
    if len(row) >= 6:
        if row[2]:
            meta["site"] = row[2]
        if row[3]:
            meta["service"] = row[3]
        if row[4]:
            meta["channel"] = row[4]
        if row[5]:
            meta["language"] = row[5]
    rid = row[0]
    return ParsedRow(
        line,
        (rid if _NS.match(rid) else "native:" + rid) if rid else None,
        submitted,
        True,
        False,
        dict(zip(targets, row[6:], strict=False)),
        meta,
    )


def check_native_header(header: list[str]) -> None:
    if [h.strip() for h in header[: len(NATIVE_HEADER)]] != list(NATIVE_HEADER):
        raise ImportFormatError("not_native", header=",".join(NATIVE_HEADER))


def is_native_header(header: list[str | None]) -> bool:
    h = [(x or "").strip().lstrip("\ufeff") for x in header[:2]]
    return h == ["response_id", "submitted_at"]


def iter_native_rows(stream: IO[str] | IO[bytes]) -> Iterator[ParsedRow]:
    """Stream a native CSV; same as ``iter(NativeReader(stream))``."""
    return iter(NativeReader(stream))


def parse_native_records(records: list[Record], enc: str, sep: str | None) -> ParsedExport:
    """Native export already split into records (the XLSX variant, or a small CSV)."""
    header = [(h or "").strip().lstrip("\ufeff") for h in records[0][1]]
    check_native_header(header)
    targets = header[len(NATIVE_HEADER) :]
    cols = [Column(i, k, k, "") for i, k in enumerate(header)]
    fromiso = datetime.fromisoformat
    clean = _unescaped if sep is not None else list  # only the CSV variant is escaped
    rows = [
        _native_row(line, clean([c or "" for c in r]), targets, fromiso) for line, r in records[1:]
    ]
    return ParsedExport("native", enc, sep, None, cols, rows, [])

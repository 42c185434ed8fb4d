"""What every tool's parser shares: the head of a file as detection sees it, cell access,
submission dates, width checks and content-derived ids."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..messages import line_list
from ..model import Notice, ParsedExport, ParsedRow
from ..textio import Record, parse_datetime, zone

#: A tool's parser: ``(records, encoding, separator, filename) -> ParsedExport``.
Parser = Callable[[list[Record], str, str | None, str], ParsedExport]


@dataclass(frozen=True)
class Head:
    """The first three records of a file, stripped, as each tool's ``detect`` reads them."""

    r0: list[str]
    r1: list[str]
    r2: list[str]
    filename: str
    separator: str | None

    @classmethod
    def of(cls, records: list[Record], separator: str | None, filename: str) -> Head:
        def row(i: int) -> list[str]:
            return [(c or "").strip() for c in records[i][1]] if len(records) > i else []

        r0 = [(c or "").strip().lstrip("\ufeff") for c in records[0][1]] if records else []
        return cls(r0, row(1), row(2), filename, separator)

    @property
    def low0(self) -> list[str]:
        return [c.lower() for c in self.r0]

    @property
    def h0(self) -> str:
        return self.r0[0].lower() if self.r0 else ""


def cell_at(row: Sequence[str | None], i: int | None) -> str | None:
    if i is None or i >= len(row):
        return None
    return row[i]


def strip_trailing_empty_columns(rows: list[Record], header_rows: int) -> list[Record]:
    """Drop columns on the right whose headers are all empty (a trailing comma on each line)."""
    width = max((len(r) for _, r in rows[:header_rows]), default=0)
    while width and all(not cell_at(r, width - 1) for _, r in rows[:header_rows]):
        width -= 1
    return [(ln, r[:width]) for ln, r in rows]


def read_date(
    value: str | None,
    bad: dict[int, str],
    line: int,
    *,
    dayfirst: bool | None = None,
    tz: str | None = None,
) -> datetime | None:
    """Parse a submission time; an unreadable one is kept in ``bad`` (line -> raw text)."""
    if not value or not value.strip():
        return None
    try:
        d = parse_datetime(value, dayfirst=dayfirst)
    except ValueError:
        bad[line] = value
        return None
    if tz and d.tzinfo is None:
        z = zone(tz)
        if z is not None:
            d = d.replace(tzinfo=z)
    return d


def flag_bad_dates(
    rows: list[ParsedRow], bad: dict[int, str], col: str, warnings: list[str]
) -> None:
    """Unreadable dates: ``meta["submitted_at"]`` keeps the raw text, so that apply_mapping
    reports a ``bad_date`` error for the row."""
    if not bad:
        return
    for r in rows:
        if r.line in bad:
            r.meta["submitted_at"] = bad[r.line]
    lines = sorted(bad)
    warnings.append(Notice("unreadable_dates", count=len(bad), column=col, lines=line_list(lines)))


def check_width(rows: list[Record], width: int, warnings: list[str]) -> None:
    bad = [ln for ln, r in rows if len(r) != width]
    if bad:
        warnings.append(Notice("short_records", count=len(bad), width=width, lines=line_list(bad)))


def row_values(keys: list[str], row: list[str | None]) -> dict[str, str | None]:
    n = len(row)
    return {k: (row[i] if i < n else None) for i, k in enumerate(keys)}


def content_id(tool: str, row: list[str | None], seen: dict[str, int]) -> str:
    h = hashlib.sha1("\x1f".join(c or "" for c in row).encode("utf-8")).hexdigest()[:16]
    k = seen.get(h, 0) + 1
    seen[h] = k
    return f"{tool}:{h}" if k == 1 else f"{tool}:{h}-{k}"

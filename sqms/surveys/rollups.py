"""Keep :class:`~sqms.surveys.models.Rollup` in step with the responses.

Writers collect the measures of a batch of responses in a :class:`RollupDelta` and call
:meth:`RollupDelta.apply` inside their transaction: ``INSERT … ON CONFLICT DO UPDATE`` adds n,
Σx and Σx² per cell (SQLite ≥ 3.24 and PostgreSQL both speak it). This is the only rollup
upsert; every writer goes through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import connection

from sqms.surveys.models import Rollup

CellKey = tuple[
    int, int, int, str, dt.date, str
]  # campaign, site, service_key, channel, period, measure


def month_of(moment: dt.datetime, tz: dt.tzinfo) -> dt.date:
    local = moment.astimezone(tz)
    return dt.date(local.year, local.month, 1)


class RollupDelta:
    """Sums of measures for many cells, added to the table in one statement per chunk."""

    def __init__(self) -> None:
        self.cells: dict[CellKey, list[float]] = {}

    def add(
        self,
        *,
        campaign_id: int,
        site_id: int,
        service_key: int,
        channel: str,
        period: dt.date,
        measures: Mapping[str, float],
    ) -> None:
        cells = self.cells
        for measure, x in measures.items():
            key = (campaign_id, site_id, service_key, channel, period, measure)
            cell = cells.get(key)
            if cell is None:
                cells[key] = [1, x, x * x]
            else:
                cell[0] += 1
                cell[1] += x
                cell[2] += x * x

    def apply(self, chunk: int = 500) -> int:
        """Add the sums to the table and empty the delta; returns the number of cells touched.

        One routine per database: SQLite runs one prepared upsert per cell (in key order);
        PostgreSQL runs a multi-row ``VALUES`` upsert per ``chunk`` cells, or for many cells
        COPYs them into a temporary table and merges with one ``INSERT … SELECT … ON CONFLICT``
        (the ``VALUES`` form costs ~0.1 ms per cell there, mostly in client-side parsing).
        """
        if not self.cells:
            return 0
        rows = [(*key, int(v[0]), v[1], v[2]) for key, v in self.cells.items()]
        self.cells = {}
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                _upsert_sqlite(cursor, rows)
            elif len(rows) >= COPY_MIN_CELLS:
                _merge_postgresql(cursor, rows)
            else:
                _upsert_values(cursor, rows, chunk)
        return len(rows)


COPY_MIN_CELLS = 2000  # PostgreSQL: from this many cells COPY + merge beats a VALUES upsert
_TABLE = Rollup._meta.db_table
_COLS = "campaign_id, site_id, service_key, channel, period, measure, n, total, total_sq"
_ON_CONFLICT = (
    "ON CONFLICT (campaign_id, site_id, service_key, channel, period, measure) DO UPDATE SET "
    f"n = {_TABLE}.n + excluded.n, total = {_TABLE}.total + excluded.total, "
    f"total_sq = {_TABLE}.total_sq + excluded.total_sq"
)


def _upsert_sqlite(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    # one prepared statement for every cell, in key order (B-tree locality: a third cheaper):
    # far cheaper on SQLite than a multi-row VALUES of 4,500 parameters
    cursor.executemany(
        f"INSERT INTO {_TABLE} ({_COLS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
        + _ON_CONFLICT,
        sorted((a, b, c, d, str(e), *rest) for a, b, c, d, e, *rest in rows),
    )


def _upsert_values(cursor: Any, rows: list[tuple[Any, ...]], chunk: int) -> None:
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(part))
        cursor.execute(
            f"INSERT INTO {_TABLE} ({_COLS}) VALUES {placeholders} " + _ON_CONFLICT,
            [value for row in part for value in row],
        )


def _merge_postgresql(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    cursor.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS sqms_rollup_delta (campaign_id bigint, "
        "site_id bigint, service_key integer, channel varchar(10), period date, "
        "measure varchar(80), n integer, total double precision, total_sq double precision) "
        "ON COMMIT DELETE ROWS"
    )
    cursor.execute("TRUNCATE sqms_rollup_delta")
    with cursor.cursor.copy(f"COPY sqms_rollup_delta ({_COLS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {_TABLE} ({_COLS}) SELECT {_COLS} FROM sqms_rollup_delta " + _ON_CONFLICT
    )

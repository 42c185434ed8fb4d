"""The column-wise fast path of :func:`sqms.surveys.actions.write_responses` for imports and
the demo: :class:`ColumnRows` carries a column-wise chunk (SQMS's own CSV), :class:`Pending`
a row the row path screened, and :class:`ColumnWriter` checks, measures and stores both with
one insert (``executemany`` on SQLite, COPY on PostgreSQL) and numpy rollup sums.

Nothing here checks permissions or records audit events; only ``write_responses`` calls into
it, inside its transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import repeat
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from sqms.core.models import Site
from sqms.surveys.answers import AnswerPlan, check_answers
from sqms.surveys.models import Response
from sqms.surveys.resolvers import VALID_CHANNELS, ServiceResolver, SiteResolver, WriteResult
from sqms.surveys.rollups import RollupDelta
from sqms.surveys.vector_plan import VectorPlan, prepare_answers

#: rows per chunk written (and per chunk parsed from a native CSV); actions and native_pipeline
#: read it as ``column_writer.CHUNK`` when they run, so setting it here changes both
CHUNK = 5000


class Pending(NamedTuple):
    """A row of the row path left for :meth:`ColumnWriter.write_rows`."""

    label: Any
    site_id: int
    service_id: int | None
    channel: str
    submitted_at: dt.datetime
    external_id: str | None
    language: str
    answers: dict[str, Any]


@dataclass
class ColumnRows:
    """A column-wise chunk of mapped rows (``importers.NativeChunk``) for :func:`write_responses`.

    ``do_import_file`` feeds these instead of row dicts for SQMS's own CSV; rows without a site
    take ``default_site`` (a site id). On the fast path they are written column by column
    (:class:`ColumnWriter`); otherwise, or when a chunk is not the simple case, they become
    the same row dicts the row-by-row path takes (:meth:`dicts`).
    """

    chunk: Any  # importers.NativeChunk
    default_site: int | None = None
    prepared: Any = None  # prepare_answers(...) of the chunk, when already done

    def dicts(self) -> list[dict[str, Any]]:
        site_value = self.default_site
        return [
            {
                "row": m.line,
                "answers": m.answers,
                "site": m.meta.get("site") or site_value,
                "service": m.meta.get("service"),
                "channel": m.meta.get("channel"),
                "language": m.meta.get("language", ""),
                "submitted_at": m.submitted_at,
                "external_id": m.external_id,
            }
            for m in self.chunk.rows()
        ]


class ColumnWriter:
    """Writes a :class:`ColumnRows` chunk without per-row dicts: validation and measures with
    numpy over columns, the answers' JSON assembled from per-value fragments, the rollup sums
    accumulated per (site, service, channel, month) cell in numpy arrays, one ``executemany``
    (SQLite) or COPY (PostgreSQL) per chunk.

    :meth:`write` handles only the simple case — every row valid, known site and service, no
    external id repeated inside the chunk, plain ints in score columns and trimmed text — and
    returns False (having changed nothing) otherwise; the caller then writes the chunk row by
    row, which gives the messages. The outcome is the same as the row path's.
    """

    def __init__(
        self,
        vplan: VectorPlan,
        result: WriteResult,
        delta: RollupDelta,
        per_site: dict[int, int],
        seen_ext: dict[str, int | None],
        *,
        sites: SiteResolver,
        site_cache: dict[Any, tuple[Site | None, str | None]],
        services: ServiceResolver,
        service_cache: dict[Any, tuple[int | None, str | None]],
        channel: str,
        now: dt.datetime,
        campaign_id: int,
        instrument_id: int,
        batch_id: int | None,
    ) -> None:
        import numpy as np

        self.np = np
        self.v = vplan
        self.result, self.delta, self.per_site, self.seen_ext = result, delta, per_site, seen_ext
        self.sites, self.site_cache = sites, site_cache
        self.services, self.service_cache = services, service_cache
        self.channel, self.now = channel, now
        self.campaign_id, self.instrument_id, self.batch_id = campaign_id, instrument_id, batch_id
        self.text_keys = set(vplan.text_keys)
        # rollup sums: rows = cells (site, service key, channel, month), columns = measures
        self.groups: dict[tuple[int, int, str, dt.date], int] = {}
        self.measure_names: list[str] | None = None
        self.sums: Any = None  # (3, groups, measures): n, Σx, Σx²
        vendor = connection.vendor
        self.postgres = vendor == "postgresql"
        self.sqlite_utc = vendor == "sqlite" and settings.USE_TZ
        self.periods: dict[int, dt.date] = {}
        if vendor == "sqlite" and settings.USE_TZ:  # what the ORM stores: naive UTC text
            self.adapt_dt: Callable[[dt.datetime], Any] = lambda d: str(
                d.astimezone(dt.UTC).replace(tzinfo=None)
            )
        elif self.postgres:
            self.adapt_dt = lambda d: d
        else:
            self.adapt_dt = lambda d: connection.ops.adapt_datetimefield_value(d)
        if self.postgres:
            check_references_per_statement()

    def _stamps(self, dates: list[dt.datetime], ts: Any) -> list[Any]:
        """``submitted_at`` as the database takes it; on SQLite the ORM's naive UTC text,
        formatted by numpy when no value has microseconds."""
        np = self.np
        if self.postgres:
            return dates
        if self.sqlite_utc and not (ts % 1).any():
            text = np.datetime_as_string(ts.astype(np.int64).astype("datetime64[s]")).tolist()
            return [x.replace("T", " ") for x in text]
        return list(map(self.adapt_dt, dates))

    def _months(self, zone: dt.tzinfo, ts: Any, dates: list[dt.datetime]) -> Any:
        """Local month (year * 12 + month - 1) of each moment in ``zone``, as
        ``date.astimezone(zone)`` gives it: month starts located with ``searchsorted``, and
        every moment within two days of a month start recomputed exactly."""
        np = self.np
        first = dt.datetime.fromtimestamp(float(ts.min()), zone)
        last = dt.datetime.fromtimestamp(float(ts.max()), zone)
        lo = first.year * 12 + first.month - 2  # one month of margin on either side
        hi = last.year * 12 + last.month
        codes = np.arange(lo, hi + 1)
        starts = np.array(
            [dt.datetime(c // 12, c % 12 + 1, 1, tzinfo=zone).timestamp() for c in codes.tolist()]
        )
        k = np.searchsorted(starts, ts, side="right") - 1
        out = codes[np.clip(k, 0, len(codes) - 1)]
        near = np.abs(ts[:, None] - starts[None, :]).min(axis=1) < 2 * 86400
        for i in np.flatnonzero(near).tolist():
            local = dates[i].astimezone(zone)
            out[i] = local.year * 12 + local.month - 1
        return out

    def _stored(self, ext_ids: list[str]) -> dict[str, int]:
        return stored_external_ids(self.campaign_id, ext_ids)

    def write(self, cr: ColumnRows) -> bool:
        v = self.v
        c = cr.chunk
        n = len(c)
        if n == 0:
            return True
        answers = c.answers
        if not v.keyset.issuperset(answers):
            return False
        # --- external ids: skip stored ones; any repeat inside the chunk -> row path
        exts = c.external_ids
        given = [e for e in exts if e is not None]
        if len(set(given)) != len(given):
            return False
        stored = self._stored(given) if given else {}
        seen = self.seen_ext
        keep = None
        if stored or (seen and not seen.keys().isdisjoint(given)):
            keep = [e is None or (e not in stored and e not in seen) for e in exts]
        # --- answers: validated, as a matrix and as JSON (done by the parser process if any)
        pre = cr.prepared if cr.prepared is not None else prepare_answers(v, answers, n)
        if pre is False:
            return False
        X, jsons, ts = pre
        # --- metadata, resolved once per distinct value
        meta = c.meta
        site_col = meta.get("site") or [""] * n
        site_of: dict[Any, int] = {}
        for value in set(site_col):
            sv = value or cr.default_site
            got = self.site_cache.get(sv) if type(sv) in (str, int) else None
            if got is None:
                got = self.sites.resolve(sv)
                if type(sv) in (str, int):
                    self.site_cache[sv] = got
            site, err = got
            if err or site is None:
                return False
            site_of[value] = site.pk
        service_col = meta.get("service") or [""] * n
        service_of: dict[Any, int | None] = {}
        for value in set(service_col):
            sv = value or None
            sgot = self.service_cache.get(sv)
            if sgot is None:
                sgot = self.services.resolve(sv)
                self.service_cache[sv] = sgot
            if sgot[1]:
                return False
            service_of[value] = sgot[0]
        channel_of = {
            value: value if value in VALID_CHANNELS else self.channel
            for value in set(meta.get("channel") or [""])
        }
        language_of = {value: str(value or "")[:10] for value in set(meta.get("language") or [""])}
        # --- all checks passed: from here on the chunk is written
        result = self.result
        sel: Callable[[list[Any]], list[Any]] = list
        if keep is not None:
            for e, k in zip(exts, keep, strict=True):
                if not k:
                    if e in stored:
                        result.existing[e] = stored[e]
                    result.skipped += 1
            rows = [i for i, k in enumerate(keep) if k]
            if not rows:
                return True
            X = X[rows]

            def sel(col: list[Any]) -> list[Any]:
                return [col[i] for i in rows]

            jsons = sel(jsons)
            if ts is not None:
                ts = ts[rows]
        exts = sel(exts)
        site_col, service_col = sel(site_col), sel(service_col)
        dates = sel(c.submitted_at)
        ch_col = sel(meta["channel"]) if "channel" in meta else None
        lang_col = sel(meta["language"]) if "language" in meta else None
        m = len(exts)
        site_ids = list(map(site_of.__getitem__, site_col))
        service_ids = list(map(service_of.__getitem__, service_col))
        channels = list(map(channel_of.__getitem__, ch_col)) if ch_col else [self.channel] * m
        languages = list(map(language_of.__getitem__, lang_col)) if lang_col else [""] * m
        # --- time: submitted (default now, naive = site time), stored text and local month
        tz = self.sites.tz
        if any(d is None or d.tzinfo is None for d in dates):
            now = self.now
            dates = [
                now if d is None else d.replace(tzinfo=tz[sid]) if d.tzinfo is None else d
                for sid, d in zip(site_ids, dates, strict=True)
            ]
            ts = None
        # --- comments: the comment questions' text, one line each
        ckeys = v.comment_keys
        comments: Iterable[str] = repeat("")
        if len(ckeys) == 1 and ckeys[0] in self.text_keys:
            if ckeys[0] in answers:
                comments = [t or "" for t in sel(answers[ckeys[0]])]
        elif ckeys:
            ccols = [sel(answers[k]) for k in ckeys if k in answers]
            if ccols:
                comments = [
                    "\n".join(str(t) for t in texts if t is not None)
                    for texts in zip(*ccols, strict=True)
                ]
        self._store(X, jsons, comments, exts, site_ids, service_ids, channels, languages, dates, ts)
        return True

    def _store(
        self,
        X: Any,
        jsons: list[str],
        comments: Iterable[str],
        exts: list[str | None],
        site_ids: list[int],
        service_ids: list[int | None],
        channels: list[str],
        languages: list[str],
        dates: list[dt.datetime],
        ts: Any,
    ) -> None:
        """Insert valid, resolved rows (aware ``dates``; ``ts`` their timestamps or None) and
        add their measures to the rollup sums: the one insert both column-wise paths use."""
        np = self.np
        tz = self.sites.tz
        m = len(exts)
        if ts is None:
            ts = np.array([d.timestamp() for d in dates])
        stamps = self._stamps(dates, ts)
        sid_arr = np.array(site_ids, dtype=np.int64)
        month = np.empty(m, dtype=np.int64)  # year * 12 + month - 1, in the site's time zone
        for sid in np.unique(sid_arr).tolist():
            rows_of = np.flatnonzero(sid_arr == sid)
            month[rows_of] = self._months(tz[sid], ts[rows_of], [dates[i] for i in rows_of])
        # --- rollup cells: (site, service key, channel, month) -> global cell index
        svc_of = {x: j for j, x in enumerate(dict.fromkeys(service_ids))}
        ch_of = {x: j for j, x in enumerate(dict.fromkeys(channels))}
        svc_keys, ch_keys = list(svc_of), list(ch_of)
        codes = np.stack(
            [
                sid_arr,
                np.array(list(map(svc_of.__getitem__, service_ids)), dtype=np.int64),
                np.array(list(map(ch_of.__getitem__, channels)), dtype=np.int64),
                month,
            ],
            axis=1,
        )
        uniq, inverse = np.unique(codes, axis=0, return_inverse=True)
        groups = self.groups
        gmap = np.empty(len(uniq), dtype=np.intp)
        for j, (sid, si, ci, mc) in enumerate(uniq.tolist()):
            period = self.periods.get(mc)
            if period is None:
                period = self.periods[mc] = dt.date(mc // 12, mc % 12 + 1, 1)
            cell = (sid, svc_keys[si] or 0, ch_keys[ci], period)
            g = groups.get(cell)
            if g is None:
                g = groups[cell] = len(groups)
            gmap[j] = g
        gidx = gmap[inverse.ravel()]
        self._add_sums(X, gidx)
        params = zip(
            repeat(self.campaign_id),
            repeat(self.instrument_id),
            site_ids,
            service_ids,
            channels,
            languages,
            stamps,
            exts,
            jsons,
            comments,
            repeat(self.batch_id),
        )
        table = Response._meta.db_table
        cols_sql = (
            "campaign_id, instrument_id, site_id, service_id, channel, language, submitted_at, "
            "external_id, answers, comment, import_batch_id"
        )
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({cols_sql}) FROM STDIN") as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({cols_sql}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    params,  # type: ignore[arg-type]
                )
        self.result.created += m
        for sid, count in Counter(site_ids).items():
            self.per_site[sid] = self.per_site.get(sid, 0) + count
        self.seen_ext.update(dict.fromkeys(e for e in exts if e is not None))

    def write_rows(self, pending: list[Pending], plan: AnswerPlan, *, write: bool) -> None:
        """Rows the row path screened with :meth:`VectorPlan.quick_ok` (site, service and time
        resolved): checked over columns — failing rows are re-checked with
        :func:`check_answers` for the messages — and, when ``write``, stored by :meth:`_store`."""
        np = self.np
        v = self.v
        result = self.result
        defaults, pick = v.defaults, v.pick
        X = np.array([pick(defaults | p.answers) for p in pending], dtype=float)
        bad = v.invalid(X)
        for k in v.text_required:
            bad |= np.array([k not in p.answers for p in pending])
        bad_rows = np.flatnonzero(bad).tolist()
        for i in bad_rows:
            label = pending[i].label
            _clean, errors = check_answers(plan, pending[i].answers)
            for column, message in errors.items():
                result.errors.append(
                    _("row %(row)s: %(column)s %(message)s")
                    % {"row": label, "column": column, "message": message}
                )
                result.rejected.append((label, column, message))
        if bad_rows:
            X = X[~bad]
            pending = [p for p, b in zip(pending, bad.tolist(), strict=True) if not b]
        if not pending or not write:
            return
        ckeys = v.comment_keys
        self._store(
            X,
            [json.dumps(p.answers) for p in pending],
            ["\n".join(str(p.answers[k]) for k in ckeys if k in p.answers) for p in pending],
            [p.external_id for p in pending],
            [p.site_id for p in pending],
            [p.service_id for p in pending],
            [p.channel for p in pending],
            [p.language for p in pending],
            [p.submitted_at for p in pending],
            None,
        )

    def _add_sums(self, X: Any, gidx: Any) -> None:
        np = self.np
        measures = self.v.measures(X)
        if self.measure_names is None:
            self.measure_names = list(measures)
        names = self.measure_names
        M = np.column_stack([measures[k] for k in names])  # rows × measures
        ok = ~np.isnan(M)
        Mz = np.where(ok, M, 0.0)
        ng = len(self.groups)
        nm = len(names)
        flat = (gidx[:, None] * nm + np.arange(nm)).ravel()
        size = ng * nm
        n = np.bincount(flat, weights=ok.ravel(), minlength=size)
        s1 = np.bincount(flat, weights=Mz.ravel(), minlength=size)
        s2 = np.bincount(flat, weights=(Mz * Mz).ravel(), minlength=size)
        add = np.stack([n, s1, s2]).reshape(3, ng, nm)
        if self.sums is None:
            self.sums = add
        else:
            if self.sums.shape[1] < ng:
                grow = np.zeros((3, ng - self.sums.shape[1], nm))
                self.sums = np.concatenate([self.sums, grow], axis=1)
            self.sums += add

    def flush(self) -> None:
        """Add the accumulated sums to the rollup delta (cells with n > 0 only)."""
        if self.sums is None:
            return
        np = self.np
        names = self.measure_names or []
        gkeys = list(self.groups)
        cells = self.delta.cells
        N, S1, S2 = self.sums
        campaign_id = self.campaign_id
        for g, j in zip(*np.nonzero(N), strict=True):
            site_id, service_key, channel, period = gkeys[g]
            key = (campaign_id, site_id, service_key, channel, period, names[j])
            cell = cells.get(key)
            if cell is None:
                cells[key] = [int(N[g, j]), float(S1[g, j]), float(S2[g, j])]
            else:
                cell[0] += int(N[g, j])
                cell[1] += float(S1[g, j])
                cell[2] += float(S2[g, j])
        self.sums = None
        self.groups = {}


def check_references_per_statement() -> None:
    """PostgreSQL: check the response table's foreign keys at the end of each COPY instead of
    at COMMIT, for the rest of this transaction.

    Django declares foreign keys ``DEFERRABLE INITIALLY DEFERRED``, so a large import queued
    one check per row and reference (five per response) and ran them all at COMMIT, when
    nothing else of the import was left to overlap with: at 1M responses the COMMIT alone took
    23 s. Checked per statement, the same checks run while the parser prepares the next chunk.
    Immediate checking is the stricter mode: every reference is still verified, earlier."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [Response._meta.db_table],
        )
        names = [connection.ops.quote_name(name) for (name,) in cursor.fetchall()]
        if names:
            cursor.execute(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")


def stored_external_ids(campaign_id: int, ext_ids: list[str]) -> dict[str, int]:
    """External id -> id of the campaign's responses already stored under those ids (raw SQL:
    the ORM spends ~10 µs per value compiling a large ``IN``).

    PostgreSQL: one probe of the unique (campaign, external id) index per id. A plain
    ``external_id = ANY(…)`` was planned, during a large import into a table not yet analysed,
    as a scan of every response of the campaign — a cost that grew with each chunk (0.4 s per
    chunk after 200,000 rows, several seconds at 1M); ``LIMIT 1`` in the lateral subquery keeps
    the planner from turning the probes back into that scan."""
    table = Response._meta.db_table
    out: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT r.external_id, r.id FROM unnest(%s::text[]) AS e(x) "
                f"CROSS JOIN LATERAL (SELECT s.external_id, s.id FROM {table} s "
                "WHERE s.campaign_id = %s AND s.external_id = e.x LIMIT 1) AS r",
                [ext_ids, campaign_id],
            )
            out.update(cursor.fetchall())
            return out
        step = 900  # under every SQLite build's variable limit
        for start in range(0, len(ext_ids), step):
            part = ext_ids[start : start + step]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT external_id, id FROM {table} WHERE campaign_id = %s "
                f"AND external_id IN ({marks})",
                [campaign_id, *part],
            )
            out.update(cursor.fetchall())
    return out

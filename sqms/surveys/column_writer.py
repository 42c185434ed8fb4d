"""The column-wise fast path of :func:`sqms.surveys.actions.write_responses` for imports:
:class:`VectorPlan` checks and measures a chunk of answers over columns with numpy,
:class:`ColumnRows` carries a column-wise chunk, :func:`prepare_answers` does the checks
that need no database, and :class:`ColumnWriter` stores a simple chunk with one
``executemany`` (SQLite) or COPY (PostgreSQL).

Also what the row path in :mod:`sqms.surveys.actions` shares with it: :class:`WriteResult`,
the site and service resolvers, and :data:`CHUNK`, the rows per written chunk. Nothing here
checks permissions or records audit events; only ``write_responses`` calls into it, inside
its transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import repeat
from json.encoder import encode_basestring_ascii as json_str  # what json.dumps writes
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from sqms.analytics.servqual import respondent_scores
from sqms.core.models import Service, Site
from sqms.core.scoping import site_ids_in_scope
from sqms.surveys.answers import NUMERIC_KINDS, TEXT_MAX, AnswerPlan, check_answers
from sqms.surveys.choices import QuestionKind, ResponseChannel
from sqms.surveys.models import Campaign, Response
from sqms.surveys.rollups import RollupDelta

#: rows per chunk written (and per chunk parsed from a native CSV); actions and native_pipeline
#: read it as ``column_writer.CHUNK`` when they run, so setting it here changes both
CHUNK = 5000


@dataclass
class WriteResult:
    created: int = 0
    ids: list[int] = field(default_factory=list)  # ids of created responses, in input order
    existing: dict[str, int] = field(default_factory=dict)  # external id -> id already stored
    row_ids: list[int | None] = field(default_factory=list)  # per input row: id (new or existing)
    errors: list[str] = field(default_factory=list)  # "row N: KEY message"
    rejected: list[tuple[Any, str, str]] = field(default_factory=list)  # (row, column, message)
    skipped: int = 0


class SiteResolver:
    """Find a campaign's site from an id, a Site, a code or a name, checking the user's scope."""

    def __init__(self, campaign: Campaign, acting_user: Any) -> None:
        self.sites = {s.pk: s for s in campaign.sites.all()}
        self.by_text: dict[str, Site] = {}
        for s in self.sites.values():
            self.by_text[s.code.lower()] = s
            self.by_text.setdefault(s.name.strip().lower(), s)
        self.scope = site_ids_in_scope(acting_user) if acting_user is not None else None
        self.tz: dict[int, dt.tzinfo] = {
            pk: zoneinfo.ZoneInfo(s.time_zone) for pk, s in self.sites.items()
        }

    def resolve(self, value: Any) -> tuple[Site | None, str | None]:
        if isinstance(value, Site):
            site = self.sites.get(value.pk)
        elif isinstance(value, int):
            site = self.sites.get(value)
        elif isinstance(value, str) and value.strip():
            site = self.by_text.get(value.strip().lower())
            if site is None and value.strip().isdigit():
                site = self.sites.get(int(value.strip()))
        else:
            return None, _("no site given")
        if site is None:
            label = value.code if isinstance(value, Site) else value
            return None, _("site %(site)s is not part of this campaign") % {"site": label}
        if self.scope is not None and site.pk not in self.scope:
            return None, _("site %(site)s is outside your scope") % {"site": site.code}
        return site, None


class ServiceResolver:
    def __init__(self, campaign: Campaign) -> None:
        services = list(campaign.services.all()) or list(Service.objects.all())
        self.by_id = {s.pk: s.pk for s in services}
        self.by_text: dict[str, int] = {}
        for s in services:
            self.by_text[s.code.lower()] = s.pk
            self.by_text.setdefault(s.name.strip().lower(), s.pk)

    def resolve(self, value: Any) -> tuple[int | None, str | None]:
        if value in (None, ""):
            return None, None
        if isinstance(value, Service):
            value = value.pk
        if isinstance(value, int):
            if value in self.by_id:
                return value, None
        elif isinstance(value, str):
            got = self.by_text.get(value.strip().lower())
            if got is None and value.strip().isdigit():
                got = self.by_id.get(int(value.strip()))
            if got is not None:
                return got, None
        return None, _("unknown service %(service)s") % {"service": value}


_VALID_CHANNELS = set(ResponseChannel.values)


_INT_ONLY = {int}
_INT_STR = {int, str}


class VectorPlan:
    """The fast path of :func:`write_responses` for imports: a chunk of rows is validated and
    measured column-wise with numpy (the same rules as :func:`check_answers` and
    :func:`~sqms.surveys.measures.measures_of`; a test checks both paths give equal rollups),
    aggregated per rollup cell, and inserted with one ``executemany``.

    Only for instruments without show-if conditions and choice questions; rows that fail any
    check are re-checked with :func:`check_answers` to get the messages.
    """

    def __init__(self, plan: AnswerPlan) -> None:
        import numpy as np

        self.np = np
        self.ok = (
            bool(plan.checks)
            and not plan.conditional
            and any(c.kind != QuestionKind.TEXT for c in plan.checks)
            and all(c.kind not in (QuestionKind.SINGLE, QuestionKind.MULTI) for c in plan.checks)
        )
        self.text_keys = [k for c in plan.checks if c.kind == QuestionKind.TEXT for k in c.keys]
        num = [(k, c) for c in plan.checks if c.kind != QuestionKind.TEXT for k in c.keys]
        self.keys = [k for k, _c in num]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.defaults = dict.fromkeys(self.keys, float("nan"))
        self.pick = (
            operator.itemgetter(*self.keys)
            if len(self.keys) > 1
            else (lambda d: (d[self.keys[0]],))
        )
        self.keyset = frozenset(self.keys) | frozenset(self.text_keys)
        inf = float("inf")
        self.lo = np.array([c.lo if c.lo is not None else -inf for _k, c in num], dtype=float)
        self.hi = np.array([c.hi if c.hi is not None else inf for _k, c in num], dtype=float)
        self.integer = np.array([c.kind in NUMERIC_KINDS for _k, c in num], dtype=bool)
        self.required = np.array([c.required for _k, c in num], dtype=bool)
        self.text_required = [
            k for c in plan.checks if c.kind == QuestionKind.TEXT and c.required for k in c.keys
        ]
        self.points = [self.index[k] for k in plan.points_keys]
        self.comment_keys = plan.comment_keys
        self.mplan = plan.measure_plan

    def quick_ok(self, answers: Any) -> bool:
        """Cheap per-row screen: known keys, plain ints (or text for text questions)."""
        if type(answers) is not dict or not self.keyset.issuperset(answers):
            return False
        types = set(map(type, answers.values()))
        if types == _INT_ONLY:
            return not any(k in answers for k in self.text_keys)
        if not types <= _INT_STR:
            return False
        texts = 0
        for k in self.text_keys:
            v = answers.get(k)
            if v is not None:
                if type(v) is not str or v != v.strip() or not v or len(v) > TEXT_MAX:
                    return False
                texts += 1
        return sum(1 for v in answers.values() if type(v) is str) == texts

    def measures(self, X: Any) -> dict[str, Any]:
        """Vector form of ``measures_of``: measure name -> column (NaN = not contributed)."""
        from sqms.surveys.measures import GAP_PAIRS

        np = self.np
        n = X.shape[0]
        nan = np.full(n, np.nan)
        out: dict[str, Any] = {"RESP": np.ones(n)}
        plan = self.mplan
        for q in plan.questions:
            if q.kind in ("single", "multi", "text"):
                continue
            for part in q.ratings or ("",):
                key = f"{q.code}.{part}" if part else q.code
                i = self.index.get(key)
                out[key] = X[:, i] if i is not None else nan
            if q.ratings:
                for name, (hi, lo) in GAP_PAIRS.items():
                    if hi in q.ratings and lo in q.ratings:
                        out[f"{q.code}.{name}"] = out[f"{q.code}.{hi}"] - out[f"{q.code}.{lo}"]
                continue
            x = out[q.code]
            if q.role == "overall":
                out["OVERALL"] = x
            elif q.role == "csat":
                out["CSAT"] = x
                top = (q.scale_max or 5) - 1
                out["CSAT.TOP"] = np.where(np.isnan(x), np.nan, (x >= top).astype(float))
            elif q.role == "nps":
                out["NPS"] = x
                out["NPS.PRO"] = np.where(np.isnan(x), np.nan, (x >= 9).astype(float))
                out["NPS.DET"] = np.where(np.isnan(x), np.nan, (x <= 6).astype(float))
            elif q.role == "importance" and q.code in plan.importance:
                out[f"IMP.{plan.importance[q.code]}"] = x
        parts = list(plan.parts)
        suffixes = parts + [g for g, (hi, lo) in GAP_PAIRS.items() if hi in parts and lo in parts]
        dim_gap: dict[str, Any] = {}
        dim_perf: dict[str, Any] = {}
        for dim, codes in plan.dimensions.items():
            for suffix in suffixes:
                cols = [out.get(f"{c}.{suffix}" if suffix else c, nan) for c in codes]
                M = np.column_stack(cols)
                present = ~np.isnan(M)
                count = present.sum(axis=1)
                total = np.where(present, M, 0.0).sum(axis=1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean = np.where(count > 0, total / count, np.nan)
                out[f"DIM.{dim}.{suffix}" if suffix else f"DIM.{dim}"] = mean
                if suffix in plan.parts:
                    out[f"DIMSUM.{dim}.{suffix}" if suffix else f"DIMSUM.{dim}"] = np.where(
                        count == len(codes), total, np.nan
                    )
                if suffix == "GAP":
                    dim_gap[dim] = mean
                if suffix in ("P", ""):
                    dim_perf[dim] = mean
        dims = list(plan.dimensions)
        if dims and len(dim_gap) == len(dims):  # the one rule: sqms.analytics.servqual
            G = np.column_stack([dim_gap[d] for d in dims])
            W = np.column_stack([out.get(f"IMP.{d}", nan) for d in dims])
            out["SQ.GAP"], out["SQ.WGAP"] = respondent_scores(G, W)
        if dims and len(dim_perf) == len(dims):
            out["SQ.PERF"] = respondent_scores(np.column_stack([dim_perf[d] for d in dims]))[0]
        return out

    def invalid(self, X: Any) -> Any:
        """Rows of the score matrix ``X`` that break a range, required or points-sum rule."""
        np = self.np
        present = ~np.isnan(X)
        bad = ((present & ((self.lo > X) | (self.hi < X))).any(axis=1)) | (
            (~present & self.required).any(axis=1)
        )
        if self.points:
            P = X[:, self.points]
            given = ~np.isnan(P)
            bad |= given.any(axis=1) & (np.where(given, P, 0).sum(axis=1) != 100)
        return bad


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


_FRAGMENTS: dict[str, dict[Any, str]] = {}


def prepare_answers(v: VectorPlan, answers: dict[str, list[Any]], n: int) -> Any:
    """The answers of a column-wise chunk checked as :func:`check_answers` does, without the
    messages: ``(X, jsons, ts)`` — the score matrix (NaN = no answer, columns ``v.keys``), each
    row's answers as ``json.dumps`` writes them (keys in column order) and ``ts`` left None —
    or False when any value is not the simple case (the caller then goes row by row).

    Pure (no database): the import's parser process runs it too.
    """
    np = v.np
    if not v.keyset.issuperset(answers):
        return False
    text_keys = v.text_keys
    X = np.full((n, len(v.keys)), np.nan)
    frag_cols: list[list[str]] = []
    for key, col in answers.items():
        values = set(col)
        head = ", " + json_str(key) + ": "
        if key in text_keys:
            for t in values:
                if t is None:
                    continue
                if type(t) is not str or not t or t != t.strip() or len(t) > TEXT_MAX:
                    return False
            frag_cols.append([head + json_str(t) if t is not None else "" for t in col])
            continue
        for x in values:
            if type(x) is not int and x is not None:
                return False
        X[:, v.index[key]] = np.array(col, dtype=float)
        frag = _FRAGMENTS.setdefault(key, {None: ""})
        for x in values:
            if x not in frag:
                frag[x] = head + str(x)
        frag_cols.append(list(map(frag.__getitem__, col)))
    for key in v.text_required:
        tcol = answers.get(key)
        if tcol is None or None in tcol:
            return False
    if v.invalid(X).any():
        return False
    if frag_cols:
        jsons = ["{" + s[2:] + "}" for s in map("".join, zip(*frag_cols, strict=True))]
    else:
        jsons = ["{}"] * n
    return X, jsons, None


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
        """External id -> id of the responses of this campaign already stored (raw SQL: the
        ORM spends ~10 µs per value compiling a large ``IN``)."""
        table = Response._meta.db_table
        out: dict[str, int] = {}
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    f"SELECT external_id, id FROM {table} WHERE campaign_id = %s "
                    "AND external_id = ANY(%s)",
                    [self.campaign_id, ext_ids],
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
                    [self.campaign_id, *part],
                )
                out.update(cursor.fetchall())
        return out

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
            value: value if value in _VALID_CHANNELS else self.channel
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

"""Every write of the surveys app: instruments (with versioning), campaigns, responses, imports.

Views, the API, the CLI, the public form and the demo generator all call these. The response
writer :func:`write_responses` validates answers against the instrument, stores the responses
in chunks and adds their measures to the rollups in the same transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import operator
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from json.encoder import encode_basestring_ascii as json_str  # what json.dumps writes
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction, Channel, Role
from sqms.core.models import Service, Site
from sqms.core.scoping import SITE_EDITORS, ensure_allowed, role_of, site_ids_in_scope
from sqms.surveys import instruments as builtin_defs
from sqms.surveys.choices import (
    CampaignStatus,
    InstrumentKind,
    QuestionKind,
    QuestionRole,
    ResponseChannel,
)
from sqms.surveys.measures import MeasurePlan, MeasureQuestion, measures_of
from sqms.surveys.models import (
    Campaign,
    CampaignSite,
    ImportBatch,
    Instrument,
    MappingPreset,
    Question,
    Response,
    Section,
    SubmissionToken,
)
from sqms.surveys.rollups import RollupDelta

NUMERIC_KINDS = {
    QuestionKind.LIKERT,
    QuestionKind.SCALE_0_10,
    QuestionKind.RATINGS,
    QuestionKind.POINTS,
}
CHUNK = 5000
TEXT_MAX = 5000


# ============================================================================ answer plans


@dataclass(frozen=True)
class QCheck:
    code: str
    kind: str
    role: str
    required: bool
    lo: int | None
    hi: int | None
    keys: tuple[str, ...]
    options: dict[str, Any]  # str(value) -> canonical value
    show_if: tuple[str, frozenset[str]] | None


@dataclass
class AnswerPlan:
    """An instrument's questions compiled for fast validation and measuring."""

    instrument_id: int
    checks: list[QCheck]
    by_key: dict[str, QCheck]
    measure_plan: MeasurePlan
    comment_keys: tuple[str, ...]
    points_keys: tuple[str, ...]
    conditional: bool

    @classmethod
    def build(
        cls, instrument: Instrument, questions: Iterable[Question] | None = None
    ) -> AnswerPlan:
        qs = list(questions if questions is not None else instrument.questions.all())
        checks: list[QCheck] = []
        for q in qs:
            show = None
            if q.show_if and q.show_if.get("question"):
                show = (
                    str(q.show_if["question"]),
                    frozenset(str(v) for v in q.show_if.get("in", [])),
                )
            checks.append(
                QCheck(
                    code=q.code,
                    kind=q.kind,
                    role=q.role,
                    required=q.required,
                    lo=q.scale_min,
                    hi=q.scale_max,
                    keys=tuple(q.answer_keys()),
                    options={str(o.get("value")): o.get("value") for o in q.options or []}
                    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI)
                    else {},
                    show_if=show,
                )
            )
        mplan = MeasurePlan.build(
            MeasureQuestion(
                code=q.code,
                kind=q.kind,
                role=q.role,
                dimension=q.dimension,
                ratings=tuple(q.ratings or ()),
                scale_max=q.scale_max,
            )
            for q in qs
        )
        return cls(
            instrument_id=instrument.pk,
            checks=checks,
            by_key={k: c for c in checks for k in c.keys},
            measure_plan=mplan,
            comment_keys=tuple(c.code for c in checks if c.role == QuestionRole.COMMENT),
            points_keys=tuple(c.code for c in checks if c.kind == QuestionKind.POINTS),
            conditional=any(c.show_if for c in checks),
        )

    def visible(self, check: QCheck, answers: dict[str, Any]) -> bool:
        if check.show_if is None:
            return True
        code, values = check.show_if
        got = answers.get(code)
        if isinstance(got, list):
            return any(str(v) in values for v in got)
        return got is not None and str(got) in values


def _int_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        s = value.strip()
        if s.lstrip("-").isdigit():
            return int(s)
    return None


def check_answers(plan: AnswerPlan, answers: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean ``answers`` against the plan: ``(clean answers, {answer key: error message})``.

    Numbers may arrive as strings (public form) or numbers (API, import). Answers to questions
    hidden by a show-if condition are dropped, and such questions are not required.
    """
    if not isinstance(answers, dict):
        return {}, {"answers": _("answers must be an object keyed by question code")}
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    by_key = plan.by_key
    for key in answers:
        if key not in by_key:
            errors[key] = _("unknown question")
    for check in plan.checks:
        for key in check.keys:
            value = answers.get(key)
            if value is None or value == "" or value == []:
                continue
            x, err = _check_value(check, value)
            if err:
                errors[key] = err
            else:
                clean[key] = x
    if plan.conditional:  # drop hidden answers, in question order so chains work
        for check in plan.checks:
            if not plan.visible(check, clean):
                for key in check.keys:
                    clean.pop(key, None)
                    errors.pop(key, None)
    for check in plan.checks:
        if check.required and plan.visible(check, clean):
            for key in check.keys:
                if key not in clean and key not in errors:
                    errors[key] = _("an answer is required")
    if plan.points_keys:
        given = [clean[k] for k in plan.points_keys if k in clean]
        if given and sum(given) != 100:
            errors[plan.points_keys[0]] = _(
                "the points must add up to 100 (they add up to %(n)s)"
            ) % {"n": sum(given)}
    return clean, errors


def _check_value(check: QCheck, value: Any) -> tuple[Any, str | None]:
    kind = check.kind
    if kind in NUMERIC_KINDS:
        x = _int_value(value)
        if x is None:
            return None, _("%(value)s is not a whole number") % {"value": _short(value)}
        if (check.lo is not None and x < check.lo) or (check.hi is not None and x > check.hi):
            return None, _("%(value)s is out of range %(lo)s–%(hi)s") % {
                "value": x,
                "lo": check.lo,
                "hi": check.hi,
            }
        return x, None
    if kind == QuestionKind.NUMBER:
        x2: float | int | None = _int_value(value)
        if x2 is None:
            try:
                x2 = float(value) if not isinstance(value, bool) else None
            except (TypeError, ValueError):
                x2 = None
        if x2 is None or x2 != x2:
            return None, _("%(value)s is not a number") % {"value": _short(value)}
        if (check.lo is not None and x2 < check.lo) or (check.hi is not None and x2 > check.hi):
            return None, _("%(value)s is out of range %(lo)s–%(hi)s") % {
                "value": x2,
                "lo": check.lo,
                "hi": check.hi,
            }
        return x2, None
    if kind == QuestionKind.SINGLE:
        if isinstance(value, list | dict):
            return None, _("choose one option")
        got = check.options.get(str(value).strip())
        if got is None:
            return None, _("%(value)s is not one of the options") % {"value": _short(value)}
        return got, None
    if kind == QuestionKind.MULTI:
        values = value if isinstance(value, list) else [value]
        out = []
        for v in values:
            got = check.options.get(str(v).strip())
            if got is None:
                return None, _("%(value)s is not one of the options") % {"value": _short(v)}
            if got not in out:
                out.append(got)
        return out, None
    # text
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None, _("expected text")
    text = str(value).strip()
    if len(text) > TEXT_MAX:
        return None, _("the text is longer than %(n)d characters") % {"n": TEXT_MAX}
    return text, None


def _short(value: Any) -> str:
    s = repr(value) if not isinstance(value, str) else f"“{value}”"
    return s if len(s) <= 40 else s[:37] + "…"


# ============================================================================ responses


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


def ensure_may_write_responses(campaign: Campaign, acting_user: Any) -> None:
    if acting_user is None:
        return
    if role_of(acting_user) not in SITE_EDITORS:
        raise PermissionDenied(_("Your role may not add survey responses."))
    if not Campaign.objects.restrict(acting_user, "view").filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("You may not add responses to this campaign."))


def ensure_campaign_takes_responses(campaign: Campaign) -> None:
    if campaign.is_closed:
        raise ValidationError(
            _("Campaign %(campaign)s is closed and takes no more responses.")
            % {"campaign": campaign}
        )


_VALID_CHANNELS = set(ResponseChannel.values)


def write_responses(
    campaign: Campaign,
    rows: Iterable[dict[str, Any]],
    *,
    channel: str,
    acting_user: Any,
    import_batch: ImportBatch | None = None,
    skip_invalid: bool = False,
    plan: AnswerPlan | None = None,
    want_ids: bool = True,
    progress: Callable[[int], None] | None = None,
    fast: bool = False,
) -> WriteResult:
    """Validate and store responses, and add their measures to the rollups, atomically.

    Each row is a dict: ``answers`` (keyed ``SQ01.E`` …), ``site`` (Site, id, code or name),
    and optionally ``service``, ``submitted_at`` (aware or naive in the site's time zone;
    default now), ``external_id``, ``language``, ``channel`` (a valid response channel
    overrides ``channel``, so exports re-import unchanged) and ``row`` (the label used in
    error messages, default the 1-based position).

    A row whose external id is already stored for this campaign (or repeats an earlier row)
    stores nothing and reports the existing id. Any invalid row makes the whole call fail
    with a ``ValidationError`` listing ``row N: KEY message`` — unless ``skip_invalid``, when
    valid rows are stored and invalid ones reported in ``rejected``.

    ``fast=True`` (imports, the demo; needs ``want_ids=False``) validates, measures and inserts
    each chunk column-wise (:class:`VectorPlan`); the result is the same as row by row.
    ``rows`` may also hold :class:`ColumnRows` (column-wise chunks, as ``do_import_file`` passes
    for SQMS's own CSV), written by :class:`_ColumnWriter` on the fast path.
    """
    ensure_campaign_takes_responses(campaign)
    ensure_may_write_responses(campaign, acting_user)
    with transaction.atomic():
        return _write(
            campaign,
            rows,
            channel=channel,
            acting_user=acting_user,
            import_batch=import_batch,
            skip_invalid=skip_invalid,
            plan=plan,
            want_ids=want_ids,
            progress=progress,
            fast=fast,
        )


def _write(
    campaign: Campaign,
    rows: Iterable[dict[str, Any]],
    *,
    channel: str,
    acting_user: Any,
    import_batch: ImportBatch | None,
    skip_invalid: bool,
    plan: AnswerPlan | None,
    want_ids: bool,
    progress: Callable[[int], None] | None,
    fast: bool = False,
) -> WriteResult:
    plan = plan or AnswerPlan.build(campaign.instrument)
    vplan = VectorPlan(plan) if fast and not want_ids else None
    if vplan is not None and not vplan.ok:
        vplan = None
    sites = SiteResolver(campaign, acting_user)
    services = ServiceResolver(campaign)
    result = WriteResult()
    delta = RollupDelta()
    per_site: dict[int, int] = {}
    seen_ext: dict[str, int | None] = {}
    now = timezone.now()
    mplan = plan.measure_plan
    batch_id = import_batch.pk if import_batch is not None else None
    instrument_id = campaign.instrument_id
    campaign_id = campaign.pk
    comment_keys = plan.comment_keys
    add = delta.add
    month_cache: dict[tuple[int, int], dt.date] = {}
    site_cache: dict[Any, tuple[Site | None, str | None]] = {}
    service_cache: dict[Any, tuple[int | None, str | None]] = {}

    def flush(buffer: list[tuple[int, Response]]) -> None:
        if not buffer:
            return
        objs = [r for _i, r in buffer]
        Response.objects.bulk_create(objs, batch_size=500)
        for i, r in buffer:
            if want_ids:
                result.row_ids[i] = r.pk
                result.ids.append(r.pk)  # type: ignore[arg-type]
        buffer.clear()

    columns = (
        _ColumnWriter(
            vplan,
            result,
            delta,
            per_site,
            seen_ext,
            sites=sites,
            site_cache=site_cache,
            services=services,
            service_cache=service_cache,
            channel=channel,
            now=now,
            campaign_id=campaign_id,
            instrument_id=instrument_id,
            batch_id=batch_id,
        )
        if vplan is not None
        else None
    )
    for chunk in _chunks(rows, CHUNK):
        if isinstance(chunk, ColumnRows):  # a column-wise chunk (native CSV import)
            writable = columns is not None and not (result.errors and not skip_invalid)
            if writable and columns.write(chunk):  # type: ignore[union-attr]
                if progress is not None:
                    progress(len(chunk.chunk))
                continue
            chunk = chunk.dicts()  # not the simple case: row by row, with the messages
        ext_ids = [str(r["external_id"]) for r in chunk if r.get("external_id")]
        stored: dict[str, int] = {}
        if ext_ids:
            stored = dict(
                Response.objects.filter(
                    campaign_id=campaign_id, external_id__in=ext_ids
                ).values_list("external_id", "id")
            )
        buffer: list[tuple[int, Response]] = []
        pending: list[tuple[Any, ...]] = []
        for row in chunk:
            index = len(result.row_ids)
            label = row.get("row", index + 1)
            result.row_ids.append(None)
            ext = row.get("external_id")
            ext = str(ext) if ext not in (None, "") else None
            if ext is not None:
                if ext in stored:
                    result.existing[ext] = stored[ext]
                    result.row_ids[index] = stored[ext]
                    result.skipped += 1
                    continue
                if ext in seen_ext:
                    result.skipped += 1
                    continue
            row_errors: list[tuple[str, str]] = []
            site_value = row.get("site")
            got = site_cache.get(site_value) if type(site_value) in (str, int) else None
            if got is None:
                got = sites.resolve(site_value)
                if type(site_value) in (str, int):
                    site_cache[site_value] = got
            site, err = got
            if err:
                row_errors.append(("@site", err))
            service_value = row.get("service")
            got = (
                service_cache.get(service_value)
                if type(service_value) in (str, int, type(None))
                else None
            )
            if got is None:
                got = services.resolve(service_value)
                if type(service_value) in (str, int, type(None)):
                    service_cache[service_value] = got
            service_id, err = got
            if err:
                row_errors.append(("@service", err))
            raw = row.get("answers")
            if vplan is not None and vplan.quick_ok(raw):
                answers, answer_errors = raw, {}
            else:
                answers, answer_errors = check_answers(plan, raw)
                raw = None
            row_errors.extend(answer_errors.items())
            submitted = row.get("submitted_at") or now
            if isinstance(submitted, str):
                try:
                    submitted = dt.datetime.fromisoformat(submitted)
                except ValueError:
                    row_errors.append(
                        ("@submitted_at", _("%(value)s is not a date") % {"value": submitted})
                    )
                    submitted = now
            if site is not None and submitted.tzinfo is None:
                submitted = submitted.replace(tzinfo=sites.tz[site.pk])
            if row_errors:
                for column, message in row_errors:
                    result.errors.append(
                        _("row %(row)s: %(column)s %(message)s")
                        % {"row": label, "column": column, "message": message}
                    )
                    result.rejected.append((label, column, message))
                continue
            assert site is not None
            if ext is not None:
                seen_ext[ext] = None
            row_channel = row.get("channel")
            if row_channel not in _VALID_CHANNELS:
                row_channel = channel
            local = submitted.astimezone(sites.tz[site.pk])
            key = (local.year, local.month)
            period = month_cache.get(key)
            if period is None:
                period = month_cache[key] = dt.date(local.year, local.month, 1)
            language = str(row.get("language") or "")[:10]
            if raw is not None:  # fast path: validated and measured per chunk, with numpy
                pending.append(
                    (label, site.pk, service_id, row_channel, period, submitted, ext, language, raw)
                )
                continue
            comment = "\n".join(str(answers[k]) for k in comment_keys if k in answers)
            response = Response(
                campaign_id=campaign_id,
                instrument_id=instrument_id,
                site_id=site.pk,
                service_id=service_id,
                channel=row_channel,
                language=language,
                submitted_at=submitted,
                external_id=ext,
                answers=answers,
                comment=comment,
                import_batch_id=batch_id,
            )
            buffer.append((index, response))
            add(
                campaign_id=campaign_id,
                site_id=site.pk,
                service_key=service_id or 0,
                channel=row_channel,
                period=period,
                measures=measures_of(mplan, answers),
            )
            per_site[site.pk] = per_site.get(site.pk, 0) + 1
            result.created += 1
        if pending:
            assert vplan is not None
            for site_id, n in vplan.write_chunk(
                pending,
                plan,
                result,
                delta,
                campaign_id,
                instrument_id,
                batch_id,
                write=not (result.errors and not skip_invalid),
            ).items():
                per_site[site_id] = per_site.get(site_id, 0) + n
        if result.errors and not skip_invalid:
            buffer.clear()
            if len(result.errors) > 1000:
                break
            continue
        flush(buffer)
        if len(delta.cells) > 200_000:
            apply_rollups(delta)
        if progress is not None:
            progress(len(chunk))
    if result.errors and not skip_invalid:
        raise ValidationError(result.errors[:1000])
    if columns is not None:
        columns.flush()
    apply_rollups(delta)
    for site_id, n in per_site.items():
        CampaignSite.objects.filter(campaign_id=campaign_id, site_id=site_id).update(
            response_count=F("response_count") + n
        )
    return result


def apply_rollups(delta: RollupDelta) -> int:
    """``delta.apply()``, except on PostgreSQL with many cells: COPY the cells into a temporary
    table and merge them with one ``INSERT … SELECT … ON CONFLICT`` (the multi-row VALUES upsert
    costs ~0.1 ms per cell there, mostly in client-side query parsing)."""
    if connection.vendor != "postgresql" or len(delta.cells) < 2000:
        return delta.apply()
    from sqms.surveys.models import Rollup

    table = Rollup._meta.db_table
    cols = "campaign_id, site_id, service_key, channel, period, measure, n, total, total_sq"
    sign = delta.sign
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS sqms_rollup_delta (campaign_id bigint, site_id bigint, "
            "service_key integer, channel varchar(10), period date, measure varchar(80), n integer, "
            "total double precision, total_sq double precision) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE sqms_rollup_delta")
        with cursor.cursor.copy(f"COPY sqms_rollup_delta ({cols}) FROM STDIN") as copy:
            for key, v in delta.cells.items():
                copy.write_row((*key, sign * int(v[0]), sign * v[1], sign * v[2]))
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM sqms_rollup_delta "
            "ON CONFLICT (campaign_id, site_id, service_key, channel, period, measure) DO UPDATE SET "
            f"n = {table}.n + excluded.n, total = {table}.total + excluded.total, "
            f"total_sq = {table}.total_sq + excluded.total_sq"
        )
    touched = len(delta.cells)
    delta.cells = {}
    return touched


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
        if dims and len(dim_gap) == len(dims):
            G = np.column_stack([dim_gap[d] for d in dims])
            sq = G.mean(axis=1)  # NaN unless every dimension has a gap
            out["SQ.GAP"] = sq
            W = np.column_stack([out.get(f"IMP.{d}", nan) for d in dims])
            wtotal = W.sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                out["SQ.WGAP"] = np.where(
                    ~np.isnan(sq) & (wtotal > 0), (G * W).sum(axis=1) / wtotal, np.nan
                )
        if dims and len(dim_perf) == len(dims):
            out["SQ.PERF"] = np.column_stack([dim_perf[d] for d in dims]).mean(axis=1)
        return out

    def write_chunk(
        self,
        pending: list[tuple[Any, ...]],
        plan: AnswerPlan,
        result: WriteResult,
        delta: RollupDelta,
        campaign_id: int,
        instrument_id: int,
        batch_id: int | None,
        *,
        write: bool,
    ) -> dict[int, int]:
        """Validate, measure and insert one chunk; returns responses added per site."""
        np = self.np
        defaults, pick = self.defaults, self.pick
        X = np.array([pick(defaults | a) for *_m, a in pending], dtype=float)
        present = ~np.isnan(X)
        bad = ((present & ((self.lo > X) | (self.hi < X))).any(axis=1)) | (
            (~present & self.required).any(axis=1)
        )
        if self.points:
            P = X[:, self.points]
            given = ~np.isnan(P)
            bad |= given.any(axis=1) & (np.where(given, P, 0).sum(axis=1) != 100)
        for k in self.text_required:
            bad |= np.array([k not in a for *_m, a in pending])
        bad_rows = np.flatnonzero(bad)
        for i in bad_rows:
            label = pending[i][0]
            _clean, errors = check_answers(plan, pending[i][-1])
            for column, message in errors.items():
                result.errors.append(
                    _("row %(row)s: %(column)s %(message)s")
                    % {"row": label, "column": column, "message": message}
                )
                result.rejected.append((label, column, message))
        if len(bad_rows):
            keep = ~bad
            X = X[keep]
            pending = [p for p, k in zip(pending, keep, strict=True) if k]
        if not pending or not write:
            return {}
        # rollups: group rows by cell, then n, Σx, Σx² per measure with bincount
        groups: dict[tuple[int, int, str, dt.date], int] = {}
        gidx = np.array(
            [groups.setdefault((p[1], p[2] or 0, p[3], p[4]), len(groups)) for p in pending],
            dtype=np.intp,
        )
        ng = len(groups)
        cells = delta.cells
        gkeys = list(groups)
        for measure, col in self.measures(X).items():
            ok = ~np.isnan(col)
            if not ok.any():
                continue
            g, v = gidx[ok], col[ok]
            n = np.bincount(g, minlength=ng)
            s1 = np.bincount(g, weights=v, minlength=ng)
            s2 = np.bincount(g, weights=v * v, minlength=ng)
            for j in np.flatnonzero(n):
                site_id, service_key, channel, period = gkeys[j]
                key = (campaign_id, site_id, service_key, channel, period, measure)
                cell = cells.get(key)
                if cell is None:
                    cells[key] = [int(n[j]), float(s1[j]), float(s2[j])]
                else:
                    cell[0] += int(n[j])
                    cell[1] += float(s1[j])
                    cell[2] += float(s2[j])
        # responses: one executemany, values adapted like the ORM does
        ops = connection.ops
        adapt_dt = ops.adapt_datetimefield_value
        if connection.vendor == "sqlite" and settings.USE_TZ:  # what the ORM stores: naive UTC text

            def adapt_dt(value: dt.datetime) -> str:
                return str(value.astimezone(dt.UTC).replace(tzinfo=None))

        adapt_json = ops.adapt_json_value
        comment_keys = self.comment_keys
        params = []
        per_site: dict[int, int] = {}
        for _label, site_id, service_id, channel, _period, submitted, ext, language, a in pending:
            comment = "\n".join(str(a[k]) for k in comment_keys if k in a) if comment_keys else ""
            params.append(
                (
                    campaign_id,
                    instrument_id,
                    site_id,
                    service_id,
                    channel,
                    language,
                    adapt_dt(submitted),
                    ext,
                    adapt_json(a, None),
                    comment,
                    batch_id,
                )
            )
            per_site[site_id] = per_site.get(site_id, 0) + 1
        table = Response._meta.db_table
        cols = (
            "campaign_id, instrument_id, site_id, service_id, channel, language, submitted_at, "
            "external_id, answers, comment, import_batch_id"
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: far faster than INSERT on PostgreSQL
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in params:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({cols}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    params,
                )
        result.created += len(params)
        return per_site


@dataclass
class ColumnRows:
    """A column-wise chunk of mapped rows (``importers.NativeChunk``) for :func:`write_responses`.

    ``do_import_file`` feeds these instead of row dicts for SQMS's own CSV; rows without a site
    take ``default_site`` (a site id). On the fast path they are written column by column
    (:class:`_ColumnWriter`); otherwise, or when a chunk is not the simple case, they become
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
    present = ~np.isnan(X)
    bad = ((present & ((v.lo > X) | (v.hi < X))).any(axis=1)) | (
        (~present & v.required).any(axis=1)
    )
    if v.points:
        P = X[:, v.points]
        pg = ~np.isnan(P)
        bad |= pg.any(axis=1) & (np.where(pg, P, 0).sum(axis=1) != 100)
    for key in v.text_required:
        tcol = answers.get(key)
        if tcol is None or None in tcol:
            return False
    if bad.any():
        return False
    if frag_cols:
        jsons = ["{" + s[2:] + "}" for s in map("".join, zip(*frag_cols, strict=True))]
    else:
        jsons = ["{}"] * n
    return X, jsons, None


class _ColumnWriter:
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
        np = self.np
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
        # --- the responses
        ckeys = v.comment_keys
        comments: Iterable[str] = repeat("")
        if len(ckeys) == 1 and ckeys[0] in self.text_keys:
            if ckeys[0] in answers:
                comments = [t or "" for t in sel(answers[ckeys[0]])]
        elif ckeys:
            ccols = [sel(answers[k]) for k in ckeys if k in answers]
            if ccols:
                comments = [
                    "\n".join(str(t) for t in ts if t is not None)
                    for ts in zip(*ccols, strict=True)
                ]
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
        result.created += m
        for sid, count in Counter(site_ids).items():
            self.per_site[sid] = self.per_site.get(sid, 0) + count
        self.seen_ext.update(dict.fromkeys(e for e in exts if e is not None))
        return True

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


def _chunks(rows: Iterable[Any], size: int) -> Iterator[Any]:
    """Lists of up to ``size`` row dicts; :class:`ColumnRows` items pass through as they are."""
    chunk: list[dict[str, Any]] = []
    for r in rows:
        if isinstance(r, ColumnRows):
            if chunk:
                yield chunk
                chunk = []
            yield r
            continue
        chunk.append(r)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ============================================================================ public form


class SubmissionRefused(Exception):
    """The public form cannot take this submission; the message says why, politely."""


@transaction.atomic
def submit_public_response(
    campaign_site: CampaignSite,
    token: str,
    answers: dict[str, Any],
    *,
    language: str,
    service: Any = None,
) -> tuple[Response | None, bool]:
    """Store one public-form response under a one-time token: ``(response, created)``.

    A replayed token returns the response it stored the first time and stores nothing.
    """
    tok = (
        SubmissionToken.objects.select_for_update()
        .filter(token=token, campaign_site=campaign_site)
        .first()
    )
    if tok is None:
        raise SubmissionRefused(_("This form has expired. Please reload the page and try again."))
    if tok.used_at is not None:
        return tok.response, False
    cs = (
        CampaignSite.objects.select_for_update().select_related("campaign").get(pk=campaign_site.pk)
    )
    campaign = cs.campaign
    if not campaign.is_accepting():
        raise SubmissionRefused(_("This survey is not taking responses at the moment."))
    if cs.is_full:
        raise SubmissionRefused(
            _("This survey has received all the responses it needs. Thank you!")
        )
    result = write_responses(
        campaign,
        [{"answers": answers, "site": cs.site_id, "service": service, "language": language}],
        channel=ResponseChannel.PUBLIC,
        acting_user=None,
    )
    response = Response.objects.get(pk=result.ids[0])
    tok.used_at = timezone.now()
    tok.response = response
    tok.save(update_fields=["used_at", "response"])
    return response, True


def issue_token(campaign_site: CampaignSite) -> str:
    import secrets

    raw = secrets.token_urlsafe(24)
    SubmissionToken.objects.create(token=raw, campaign_site=campaign_site)
    return raw


# ============================================================================ instruments


def _ensure_qm(acting_user: Any) -> None:
    if acting_user is not None and role_of(acting_user) != Role.QUALITY_MANAGER:
        raise PermissionDenied(_("Only a quality manager may do this."))


@transaction.atomic
def do_install_builtins(*, acting_user: Any, channel: str) -> list[Instrument]:
    """Create the built-in instruments that do not exist yet; returns the ones created."""
    _ensure_qm(acting_user)
    created = []
    existing = set(Instrument.objects.filter(is_builtin=True).values_list("code", flat=True))
    for d in builtin_defs.BUILTINS:
        if d.code in existing or Instrument.objects.filter(code=d.code).exists():
            continue
        inst = Instrument.objects.create(
            code=d.code,
            kind=d.kind,
            name_zh=d.name_zh,
            name_en=d.name_en,
            intro_zh=d.intro_zh,
            intro_en=d.intro_en,
            is_builtin=True,
        )
        order = 0
        questions = []
        for s_order, sd in enumerate(d.sections):
            section = Section.objects.create(
                instrument=inst, order=s_order, title_zh=sd.title_zh, title_en=sd.title_en
            )
            for qd in sd.questions:
                order += 1
                questions.append(
                    Question(
                        instrument=inst,
                        section=section,
                        order=order,
                        code=qd.code,
                        kind=qd.kind,
                        role=qd.role,
                        text_zh=qd.text_zh,
                        text_en=qd.text_en,
                        dimension=qd.dimension,
                        required=qd.required,
                        scale_min=qd.scale_min,
                        scale_max=qd.scale_max,
                        options=list(qd.options),
                        ratings=list(qd.ratings),
                        show_if=dict(qd.show_if),
                    )
                )
        Question.objects.bulk_create(questions)
        audit.record(inst, AuditAction.CREATE, actor=acting_user, channel=channel)
        created.append(inst)
    return created


@transaction.atomic
def do_create_instrument(data: dict[str, Any], *, acting_user: Any, channel: str) -> Instrument:
    _ensure_qm(acting_user)
    inst = Instrument(kind=data.pop("kind", InstrumentKind.CUSTOM), **data)
    if Instrument.objects.filter(code=inst.code).exists():
        raise ValidationError({"code": _("An instrument with this code already exists.")})
    inst.full_clean()
    inst.save()
    audit.record(inst, AuditAction.CREATE, actor=acting_user, channel=channel)
    return inst


def has_responses(instrument: Instrument) -> bool:
    return Response.objects.filter(instrument=instrument).exists()


def _editable(
    instrument: Instrument, *, acting_user: Any, channel: str
) -> tuple[Instrument, dict[int, int], dict[int, int]]:
    """The instrument to change: itself, or a new version when it already has responses.

    Returns (instrument, old question id → new id, old section id → new id).
    """
    _ensure_qm(acting_user)
    if not instrument.is_current:
        raise ValidationError(
            _("Version %(v)s is not the current version of %(code)s; edit the current one.")
            % {"v": instrument.version, "code": instrument.code}
        )
    if not has_responses(instrument):
        return instrument, {}, {}
    old_pk = instrument.pk
    version = (
        Instrument.objects.filter(code=instrument.code).aggregate(v=Max("version"))["v"] or 0
    ) + 1
    Instrument.objects.filter(pk=old_pk).update(is_current=False)
    new = Instrument.objects.get(pk=old_pk)
    new.pk = None
    new.id = None
    new.version = version
    new.previous_id = old_pk
    new.is_current = True
    new.save()
    section_map: dict[int, int] = {}
    for s in Section.objects.filter(instrument_id=old_pk):
        old_sid = s.pk
        s.pk = None
        s.id = None
        s.instrument = new
        s.save()
        section_map[old_sid] = s.pk
    question_map: dict[int, int] = {}
    for q in Question.objects.filter(instrument_id=old_pk):
        old_qid = q.pk
        q.pk = None
        q.id = None
        q.instrument = new
        q.section_id = section_map.get(q.section_id) if q.section_id else None
        q.save()
        question_map[old_qid] = q.pk
    Campaign.objects.filter(instrument_id=old_pk, status=CampaignStatus.DRAFT).update(
        instrument=new
    )
    audit.record(
        new,
        AuditAction.CREATE,
        actor=acting_user,
        channel=channel,
        after={
            **audit.snapshot(new),
            "reason": f"new version of v{version - 1}, which has responses",
        },
    )
    return new, question_map, section_map


@transaction.atomic
def do_update_instrument(
    instrument: Instrument, data: dict[str, Any], *, acting_user: Any, channel: str
) -> Instrument:
    data.pop("code", None)
    inst, _q, _s = _editable(instrument, acting_user=acting_user, channel=channel)
    before = audit.snapshot(inst)
    for k, v in data.items():
        setattr(inst, k, v)
    inst.full_clean()
    inst.save()
    audit.record(inst, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return inst


@transaction.atomic
def do_delete_instrument(instrument: Instrument, *, acting_user: Any, channel: str) -> None:
    _ensure_qm(acting_user)
    if Campaign.objects.filter(instrument=instrument).exists():
        raise ValidationError(_("This instrument is used by campaigns and cannot be deleted."))
    if Instrument.objects.filter(previous=instrument).exists():
        raise ValidationError(_("A later version builds on this one; delete that first."))
    before = audit.snapshot(instrument)
    audit.record(instrument, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    prev = instrument.previous_id
    instrument.delete()
    if prev:
        Instrument.objects.filter(pk=prev).update(is_current=True)


QUESTION_FIELDS = (
    "section",
    "order",
    "code",
    "kind",
    "role",
    "text_zh",
    "text_en",
    "dimension",
    "required",
    "scale_min",
    "scale_max",
    "options",
    "ratings",
    "show_if",
)


def _question_snapshot(q: Question) -> dict[str, Any]:
    import json

    out: dict[str, Any] = {}
    for k in QUESTION_FIELDS:
        if k == "section":
            continue
        v = getattr(q, k)
        out[f"{q.code}.{k}"] = (
            json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
        )
    return out


def validate_question(q: Question) -> None:
    errors: dict[str, str] = {}
    numeric = q.kind in NUMERIC_KINDS or q.kind == QuestionKind.NUMBER
    if q.kind in NUMERIC_KINDS:
        if q.scale_min is None or q.scale_max is None:
            errors["scale_max"] = _("A rating question needs a lowest and a highest value.")
        elif q.scale_max <= q.scale_min:
            errors["scale_max"] = _("The highest value must be above the lowest.")
        elif q.scale_max - q.scale_min > 100:
            errors["scale_max"] = _("A scale may have at most 101 points.")
    if q.kind == QuestionKind.SCALE_0_10:
        q.scale_min, q.scale_max = 0, 10
        errors.pop("scale_max", None)
    if q.kind == QuestionKind.POINTS:
        q.scale_min, q.scale_max = 0, 100
        errors.pop("scale_max", None)
    if not numeric:
        q.scale_min = q.scale_max = None if q.kind != QuestionKind.NUMBER else q.scale_min
    if q.kind == QuestionKind.RATINGS:
        if not q.ratings or len(set(q.ratings)) != len(q.ratings):
            errors["ratings"] = _("List the rating parts, e.g. E, P.")
        elif any(not str(p).isalnum() or len(str(p)) > 4 for p in q.ratings):
            errors["ratings"] = _("Rating parts are short codes of letters and digits, e.g. E, P.")
    else:
        q.ratings = []
    if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        values = [str(o.get("value")) for o in q.options]
        if len(values) < 2:
            errors["options"] = _("A choice question needs at least two options.")
        elif len(set(values)) != len(values):
            errors["options"] = _("Option values must differ.")
    if q.show_if:
        code = q.show_if.get("question")
        target = (
            Question.objects.filter(instrument_id=q.instrument_id, code=code)
            .exclude(pk=q.pk)
            .first()
        )
        if target is None:
            errors["show_if"] = _(
                "Show-if refers to question %(code)s, which this instrument lacks."
            ) % {"code": code}
        elif target.order >= q.order:
            errors["show_if"] = _("Show-if must refer to an earlier question.")
    if q.role in (QuestionRole.OVERALL, QuestionRole.CSAT, QuestionRole.NPS) and not numeric:
        errors["role"] = _("This measure needs a rating question.")
    if q.role == QuestionRole.COMMENT and q.kind != QuestionKind.TEXT:
        errors["role"] = _("A comment must be a free-text question.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_save_question(
    instrument: Instrument,
    question: Question | None,
    data: dict[str, Any],
    *,
    acting_user: Any,
    channel: str,
) -> tuple[Instrument, Question]:
    """Add or change a question; on an instrument with responses this makes a new version."""
    inst, qmap, smap = _editable(instrument, acting_user=acting_user, channel=channel)
    if question is not None:
        q = Question.objects.get(pk=qmap.get(question.pk, question.pk))
        before = _question_snapshot(q)
        if data.get("order") in (None, ""):
            data.pop("order", None)
    else:
        q = Question(instrument=inst)
        before = {}
        if data.get("order") in (None, ""):
            data["order"] = (inst.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    section = data.pop("section", None)
    if section is not None:
        q.section_id = smap.get(section.pk, section.pk) if isinstance(section, Section) else section
    else:
        q.section_id = None
    for k, v in data.items():
        setattr(q, k, v)
    if Question.objects.filter(instrument=inst, code=q.code).exclude(pk=q.pk).exists():
        raise ValidationError({"code": _("Another question of this instrument has this code.")})
    q.full_clean(exclude=["instrument", "section"])
    validate_question(q)
    q.save()
    audit.record(
        inst,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        after=_question_snapshot(q),
    )
    return inst, q


@transaction.atomic
def do_delete_question(
    instrument: Instrument, question: Question, *, acting_user: Any, channel: str
) -> Instrument:
    inst, qmap, _s = _editable(instrument, acting_user=acting_user, channel=channel)
    q = Question.objects.get(pk=qmap.get(question.pk, question.pk))
    if Question.objects.filter(instrument=inst, show_if__question=q.code).exists():
        raise ValidationError(
            _("Another question's show-if refers to %(code)s.") % {"code": q.code}
        )
    before = _question_snapshot(q)
    q.delete()
    audit.record(
        inst, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before, after={}
    )
    return inst


@transaction.atomic
def do_save_section(
    instrument: Instrument,
    section: Section | None,
    data: dict[str, Any],
    *,
    acting_user: Any,
    channel: str,
) -> tuple[Instrument, Section]:
    inst, _q, smap = _editable(instrument, acting_user=acting_user, channel=channel)
    if section is not None:
        s = Section.objects.get(pk=smap.get(section.pk, section.pk))
    else:
        s = Section(instrument=inst)
    before = {f"section {s.order}": s.title} if s.pk else {}
    for k, v in data.items():
        setattr(s, k, v)
    s.save()
    audit.record(
        inst,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        after={f"section {s.order}": s.title},
    )
    return inst, s


# ============================================================================ campaigns


def _set_sites(campaign: Campaign, sites: list[Site], quotas: dict[int, int | None]) -> None:
    wanted = {s.pk for s in sites}
    current = {cs.site_id: cs for cs in campaign.campaign_sites.all()}
    for site_id, cs in current.items():
        if site_id not in wanted:
            if Response.objects.filter(campaign=campaign, site_id=site_id).exists():
                raise ValidationError(
                    {
                        "sites": _("Site %(site)s already has responses and cannot be removed.")
                        % {"site": cs.site}
                    }
                )
            cs.delete()
    for s in sites:
        cs = current.get(s.pk)
        quota = quotas.get(s.pk)
        if cs is None:
            CampaignSite.objects.create(campaign=campaign, site=s, quota=quota)
        elif cs.quota != quota:
            cs.quota = quota
            cs.save(update_fields=["quota"])


def _check_campaign(campaign: Campaign) -> None:
    if campaign.opens_on and campaign.closes_on and campaign.closes_on < campaign.opens_on:
        raise ValidationError({"closes_on": _("The campaign cannot close before it opens.")})


@transaction.atomic
def do_create_campaign(
    data: dict[str, Any],
    *,
    quotas: dict[int, int | None] | None = None,
    acting_user: Any,
    channel: str,
) -> Campaign:
    ensure_allowed(acting_user, "add", Campaign)
    data = dict(data)
    sites = list(data.pop("sites", []))
    services = list(data.pop("services", []))
    if not sites:
        raise ValidationError({"sites": _("Choose at least one site.")})
    campaign = Campaign(created_by=acting_user if acting_user is not None else None, **data)
    if not campaign.instrument.is_current:
        raise ValidationError({"instrument": _("Choose the current version of the instrument.")})
    campaign.full_clean(exclude=["created_by"])
    _check_campaign(campaign)
    campaign.save()
    campaign.services.set(services)
    _set_sites(campaign, sites, quotas or {})
    audit.record(campaign, AuditAction.CREATE, actor=acting_user, channel=channel)
    return campaign


@transaction.atomic
def do_update_campaign(
    campaign: Campaign,
    data: dict[str, Any],
    *,
    quotas: dict[int, int | None] | None = None,
    acting_user: Any,
    channel: str,
) -> Campaign:
    ensure_allowed(acting_user, "change", campaign)
    audit.ensure_open(campaign)
    before = audit.snapshot(campaign)
    data = dict(data)
    sites = data.pop("sites", None)
    services = data.pop("services", None)
    changes_instrument = "instrument" in data and data["instrument"] != campaign.instrument
    if changes_instrument and Response.objects.filter(campaign=campaign).exists():
        raise ValidationError(
            {"instrument": _("The campaign has responses; its instrument cannot change.")}
        )
    for k, v in data.items():
        setattr(campaign, k, v)
    campaign.full_clean(exclude=["created_by"])
    _check_campaign(campaign)
    campaign.save()
    if services is not None:
        campaign.services.set(services)
    if sites is not None:
        if not sites:
            raise ValidationError({"sites": _("Choose at least one site.")})
        _set_sites(campaign, list(sites), quotas or {})
    audit.record(campaign, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return campaign


def _set_status(
    campaign: Campaign, status: str, event: str, *, acting_user: Any, channel: str
) -> Campaign:
    ensure_allowed(acting_user, "change", campaign)
    audit.ensure_open(campaign)
    before = audit.snapshot(campaign)
    campaign.status = status
    campaign.save(update_fields=["status"])
    audit.record(campaign, event, actor=acting_user, channel=channel, before=before)
    return campaign


@transaction.atomic
def do_open_campaign(campaign: Campaign, *, acting_user: Any, channel: str) -> Campaign:
    return _set_status(
        campaign, CampaignStatus.OPEN, AuditAction.UPDATE, acting_user=acting_user, channel=channel
    )


@transaction.atomic
def do_close_campaign(campaign: Campaign, *, acting_user: Any, channel: str) -> Campaign:
    """Close the campaign; it is read-only from then on."""
    return _set_status(
        campaign, CampaignStatus.CLOSED, AuditAction.CLOSE, acting_user=acting_user, channel=channel
    )


@transaction.atomic
def do_delete_campaign(campaign: Campaign, *, acting_user: Any, channel: str) -> None:
    ensure_allowed(acting_user, "delete", campaign)
    audit.ensure_open(campaign)
    if (
        Response.objects.filter(campaign=campaign).exists()
        or ImportBatch.objects.filter(campaign=campaign).exists()
    ):
        raise ValidationError(_("The campaign has responses; close it instead of deleting it."))
    before = audit.snapshot(campaign)
    audit.record(campaign, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)
    campaign.delete()


# ============================================================================ import / export


def question_specs(instrument: Instrument) -> list[Any]:
    """The instrument's questions as importer ``QuestionSpec`` (one per answer column group)."""
    from sqms.surveys.importers import QuestionSpec

    specs = []
    kinds = {
        QuestionKind.LIKERT: "likert",
        QuestionKind.SCALE_0_10: "scale010",
        QuestionKind.SINGLE: "single",
        QuestionKind.MULTI: "multi",
        QuestionKind.TEXT: "text",
        QuestionKind.NUMBER: "number",
        QuestionKind.POINTS: "number",
    }
    for q in instrument.questions.all():
        options = tuple(
            (str(o.get("value")), str(o.get("zh") or o.get("en") or o.get("value")))
            for o in q.options
        )
        alt = tuple(t for t in (q.text_en, q.text_zh) if t)
        text = q.text_zh or q.text_en
        if q.kind == QuestionKind.RATINGS:
            if list(q.ratings) == ["E", "P"]:
                specs.append(QuestionSpec(q.code, text, alt, "dual", q.scale_min, q.scale_max, ()))
            else:
                for part in q.ratings:
                    specs.append(
                        QuestionSpec(
                            f"{q.code}.{part}", text, alt, "likert", q.scale_min, q.scale_max, ()
                        )
                    )
            continue
        kind = kinds.get(q.kind, "text")
        if kind in ("single", "multi"):
            specs.append(QuestionSpec(q.code, text, alt, kind, None, None, options))
        else:
            specs.append(QuestionSpec(q.code, text, alt, kind, q.scale_min, q.scale_max, ()))
    return specs


@dataclass
class ImportReport:
    tool: str = ""
    tool_name: str = ""
    encoding: str = ""
    separator: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    mapping: Any = None  # importers.Mapping
    columns: list[Any] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)  # CellError or (row, column, message)
    imported: int = 0
    skipped: int = 0
    rejected: int = 0
    already: bool = False
    batch: ImportBatch | None = None
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False


class ImportRefused(Exception):
    """The whole file is refused; the message names why (and the row/column if any)."""


def _sha256_of(source: bytes | str) -> str:
    h = hashlib.sha256()
    if isinstance(source, bytes):
        h.update(source)
    else:
        with open(source, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _is_native_file(source: bytes | str) -> bool:
    head = source[:200] if isinstance(source, bytes) else open(source, "rb").read(200)  # noqa: SIM115
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"response_id,submitted_at")


def analyse_file(
    campaign: Campaign,
    source: bytes | str,
    filename: str,
    *,
    expected_tool: str | None = None,
    mapping: Any = None,
) -> tuple[Any, Any, list[Any]]:
    """Parse a file and propose (or take) a mapping: ``(export, mapping, specs)``."""
    from sqms.surveys import importers

    size = len(source) if isinstance(source, bytes) else __import__("os").path.getsize(source)
    max_bytes = settings.SQMS_IMPORT_MAX_BYTES
    try:
        importers.check_size(size, max_bytes, filename)
        data = source if isinstance(source, bytes) else open(source, "rb").read()  # noqa: SIM115
        export = importers.parse_export(data, filename, expected_tool, max_bytes=max_bytes)
    except importers.ImportFormatError as exc:
        raise ImportRefused(str(exc)) from None
    specs = question_specs(campaign.instrument)
    if mapping is None:
        mapping = importers.propose_mapping(export, specs)
    return export, mapping, specs


def do_import_file(
    campaign: Campaign,
    source: bytes | str,
    filename: str,
    *,
    acting_user: Any,
    channel: str,
    mapping: Any = None,
    expected_tool: str | None = None,
    default_site: Site | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    include_incomplete: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a survey export into a campaign.

    ``source`` is the file's bytes or its path (a native SQMS CSV given by path is streamed,
    never read whole). Atomic unless ``skip_invalid``; a file already imported into this
    campaign (same SHA-256) adds nothing and says so (``report.already``).
    """
    from sqms.surveys import importers
    from sqms.surveys.importers.model import TOOL_NAMES

    ensure_campaign_takes_responses(campaign)
    ensure_may_write_responses(campaign, acting_user)
    if default_site is not None:
        site, err = SiteResolver(campaign, acting_user).resolve(default_site)
        if err:
            raise ImportRefused(err)
    sha = _sha256_of(source)
    report = ImportReport(dry_run=dry_run)
    existing = _already_imported(campaign, sha)
    if existing is not None and not dry_run:
        report.already = True
        report.batch = existing
        return report
    size = len(source) if isinstance(source, bytes) else __import__("os").path.getsize(source)
    specs = question_specs(campaign.instrument)
    streaming = (
        isinstance(source, str)
        and mapping is None
        and _is_native_file(source)
        and expected_tool in (None, "native")
    )
    if streaming:
        try:
            importers.check_size(size, settings.SQMS_IMPORT_MAX_BYTES, filename)
        except importers.ImportFormatError as exc:
            raise ImportRefused(str(exc)) from None
        stream = open(source, "rb")  # noqa: SIM115
        try:
            reader = importers.NativeReader(stream)
        except importers.ImportFormatError as exc:
            stream.close()
            raise ImportRefused(str(exc)) from None
        known = set(importers.native_targets(specs))
        unknown = [t for t in reader.targets if t not in known]
        if unknown:
            stream.close()
            raise ImportRefused(
                _("columns %(cols)s are not questions of %(instrument)s")
                % {"cols": ", ".join(unknown[:10]), "instrument": campaign.instrument}
            )
        mapping = importers.Mapping({t: t for t in reader.targets}, {})
        report.tool, report.encoding, report.separator = "native", reader.encoding, ","
        parsed_rows: Iterable[Any] = reader
        report.columns = reader.columns
    else:
        export, mapping, specs = analyse_file(
            campaign, source, filename, expected_tool=expected_tool, mapping=mapping
        )
        stream = None
        report.tool, report.encoding, report.separator = (
            export.tool,
            export.encoding,
            export.separator,
        )
        report.counts = export.counts()
        report.columns = export.columns
        report.warnings = list(export.warnings)
        parsed_rows = export.rows
    report.tool_name = TOOL_NAMES.get(report.tool, report.tool)
    report.mapping = mapping
    has_site_column = "@site" in mapping.columns.values() or report.tool == "native"
    if not has_site_column and default_site is None and campaign.sites.count() != 1:
        message = _("The file has no site column; map one to “@site” or choose a default site.")
        if not dry_run:
            if stream:
                stream.close()
            raise ImportRefused(message)
        report.warnings.append(message)
    if default_site is None and not has_site_column:
        default_site = campaign.sites.first()
    try:
        plan = importers.MappingPlan(mapping, specs, tool=report.tool)
    except ValueError as exc:
        if stream:
            stream.close()
        raise ImportRefused(str(exc)) from None
    cell_errors: list[Any] = []
    counts = {"total": 0, "complete": 0, "incomplete": 0, "test": 0}
    answer_plan = AnswerPlan.build(campaign.instrument)
    vplan: VectorPlan | None = VectorPlan(answer_plan) if streaming else None
    if vplan is not None and not vplan.ok:
        vplan = None

    def mapped(columns: bool = False) -> Iterator[Any]:
        site_value = default_site.pk if default_site is not None else None
        if streaming and columns:  # SQMS's own CSV, column-wise: write_responses takes chunks
            yielded = 0
            chunks = _native_chunks(source, reader, plan, cell_errors, vplan)  # type: ignore[arg-type]
            for chunk, prepared in chunks:
                yielded += len(chunk)
                yield ColumnRows(chunk, site_value, prepared)
            counts["complete"] = counts["total"] = yielded + len({e.line for e in cell_errors})
            return
        if streaming:  # SQMS's own CSV: positional parse+map, no intermediate row objects
            yielded = 0
            for m in reader.iter_mapped(plan, cell_errors):
                yielded += 1
                meta = m.meta
                yield {
                    "row": m.line,
                    "answers": m.answers,
                    "site": meta.get("site") or site_value,
                    "service": meta.get("service"),
                    "channel": meta.get("channel"),
                    "language": meta.get("language", ""),
                    "submitted_at": m.submitted_at,
                    "external_id": m.external_id,
                }
            counts["complete"] = counts["total"] = yielded + len({e.line for e in cell_errors})
            return
        apply = plan.apply
        for row in parsed_rows:
            counts["total"] += 1
            if row.is_test:
                counts["test"] += 1
                continue
            if not row.complete:
                counts["incomplete"] += 1
                if not include_incomplete:
                    continue
            else:
                counts["complete"] += 1
            m = apply(row, cell_errors)
            if m is None:
                continue
            meta = m.meta
            yield {
                "row": m.line,
                "answers": m.answers,
                "site": meta.get("site") or site_value,
                "service": meta.get("service"),
                "channel": meta.get("channel"),
                "language": meta.get("language", ""),
                "submitted_at": m.submitted_at,
                "external_id": m.external_id,
            }

    try:
        if dry_run:
            rows = list(mapped())
            report.counts = report.counts or dict(counts)
            report.counts = {**counts} if streaming else report.counts
            report.errors = list(cell_errors)
            report.imported = 0
            # validate answers too, without writing
            answer_plan = AnswerPlan.build(campaign.instrument)
            sites = SiteResolver(campaign, acting_user)
            for r in rows:
                _clean, errs = check_answers(answer_plan, r["answers"])
                _s, serr = sites.resolve(r["site"])
                if serr:
                    errs["@site"] = serr
                report.errors.extend((r["row"], k, v) for k, v in errs.items())
            report.rejected = len({_err_row(e) for e in report.errors})
            return report
        with transaction.atomic():
            try:
                with transaction.atomic():
                    batch = ImportBatch.objects.create(
                        campaign=campaign,
                        filename=filename[:255],
                        sha256=sha,
                        tool=report.tool,
                        encoding=report.encoding or "",
                        mapping=mapping.to_json(),
                        created_by=acting_user if acting_user is not None else None,
                    )
            except IntegrityError:
                report.already = True
                report.batch = ImportBatch.objects.filter(campaign=campaign, sha256=sha).first()
                return report
            try:
                result = write_responses(
                    campaign,
                    mapped(columns=True),
                    plan=answer_plan,
                    channel=ResponseChannel.IMPORT,
                    acting_user=acting_user,
                    import_batch=batch,
                    skip_invalid=True,
                    want_ids=False,
                    progress=progress,
                    fast=True,
                )
            except ValidationError:
                raise
            rejects = [(e.line, e.column, e.message) for e in cell_errors] + [
                (r, c, m) for r, c, m in result.rejected
            ]
            rejects.sort(key=lambda t: (t[0] if isinstance(t[0], int) else 0, str(t[1])))
            report.errors = rejects
            report.counts = report.counts if not streaming else dict(counts)
            if rejects and not skip_invalid:
                raise _Rollback()
            report.imported = result.created
            report.skipped = result.skipped
            report.rejected = len({r[0] for r in rejects})
            batch.imported = result.created
            batch.skipped = result.skipped
            batch.rejected = report.rejected
            batch.rejects_csv = rejects_csv(rejects)
            batch.save(update_fields=["imported", "skipped", "rejected", "rejects_csv"])
            audit.record(
                batch,
                AuditAction.CREATE,
                actor=acting_user,
                channel=channel,
                after={
                    "campaign": str(campaign),
                    "file": batch.filename,
                    "tool": batch.tool,
                    "imported": batch.imported,
                    "skipped": batch.skipped,
                    "rejected": batch.rejected,
                },
            )
            report.batch = batch
            return report
    except _Rollback:
        report.imported = 0
        report.rejected = len({r[0] for r in report.errors})
        return report
    finally:
        if stream is not None:
            stream.close()


#: native CSV files at least this big are parsed in a second process while this one writes
PIPELINE_MIN_BYTES = 16 << 20


def _native_chunks(
    path: str, reader: Any, plan: Any, cell_errors: list[Any], vplan: VectorPlan | None
) -> Iterator[tuple[Any, Any]]:
    """``(chunk, prepared)`` for each chunk of ``reader.iter_chunks(plan, cell_errors)`` — for a
    big file, in a forked child process that also runs :func:`prepare_answers` (with
    ``vplan``), so parsing, mapping and checking overlap with the writing here.

    Only from a single-threaded process (forking one with threads is unsafe), where ``fork``
    exists. The child reads the file on its own and touches nothing else (no database); the
    cell errors and a format error come back with the chunks, in order.
    """
    import multiprocessing
    import os
    import queue as queues
    import threading

    if (
        os.path.getsize(path) < PIPELINE_MIN_BYTES
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        for chunk in reader.iter_chunks(plan, cell_errors, chunk=CHUNK):
            yield chunk, None
        return
    from sqms.surveys import importers

    ctx = multiprocessing.get_context("fork")
    q: Any = ctx.Queue(maxsize=6)
    proc = ctx.Process(target=_parse_native_child, args=(path, plan, vplan, q), daemon=True)
    proc.start()
    try:
        while True:
            try:
                kind, obj, errors = q.get(timeout=5)
            except queues.Empty:
                if not proc.is_alive():
                    raise RuntimeError("the CSV parser process ended unexpectedly") from None
                continue
            cell_errors.extend(errors)
            if kind == "chunk":
                yield obj
            elif kind == "end":
                return
            elif kind == "format":
                raise importers.ImportFormatError(obj[0], line=obj[1], column=obj[2])
            else:
                raise RuntimeError(f"the CSV parser process failed: {obj}")
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()
        q.close()


def _parse_native_child(path: str, plan: Any, vplan: VectorPlan | None, q: Any) -> None:
    from sqms.surveys import importers

    errors: list[Any] = []
    sent = 0
    try:
        with open(path, "rb") as stream:
            reader = importers.NativeReader(stream)
            for chunk in reader.iter_chunks(plan, errors, chunk=CHUNK):
                prepared = None
                if vplan is not None and len(chunk):
                    prepared = prepare_answers(vplan, chunk.answers, len(chunk))
                    dates = chunk.submitted_at
                    if prepared and all(d is not None and d.tzinfo is not None for d in dates):
                        ts = vplan.np.array([d.timestamp() for d in dates])  # type: ignore[union-attr]
                        prepared = (prepared[0], prepared[1], ts)
                q.put(("chunk", (chunk, prepared), errors[sent:]))
                sent = len(errors)
        q.put(("end", None, errors[sent:]))
    except importers.ImportFormatError as exc:
        q.put(("format", (exc.reason, exc.line, exc.column), errors[sent:]))
    except BaseException as exc:  # noqa: BLE001 — reported to the parent, which raises
        q.put(("crash", repr(exc), errors[sent:]))


def _already_imported(campaign: Campaign, sha: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(campaign=campaign, sha256=sha).first()


class _Rollback(Exception):
    pass


def _err_row(e: Any) -> Any:
    return e.line if hasattr(e, "line") else e[0]


def rejects_csv(rejects: list[tuple[Any, str, str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([_("row"), _("column"), _("problem")])
    for row in rejects:
        w.writerow(row)
    return buf.getvalue()


@transaction.atomic
def do_save_preset(
    name: str, instrument: Instrument, mapping: Any, *, acting_user: Any
) -> MappingPreset:
    ensure_allowed(acting_user, "view", Campaign)
    if role_of(acting_user) not in SITE_EDITORS and acting_user is not None:
        raise PermissionDenied(_("Your role may not save mapping presets."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the preset a name.")})
    preset, _created = MappingPreset.objects.update_or_create(
        name=name,
        defaults={
            "instrument_code": instrument.code,
            "mapping": mapping.to_json(),
            "created_by": acting_user,
        },
    )
    return preset


def export_rows(campaign: Campaign, responses: Iterable[Response]) -> Iterator[Any]:
    """Responses as importer ``MappedRow`` for the native writers."""
    from sqms.surveys.importers import MappedRow

    tzs: dict[int, dt.tzinfo] = {}
    for r in responses:
        tz = tzs.get(r.site_id)
        if tz is None:
            tz = tzs[r.site_id] = zoneinfo.ZoneInfo(r.site.time_zone)
        meta = {"site": r.site.code, "channel": r.channel, "language": r.language}
        if r.service_id:
            meta["service"] = r.service.code
        yield MappedRow(
            0,
            r.external_id or f"native:sqms-{r.pk}",
            r.submitted_at.astimezone(tz),
            meta,
            r.answers,
        )


def export_responses(campaign: Campaign, fmt: str, stream: Any, *, acting_user: Any) -> int:
    """Write the campaign's responses in the user's scope as native CSV or XLSX."""
    from sqms.surveys.importers import write_native_csv, write_native_xlsx

    qs = (
        (
            Response.objects.restrict(acting_user, "view")
            .filter(campaign=campaign)
            .select_related("site", "service")
            .order_by("submitted_at", "id")
        )
        if acting_user is not None
        else Response.objects.filter(campaign=campaign)
        .select_related("site", "service")
        .order_by("submitted_at", "id")
    )
    specs = question_specs(campaign.instrument)
    rows = export_rows(campaign, qs.iterator(chunk_size=2000))
    if fmt == "xlsx":
        return write_native_xlsx(rows, specs, stream)
    return write_native_csv(rows, specs, stream)


def vendor() -> str:
    return connection.vendor


__all__ = [
    "AnswerPlan",
    "Channel",
    "check_answers",
    "write_responses",
]

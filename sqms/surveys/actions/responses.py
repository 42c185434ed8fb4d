"""Writing responses: the one writer every channel goes through (:func:`write_responses`), with
its permission checks; it stores responses in chunks and adds their measures to the rollups in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed
from sqms.surveys import column_writer
from sqms.surveys.answers import AnswerPlan, check_answers
from sqms.surveys.choices import OverQuota
from sqms.surveys.column_writer import ColumnRows, ColumnWriter, Pending
from sqms.surveys.measures import measures_of
from sqms.surveys.models import (
    Campaign,
    CampaignSite,
    ImportBatch,
    Response,
)
from sqms.surveys.resolvers import VALID_CHANNELS, ServiceResolver, SiteResolver, WriteResult
from sqms.surveys.rollups import RollupDelta
from sqms.surveys.vector_plan import VectorPlan

REFUSE, REPORT = OverQuota.REFUSE.value, OverQuota.REPORT.value
#: external id -> id of the campaign's responses already stored (one index probe per id)
_stored_ids = column_writer.stored_external_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def ensure_may_write_responses(campaign: Campaign, acting_user: User | None) -> None:
    ensure_allowed(
        acting_user, "add", Response, message=_("Your role may not add survey responses.")
    )
    ensure_allowed(
        acting_user, "view", campaign, message=_("You may not add responses to this campaign.")
    )


def ensure_campaign_takes_responses(campaign: Campaign) -> None:
    if campaign.is_closed:
        raise ValidationError(
            _("Campaign %(campaign)s is closed and takes no more responses.")
            % {"campaign": campaign}
        )


def write_responses(
    campaign: Campaign,
    rows: Iterable[dict[str, Any]],
    *,
    channel: str,
    acting_user: User | None,
    import_batch: ImportBatch | None = None,
    skip_invalid: bool = False,
    plan: AnswerPlan | None = None,
    want_ids: bool = True,
    progress: Callable[[int], None] | None = None,
    fast: bool = False,
    over_quota: str = REFUSE,
) -> WriteResult:
    """Validate and store responses, and add their measures to the rollups, atomically.

    Each row is a dict: ``answers`` (keyed ``SQ01.E`` …), ``site`` (Site, id, code or name),
    and optionally ``service``, ``submitted_at`` (aware or naive in the site's time zone;
    default now), ``external_id``, ``language``, ``channel`` (a valid response channel
    overrides ``channel``, so exports re-import unchanged) and ``row`` (the label used in
    error messages, default the 1-based position).

    A row whose external id is already stored for this campaign (or repeats an earlier row)
    stores nothing and reports the existing id; when a concurrent write stores the same id
    first, ``rows`` given as a sequence are written once more (the row then reports it). Any invalid row makes the whole call fail
    with a ``ValidationError`` listing ``row N: KEY message`` — unless ``skip_invalid``, when
    valid rows are stored and invalid ones reported in ``rejected``.

    ``fast=True`` (imports, the demo; needs ``want_ids=False``) validates, measures and inserts
    each chunk column-wise (:class:`VectorPlan`); the result is the same as row by row.
    ``rows`` may also hold :class:`ColumnRows` (column-wise chunks, as ``do_import_file`` passes
    for SQMS's own CSV), written by :class:`~sqms.surveys.column_writer.ColumnWriter` on the
    fast path.

    Quotas: with ``over_quota="refuse"`` (the default) a write that would take a site past its
    quota stores nothing and raises the quota message; with ``"report"`` the rows that fit are
    stored, in input order, and the others are left out and listed in ``over_quota``.
    """
    if over_quota not in (REFUSE, REPORT):
        raise ValueError(f"over_quota must be {REFUSE!r} or {REPORT!r}")
    ensure_campaign_takes_responses(campaign)
    ensure_may_write_responses(campaign, acting_user)
    retry = isinstance(rows, Sequence)  # a stream cannot be read twice
    while True:
        try:
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
                    over_quota=over_quota,
                )
        except IntegrityError:
            if not retry:
                raise
            # a concurrent write stored one of the external ids between our check and our
            # insert; once more, and that row is now reported as existing
            retry = False


def _write(
    campaign: Campaign,
    rows: Iterable[dict[str, Any]],
    *,
    channel: str,
    acting_user: User | None,
    import_batch: ImportBatch | None,
    skip_invalid: bool,
    plan: AnswerPlan | None,
    want_ids: bool,
    progress: Callable[[int], None] | None,
    fast: bool = False,
    over_quota: str = REFUSE,
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
    # over_quota="report": the places left per site with a quota, and the rows taken so far
    room = free_places(campaign_id) if over_quota == REPORT else {}
    taken: dict[int, int] = {}

    def flush(buffer: list[tuple[int, Response]]) -> None:
        if not buffer:
            return
        objs = [r for _i, r in buffer]
        Response.objects.bulk_create(objs, batch_size=500)
        for i, r in buffer:
            if want_ids:
                result.row_ids[i] = r.pk
                result.ids.append(r.pk)
        buffer.clear()

    columns = (
        ColumnWriter(
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
    for chunk in _chunks(rows, column_writer.CHUNK):
        if isinstance(chunk, ColumnRows):  # a column-wise chunk (native CSV import)
            writable = not (result.errors and not skip_invalid)
            if columns is not None and writable and not room and columns.write(chunk):
                if progress is not None:
                    progress(len(chunk.chunk))
                continue
            chunk = chunk.dicts()  # not the simple case: row by row, with the messages
        ext_ids = [str(r["external_id"]) for r in chunk if r.get("external_id")]
        stored = _stored_ids(campaign_id, ext_ids) if ext_ids else {}
        buffer: list[tuple[int, Response]] = []
        pending: list[Pending] = []
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
            got_service = (
                service_cache.get(service_value)
                if type(service_value) in (str, int, type(None))
                else None
            )
            if got_service is None:
                got_service = services.resolve(service_value)
                if type(service_value) in (str, int, type(None)):
                    service_cache[service_value] = got_service
            service_id, err = got_service
            if err:
                row_errors.append(("@service", err))
            raw = row.get("answers")
            answer_errors: dict[str, str]
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
            if site.pk in room:
                if taken.get(site.pk, 0) >= room[site.pk]:
                    message = full_message(site.code)
                    result.over_quota.append((label, "@site", message))
                    result.rejected.append((label, "@site", message))
                    continue
                taken[site.pk] = taken.get(site.pk, 0) + 1
            if ext is not None:
                seen_ext[ext] = None
            row_channel = row.get("channel")
            if row_channel not in VALID_CHANNELS:
                row_channel = channel
            language = str(row.get("language") or "")[:10]
            if raw is not None:  # fast path: checked, measured and inserted per chunk
                pending.append(
                    Pending(label, site.pk, service_id, row_channel, submitted, ext, language, raw)
                )
                continue
            local = submitted.astimezone(sites.tz[site.pk])
            key = (local.year, local.month)
            period = month_cache.get(key)
            if period is None:
                period = month_cache[key] = dt.date(local.year, local.month, 1)
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
            assert columns is not None
            columns.write_rows(pending, plan, write=not (result.errors and not skip_invalid))
        if result.errors and not skip_invalid:
            buffer.clear()
            if len(result.errors) > 1000:
                break
            continue
        flush(buffer)
        if len(delta.cells) > 200_000:
            delta.apply()
        if progress is not None:
            progress(len(chunk))
    if result.errors and not skip_invalid:
        raise ValidationError(result.errors[:1000])
    if columns is not None:
        columns.flush()
    delta.apply()
    ensure_within_quota(campaign_id, per_site)
    for site_id, n in per_site.items():
        CampaignSite.objects.filter(campaign_id=campaign_id, site_id=site_id).update(
            response_count=F("response_count") + n
        )
    return result


def ensure_within_quota(campaign_id: int, per_site: dict[int, int]) -> None:
    """Refuse the whole write when it would take a site past its quota (API and imports; the
    public form checks before it writes). The sites' link rows are locked first, so two
    concurrent writes cannot both fit in the last places."""
    links = (
        CampaignSite.objects.select_for_update(no_key=True)
        .filter(campaign_id=campaign_id, site_id__in=list(per_site), quota__isnull=False)
        .select_related("site")
        .order_by("site_id")
    )
    over = [
        quota_message(link.site.code, link.quota, link.response_count, per_site[link.site_id])
        for link in links
        if link.quota is not None and link.response_count + per_site[link.site_id] > link.quota
    ]
    if over:
        raise ValidationError(over)


def free_places(campaign_id: int) -> dict[int, int]:
    """Site id → responses its quota still takes, for the campaign's sites with a quota; the
    link rows are locked, so a concurrent write waits and then counts what this one stored."""
    links = (
        CampaignSite.objects.select_for_update(no_key=True)
        .filter(campaign_id=campaign_id, quota__isnull=False)
        .order_by("site_id")
        .values_list("site_id", "quota", "response_count")
    )
    return {site_id: max(0, (quota or 0) - stored) for site_id, quota, stored in links}


def full_message(site_code: str) -> str:
    return _("Site %(site)s has reached its quota; the row was not written.") % {"site": site_code}


def quota_message(site_code: str, quota: int, stored: int, adding: int) -> str:
    return _(
        "Site %(site)s has a quota of %(quota)d responses and %(stored)d are stored: "
        "%(adding)d more would be %(over)d over it. Nothing was written."
    ) % {
        "site": site_code,
        "quota": quota,
        "stored": stored,
        "adding": adding,
        "over": stored + adding - quota,
    }


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

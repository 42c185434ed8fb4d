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
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sqms.core import audit
from sqms.core.choices import AuditAction, Channel, Role
from sqms.core.models import Site
from sqms.core.scoping import SITE_EDITORS, ensure_allowed, role_of
from sqms.surveys import column_writer
from sqms.surveys import instruments as builtin_defs
from sqms.surveys.answers import NUMERIC_KINDS, AnswerPlan, check_answers
from sqms.surveys.choices import (
    CampaignStatus,
    InstrumentKind,
    QuestionKind,
    QuestionRole,
    ResponseChannel,
)
from sqms.surveys.column_writer import (
    _VALID_CHANNELS,
    ColumnRows,
    ColumnWriter,
    ServiceResolver,
    SiteResolver,
    VectorPlan,
    WriteResult,
)
from sqms.surveys.measures import measures_of
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
from sqms.surveys.native_pipeline import native_chunks
from sqms.surveys.rollups import RollupDelta

# ============================================================================ responses


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
    for SQMS's own CSV), written by :class:`~sqms.surveys.column_writer.ColumnWriter` on the
    fast path.
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
        # NO KEY UPDATE locks: they do not block the foreign-key checks of concurrent inserts
        # (new tokens, responses), which on PostgreSQL otherwise deadlock under load.
        SubmissionToken.objects.select_for_update(no_key=True)
        .filter(token=token, campaign_site=campaign_site)
        .first()
    )
    if tok is None:
        raise SubmissionRefused(_("This form has expired. Please reload the page and try again."))
    if tok.used_at is not None:
        return tok.response, False
    cs = (
        CampaignSite.objects.select_for_update(no_key=True)
        .select_related("campaign")
        .get(pk=campaign_site.pk)
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
            chunks = native_chunks(source, reader, plan, cell_errors, vplan)  # type: ignore[arg-type]
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


__all__ = [
    "AnswerPlan",
    "Channel",
    "check_answers",
    "write_responses",
]

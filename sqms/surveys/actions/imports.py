"""Imports of survey exports (SQMS's own CSV and the foreign tools' files), their analysis,
rejects files and mapping presets.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sqms.core import audit, exports
from sqms.core.choices import AuditAction
from sqms.core.models import Site
from sqms.core.scoping import ensure_allowed
from sqms.surveys.actions.responses import (
    ensure_campaign_takes_responses,
    ensure_may_write_responses,
    write_responses,
)
from sqms.surveys.answers import AnswerPlan
from sqms.surveys.choices import (
    OverQuota,
    QuestionKind,
    ResponseChannel,
)
from sqms.surveys.column_writer import ColumnRows
from sqms.surveys.import_messages import cell_error_text, format_error_text, notice_text
from sqms.surveys.models import (
    Campaign,
    ImportBatch,
    Instrument,
    MappingPreset,
)
from sqms.surveys.native_pipeline import native_chunks
from sqms.surveys.resolvers import SiteResolver
from sqms.surveys.vector_plan import VectorPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def question_specs(instrument: Instrument) -> list[Any]:
    """The instrument's questions as importer ``QuestionSpec`` (one per answer column group)."""
    from sqms.surveys.importers import QuestionSpec

    specs = []
    kinds: dict[str, str] = {
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


@dataclass(frozen=True)
class ImportProblem:
    """One problem found in an imported file: the row (its line in the file), the column and
    what is wrong. ``cell`` keeps the importer's coded error so pages can show it translated."""

    row: Any  # the line number, or the row label write_responses was given
    column: str
    message: str
    cell: Any = None  # importers.CellError

    @classmethod
    def of_cell(cls, error: Any) -> ImportProblem:
        return cls(error.line, error.column, error.message, error)

    def text(self) -> str:
        """The message in the active language (with its row and column for a coded error)."""
        return cell_error_text(self.cell) if self.cell is not None else self.message


@dataclass
class ImportReport:
    tool: str = ""
    tool_name: str = ""
    encoding: str = ""
    separator: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    mapping: Any = None  # importers.Mapping
    columns: list[Any] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    imported: int = 0
    skipped: int = 0
    rejected: int = 0
    over_quota: int = 0  # rows left out because their site's quota was full ("report" mode)
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
        raise ImportRefused(format_error_text(exc)) from None
    specs = question_specs(campaign.instrument)
    if mapping is None:
        mapping = importers.propose_mapping(export, specs)
    return export, mapping, specs


def do_import_file(
    campaign: Campaign,
    source: bytes | str,
    filename: str,
    *,
    acting_user: User | None,
    channel: str,
    mapping: Any = None,
    expected_tool: str | None = None,
    default_site: Site | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    include_incomplete: bool = False,
    progress: Callable[[int], None] | None = None,
    over_quota: str = OverQuota.REFUSE,
) -> ImportReport:
    """Import a survey export into a campaign.

    ``source`` is the file's bytes or its path (a native SQMS CSV given by path is streamed,
    never read whole). Atomic unless ``skip_invalid``; a file already imported into this
    campaign (same SHA-256) adds nothing and says so (``report.already``). Rows past a site's
    quota refuse the file (``over_quota="refuse"``) or are left out and listed with the rejected
    rows (``"report"``), which alone do not stop the import.
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
            raise ImportRefused(format_error_text(exc)) from None
        stream = open(source, "rb")  # noqa: SIM115
        try:
            reader = importers.NativeReader(stream)
        except importers.ImportFormatError as exc:
            stream.close()
            raise ImportRefused(format_error_text(exc)) from None
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
        report.warnings = [notice_text(w) for w in export.warnings]
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
            applied = apply(row, cell_errors)
            if applied is None:
                continue
            meta = applied.meta
            yield {
                "row": applied.line,
                "answers": applied.answers,
                "site": meta.get("site") or site_value,
                "service": meta.get("service"),
                "channel": meta.get("channel"),
                "language": meta.get("language", ""),
                "submitted_at": applied.submitted_at,
                "external_id": applied.external_id,
            }

    try:
        with transaction.atomic(durable=True):
            try:
                with transaction.atomic():
                    batch = ImportBatch.objects.create(
                        campaign=campaign,
                        filename=filename[:255],
                        # a dry run never meets the file's earlier import: it is rolled back
                        sha256=f"dry-run-{secrets.token_hex(24)}" if dry_run else sha,
                        tool=report.tool,
                        encoding=report.encoding or "",
                        mapping=mapping.to_json(),
                        created_by=acting_user if acting_user is not None else None,
                    )
            except IntegrityError:
                report.already = True
                report.batch = ImportBatch.objects.filter(campaign=campaign, sha256=sha).first()
                return report
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
                over_quota=over_quota,
            )
            rejects = [ImportProblem.of_cell(e) for e in cell_errors] + [
                ImportProblem(r, c, m) for r, c, m in result.rejected
            ]
            rejects.sort(key=lambda p: (p.row if isinstance(p.row, int) else 0, str(p.column)))
            report.errors = rejects
            report.counts = report.counts if not streaming else dict(counts)
            report.skipped = result.skipped
            report.rejected = len({p.row for p in rejects})
            report.over_quota = len(result.over_quota)
            invalid = len(rejects) > len(result.over_quota)
            if dry_run or (invalid and not skip_invalid):
                raise _Rollback()
            report.imported = result.created
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
    except _Rollback:  # a dry run, or problems without skip_invalid: nothing stays written
        report.imported = 0
        return report
    except importers.ImportFormatError as exc:  # found while streaming: nothing stays written
        raise ImportRefused(format_error_text(exc)) from None
    finally:
        if stream is not None:
            stream.close()


def _already_imported(campaign: Campaign, sha: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(campaign=campaign, sha256=sha).first()


class _Rollback(Exception):
    pass


def rejects_csv(problems: Iterable[ImportProblem]) -> str:
    """The rejected rows as CSV text (no BOM), cells neutralized against formulas."""
    rows = ((p.row, p.column, p.message) for p in problems)
    return "".join(exports.csv_lines([_("row"), _("column"), _("problem")], rows, bom=False))


@transaction.atomic(durable=True)
def do_save_preset(
    name: str, instrument: Instrument, mapping: Any, *, acting_user: User | None
) -> MappingPreset:
    ensure_allowed(
        acting_user, "add", MappingPreset, message=_("Your role may not save mapping presets.")
    )
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

"""Import pages: upload a survey export, review detection and mapping, import, see rejects."""

from __future__ import annotations

import csv
import io
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sqms.core import exports
from sqms.core.choices import Channel
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.models import Site
from sqms.core.scoping import allowed, role_of
from sqms.surveys import actions, importers
from sqms.surveys.choices import OverQuota
from sqms.surveys.forms import ImportUploadForm
from sqms.surveys.import_messages import notice_text
from sqms.surveys.models import Campaign, ImportBatch, MappingPreset, Response


def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _campaign_for_import(request: AuthenticatedHttpRequest, pk: int) -> Campaign:
    if not allowed(request.user, "add", Response):
        raise PermissionDenied
    campaign = get_object_or_404(
        Campaign.objects.restrict(request.user, "view").select_related("instrument"), pk=pk
    )
    if campaign.is_closed:
        messages.error(
            request,
            _("Campaign %(campaign)s is closed and takes no more responses.")
            % {"campaign": campaign},
        )
        raise _Redirect(campaign.get_absolute_url())
    return campaign


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def _session_key(campaign: Campaign) -> str:
    return f"surveys-import-{campaign.pk}"


@login_required
def import_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        campaign = _campaign_for_import(request, pk)
    except _Redirect as r:
        return redirect(r.url)
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, campaign=campaign, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        name = secrets.token_hex(16)
        (_upload_dir() / name).write_bytes(data)
        state = {
            "file": name,
            "filename": upload.name,
            "format": form.cleaned_data.get("format") or None,
            "default_site": form.cleaned_data["default_site"].pk
            if form.cleaned_data.get("default_site")
            else None,
            "preset": form.cleaned_data["preset"].pk if form.cleaned_data.get("preset") else None,
        }
        try:
            _export, _mapping, _specs = actions.analyse_file(
                campaign, data, upload.name, expected_tool=state["format"]
            )
        except actions.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            request.session[_session_key(campaign)] = state
            return redirect("surveys:import_review", pk=campaign.pk)
    return render(
        request,
        "surveys/import_upload.html",
        {
            "form": form,
            "campaign": campaign,
            "max_mb": settings.SQMS_IMPORT_MAX_BYTES // (1024 * 1024),
        },
    )


def _mapping_from_post(
    request: AuthenticatedHttpRequest, export: Any, proposed: Any, specs: list[Any]
) -> Any:
    columns: dict[str, str] = {}
    for col in export.columns:
        target = request.POST.get(f"map-{col.index}", "")
        if target:
            columns[col.key] = target
    mapping = importers.Mapping(columns, {})
    mapping.labels = importers.propose_labels(export, mapping, specs)
    # The label table's inputs ("label::TARGET::LABEL") correct the proposal; an empty value
    # drops the label, so its cells are reported as problems instead of imported.
    for key in request.POST:
        raw = request.POST.get(key, "")
        if not key.startswith("label::"):
            continue
        _prefix, target, label = key.split("::", 2)
        if target not in mapping.labels:
            continue
        value = raw.strip()
        if not value:
            mapping.labels[target].pop(label, None)
        else:
            mapping.labels[target][label] = int(value) if value.lstrip("-").isdigit() else value
    return mapping


def label_preview(export: Any, mapping: Any, specs: list[Any], limit: int = 8) -> list[Any]:
    """The answers the current label mapping gives the first rows with labelled cells:
    (row, column, cell in the file, answer stored), so a correction is seen before import."""
    labelled = {key: t for key, t in mapping.columns.items() if mapping.labels.get(t)}
    if not labelled:
        return []
    plan = importers.MappingPlan(mapping, specs, tool=export.tool)
    out: list[Any] = []
    for row in export.rows[:500]:
        mapped = plan.apply(row, [])
        for key, target in labelled.items():
            cell = (row.values.get(key) or "").strip()
            if cell and cell in mapping.labels[target]:
                answer = mapped.answers.get(target) if mapped is not None else None
                out.append((row.line, key, cell, "—" if answer is None else answer))
        if len(out) >= limit:
            break
    return out[:limit]


@login_required
def import_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        campaign = _campaign_for_import(request, pk)
    except _Redirect as r:
        return redirect(r.url)
    state = request.session.get(_session_key(campaign))
    path = _upload_dir() / state["file"] if state else None
    if not state or path is None or not path.exists():
        messages.error(request, _("Upload the file first."))
        return redirect("surveys:import_upload", pk=campaign.pk)
    data = path.read_bytes()
    filename = state["filename"]
    preset_mapping = None
    if state.get("preset"):
        preset = MappingPreset.objects.filter(pk=state["preset"]).first()
        if preset is not None:
            preset_mapping = importers.Mapping.from_json(preset.mapping)
    try:
        export, mapping, specs = actions.analyse_file(
            campaign, data, filename, expected_tool=state.get("format"), mapping=preset_mapping
        )
    except actions.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("surveys:import_upload", pk=campaign.pk)
    default_site = None
    site_id = request.POST.get("default_site") or state.get("default_site")
    if site_id:
        default_site = (
            Site.objects.restrict(request.user, "view")
            .filter(pk=site_id, campaigns=campaign)
            .first()
        )
    if request.method == "POST":
        mapping = _mapping_from_post(request, export, mapping, specs)
    skip_invalid = request.POST.get("skip_invalid") == "1"
    over_quota = (
        OverQuota.REPORT if request.POST.get("over_quota") == OverQuota.REPORT else OverQuota.REFUSE
    )
    report = None
    try:
        if request.method == "POST" and request.POST.get("action") == "import":
            preset_name = request.POST.get("preset_name", "").strip()
            if preset_name:
                actions.do_save_preset(
                    preset_name, campaign.instrument, mapping, acting_user=request.user
                )
                messages.success(
                    request, _("Saved the mapping as preset “%(name)s”.") % {"name": preset_name}
                )
            report = actions.do_import_file(
                campaign,
                data,
                filename,
                acting_user=request.user,
                channel=Channel.WEB,
                mapping=mapping,
                expected_tool=state.get("format"),
                default_site=default_site,
                skip_invalid=skip_invalid,
                over_quota=over_quota,
            )
            if report.already:
                messages.info(
                    request,
                    _(
                        "This file was already imported into this campaign on %(when)s; nothing was added."
                    )
                    % {
                        "when": report.batch.created_at.strftime("%Y-%m-%d %H:%M")
                        if report.batch
                        else "?"
                    },
                )
                return redirect(
                    report.batch.get_absolute_url() if report.batch else campaign.get_absolute_url()
                )
            if report.batch is not None:
                path.unlink(missing_ok=True)
                request.session.pop(_session_key(campaign), None)
                messages.success(
                    request,
                    _(
                        "Imported %(n)d responses; %(skipped)d were already stored; %(rejected)d rows refused."
                    )
                    % {
                        "n": report.imported,
                        "skipped": report.skipped,
                        "rejected": report.rejected,
                    },
                )
                if report.over_quota:
                    messages.warning(
                        request,
                        _(
                            "%(n)d rows were left out because their site's quota was full; "
                            "they are in the rejects file."
                        )
                        % {"n": report.over_quota},
                    )
                return redirect("surveys:import_detail", pk=report.batch.pk)
            messages.error(
                request,
                _(
                    "Nothing was imported: %(n)d rows have problems. Correct the mapping or tick “import valid rows only”."
                )
                % {"n": report.rejected},
            )
        else:
            report = actions.do_import_file(
                campaign,
                data,
                filename,
                acting_user=request.user,
                channel=Channel.WEB,
                mapping=mapping,
                expected_tool=state.get("format"),
                default_site=default_site,
                dry_run=True,
            )
    except actions.ImportRefused as exc:
        messages.error(request, str(exc))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    targets = [("", _("— ignore —")), *((t, t) for t in importers.META_TARGETS)]
    for spec in specs:
        for t in spec.targets():
            targets.append((t, f"{t} · {spec.text[:40]}"))
    columns = []
    for col in export.columns:
        sample = next(
            (r.values.get(col.key) for r in export.rows[:50] if r.values.get(col.key)), ""
        )
        columns.append(
            {"col": col, "target": mapping.columns.get(col.key, ""), "sample": (sample or "")[:40]}
        )
    problems = report.errors[:300] if report is not None else []
    errors = [(p.row, p.column, p.text()) for p in problems]
    sites = Site.objects.restrict(request.user, "view").filter(campaigns=campaign)
    return render(
        request,
        "surveys/import_review.html",
        {
            "campaign": campaign,
            "export": export,
            "warnings": [notice_text(w) for w in export.warnings],
            "labels": sorted(mapping.labels.items()),
            "preview": label_preview(export, mapping, specs),
            "counts": export.counts(),
            "columns": columns,
            "targets": targets,
            "errors": errors,
            "error_total": len(report.errors) if report else 0,
            "rejected": report.rejected if report else 0,
            "filename": filename,
            "tool_name": report.tool_name if report else export.tool,
            "sites": sites,
            "default_site": default_site,
            "skip_invalid": skip_invalid,
            "over_quota": over_quota,
            "over_quota_choices": OverQuota.choices,
            "has_quotas": campaign.campaign_sites.filter(quota__isnull=False).exists(),
        },
    )


def _batch(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    if role_of(request.user) is None:
        raise PermissionDenied
    return get_object_or_404(
        ImportBatch.objects.restrict(request.user, "view").select_related("campaign"), pk=pk
    )


@login_required
@require_safe
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    return render(request, "surveys/import_detail.html", {"obj": batch})


@login_required
@require_safe
def import_rejects(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    batch = _batch(request, pk)
    # Parsed again so that files stored before cells were neutralized are safe too.
    header, *rows = list(csv.reader(io.StringIO(batch.rejects_csv))) or [[]]
    return exports.csv_download(f"rejects-{batch.pk}.csv", header, rows)

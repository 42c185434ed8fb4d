"""Performing an inspection: open one, start a planned one, save answers item by item as the
inspector goes (the draft lives on the server), photos, a mystery shopper's timed narrative,
the site representative, and the one submit that scores it and raises nonconformities for
failed critical items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sqms.core import audit, locking
from sqms.core.attachments import IMAGE_TYPES, CleanFile, check_uploads
from sqms.core.choices import AuditAction, Role
from sqms.core.scoping import ensure_allowed, role_of, site_ids_in_scope
from sqms.inspections import hooks, scoring, totals
from sqms.inspections.choices import (
    ChecklistStatus,
    InspectionKind,
    InspectionStatus,
    PhotoRule,
    Result,
)
from sqms.inspections.models import (
    Answer,
    ChecklistTemplate,
    Inspection,
    Item,
    Photo,
    TemplateVersion,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

OPEN = (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)
#: the longest narrative entry and the most entries an inspection keeps
NARRATIVE_MAX, NARRATIVE_ENTRIES = 4000, 500
#: roles that perform only their site's self-inspections
SITE_ROLES = (Role.SITE_MANAGER, Role.REGION_MANAGER)


def may_perform(user: Any, inspection: Inspection) -> bool:
    """Whether ``user`` may write this inspection's answers (the scope aside): the system and
    quality managers always; an inspector their own or an unassigned one; site and region
    managers their self-inspections."""
    if user is None:
        return True
    role = role_of(user)
    if role == Role.QUALITY_MANAGER:
        return True
    if role == Role.INSPECTOR:
        return inspection.inspector_id in (None, user.pk)
    if role in SITE_ROLES:
        return inspection.kind == InspectionKind.SELF
    return False


def _ensure_performer(user: Any, inspection: Inspection) -> None:
    ensure_allowed(user, "change", inspection)
    if not may_perform(user, inspection):
        raise PermissionDenied(_("You may not perform this inspection."))


def _ensure_open(inspection: Inspection) -> None:
    if inspection.status == InspectionStatus.SUBMITTED:
        raise ValidationError(
            _("%(ref)s was already submitted on %(when)s; it can no longer change.")
            % {"ref": inspection.reference, "when": _when(inspection.submitted_at)},
            code="already_submitted",
        )
    if inspection.status == InspectionStatus.CANCELLED:
        raise ValidationError(
            _("%(ref)s was cancelled.") % {"ref": inspection.reference}, code="cancelled"
        )


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _lock(inspection: Inspection, expected_version: int | None) -> Inspection:
    return locking.lock(inspection, expected_version, select_related=("checklist", "site"))


def _bump(inspection: Inspection) -> None:
    """Claim the row's next version (compare and set: a second writer of the same version
    finds nothing to update, even where ``SELECT … FOR UPDATE`` is a no-op)."""
    claimed = Inspection.objects.filter(
        pk=inspection.pk, version=inspection.version, status__in=OPEN
    ).update(version=F("version") + 1)
    if not claimed:
        current = Inspection.objects.get(pk=inspection.pk)
        _ensure_open(current)
        raise locking.ConflictError(current, inspection.version)
    inspection.version += 1


# Opening and starting -------------------------------------------------------------------------


def _checklist_of(data: dict[str, Any]) -> TemplateVersion:
    checklist = data.get("checklist")
    if checklist is None:
        template: ChecklistTemplate | None = data.get("template")
        if template is None:
            raise ValidationError({"template": _("Choose a checklist.")})
        checklist = template.published_version()
        if checklist is None:
            raise ValidationError(
                {"template": _("%(t)s has no published version yet.") % {"t": template}}
            )
    if checklist.status != ChecklistStatus.PUBLISHED:
        raise ValidationError(
            {
                "template": _("%(v)s is not published; inspections use published versions.")
                % {"v": checklist}
            }
        )
    return checklist


@transaction.atomic(durable=True)
def do_create_inspection(
    data: dict[str, Any],
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
    start: bool = True,
) -> Inspection:
    """Open an inspection of ``data["site"]`` with the published version of
    ``data["template"]`` (or ``data["checklist"]``). An inspector opens inspections only for
    the sites of their assignment and becomes its inspector; site managers open
    self-inspections. With ``start`` it is in progress at once, else planned."""
    now = now or timezone.now()
    ensure_allowed(acting_user, "add", Inspection, message=_("Your role may not open inspections."))
    site = data.get("site")
    if site is None:
        raise ValidationError({"site": _("Choose a site.")})
    scope = site_ids_in_scope(acting_user) if acting_user is not None else None
    if scope is not None and site.pk not in scope:
        raise PermissionDenied(
            _(
                "You may only open inspections for the sites of your assignment; %(site)s is not one."
            )
            % {"site": site}
        )
    checklist = _checklist_of(data)
    kind = data.get("kind") or checklist.template.kind
    role = role_of(acting_user) if acting_user is not None else None
    if role in SITE_ROLES and kind != InspectionKind.SELF:
        raise ValidationError({"kind": _("Site staff open self-inspections only.")})
    inspector = data.get("inspector")
    if inspector is None and role == Role.INSPECTOR:
        inspector = acting_user
    if role == Role.INSPECTOR and inspector != acting_user:
        raise ValidationError({"inspector": _("An inspector opens inspections for themselves.")})
    if inspector is not None:
        inspector_scope = site_ids_in_scope(inspector)
        if inspector_scope is not None and site.pk not in inspector_scope:
            raise ValidationError(
                {
                    "inspector": _("%(user)s is not assigned to %(site)s.")
                    % {"user": inspector.get_username(), "site": site}
                }
            )
    inspection = Inspection(
        site=site,
        checklist=checklist,
        kind=kind,
        inspector=inspector,
        programme=data.get("programme"),
        period_start=data.get("period_start"),
        due_on=data.get("due_on"),
        notes=(data.get("notes") or "").strip(),
        status=InspectionStatus.IN_PROGRESS if start else InspectionStatus.PLANNED,
        started_at=now if start else None,
    )
    inspection.full_clean(exclude=["version"])
    inspection.save()
    audit.record(inspection, AuditAction.CREATE, actor=acting_user, channel=channel)
    return inspection


@transaction.atomic(durable=True)
def do_start_inspection(
    inspection: Inspection,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Inspection:
    """A planned inspection goes in progress (an inspector taking an unassigned one becomes its
    inspector)."""
    current = _lock(inspection, None)
    _ensure_performer(acting_user, current)
    _ensure_open(current)
    if current.status != InspectionStatus.PLANNED:
        return current
    before = audit.snapshot(current)
    _start(current, acting_user, now or timezone.now())
    _bump(current)
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return current


def _start(inspection: Inspection, user: Any, now: datetime) -> None:
    """Set the fields of a start (the caller saves and records it)."""
    inspection.status = InspectionStatus.IN_PROGRESS
    inspection.started_at = now
    if inspection.inspector_id is None and role_of(user) == Role.INSPECTOR:
        inspection.inspector = user


# Answers --------------------------------------------------------------------------------------


def _decimal(item: Item, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) >= Decimal("1e9"):
        raise ValidationError(
            {"value": _("%(item)s: “%(v)s” is not a number.") % {"item": _label(item), "v": value}}
        )
    return number


def _label(item: Item) -> str:
    return item.code or item.text[:40]


def _score(answer: Answer, item: Item) -> None:
    try:
        totals.score_answer(answer, item)
    except scoring.ScoringError as exc:
        raise ValidationError({exc.field: _range_message(item, exc)}) from None


def _range_message(item: Item, exc: scoring.ScoringError) -> str:
    if item.scoring == scoring.SCALE and exc.field == "value":
        why = _("give a whole score from 0 to 5 (or not applicable)")
    elif item.scoring == scoring.NUMERIC and exc.field == "value":
        why = _("give the measured value (or not applicable)")
    else:
        why = _("answer pass, fail or not applicable")
    return _("%(item)s: %(why)s.") % {"item": _label(item), "why": why}


@transaction.atomic(durable=True)
def do_save_answer(
    inspection: Inspection,
    item: Item,
    *,
    result: str = "",
    value: Any = None,
    note: str = "",
    expected_version: int | None = None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Answer:
    """Write one item's answer (a repeat overwrites it) and refresh the running score. A
    planned inspection starts with its first answer."""
    now = now or timezone.now()
    current = _lock(inspection, expected_version)
    _ensure_performer(acting_user, current)
    _ensure_open(current)
    if item.version_id != current.checklist_id:
        raise ValidationError({"item": _("That item is not on this inspection's checklist.")})
    if result and result not in Result.values:
        raise ValidationError(
            {"result": _("%(item)s: answer pass, fail or not applicable.") % {"item": _label(item)}}
        )
    answer = Answer.objects.filter(inspection=current, item=item).first()
    is_new = answer is None
    if answer is None:
        answer = Answer(inspection=current, item=item)
    before = None if is_new else audit.snapshot(answer)
    answer.result = result if item.scoring == scoring.PASS_FAIL or result == Result.NA else ""
    answer.value = None if answer.result == Result.NA else _decimal(item, value)
    if item.scoring == scoring.PASS_FAIL:
        answer.value = None
    answer.note = (note or "").strip()[:4000]
    _score(answer, item)
    answer.answered_at, answer.answered_by = now, acting_user
    answer.save()
    audit.record(
        answer,
        AuditAction.CREATE if is_new else AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before=before,
        site=current.site,
    )
    inspection_before = audit.snapshot(current)
    if current.status == InspectionStatus.PLANNED:
        _start(current, acting_user, now)
    totals.refresh_totals(current)
    _bump(current)
    current.save()
    audit.record(
        current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=inspection_before
    )
    return answer


# Photos ---------------------------------------------------------------------------------------


def check_photos(inspection: Inspection, uploads: Sequence[Any]) -> list[CleanFile]:
    """The uploaded photos checked (images only, size limit, EXIF removed unless the checklist
    keeps the location); a ``ValidationError`` names each refused file."""
    if not uploads:
        raise ValidationError({"photo": _("Choose a photo.")})
    try:
        return check_uploads(
            uploads, allowed=IMAGE_TYPES, keep_exif=inspection.checklist.keep_photo_location
        )
    except ValidationError as exc:
        raise ValidationError({"photo": exc.messages}) from None


@transaction.atomic(durable=True)
def do_add_photos(
    inspection: Inspection,
    files: Sequence[CleanFile],
    *,
    item: Item | None = None,
    acting_user: User | None,
    channel: str,
) -> list[Photo]:
    """Store checked photos, of ``item`` when given (its answer row is made if the item is not
    answered yet: the photo often comes first)."""
    current = _lock(inspection, None)
    _ensure_performer(acting_user, current)
    _ensure_open(current)
    if not files:
        raise ValidationError({"photo": _("Choose a photo.")})
    bad = [f.name for f in files if f.content_type not in IMAGE_TYPES]
    if bad:
        raise ValidationError({"photo": _("Not an image: %(names)s.") % {"names": ", ".join(bad)}})
    if item is not None and item.version_id != current.checklist_id:
        raise ValidationError({"item": _("That item is not on this inspection's checklist.")})
    if item is not None and item.photo == PhotoRule.NONE:
        raise ValidationError({"photo": _("%(item)s takes no photo.") % {"item": _label(item)}})
    answer = None
    if item is not None:
        answer, _created = Answer.objects.get_or_create(
            inspection=current, item=item, defaults={"is_critical": item.is_critical}
        )
    out = []
    for f in files:
        photo = Photo(
            inspection=current,
            answer=answer,
            name=f.name[:200],
            content_type=f.content_type,
            size=f.size,
            uploaded_by=acting_user,
        )
        photo.file.save(f.name, ContentFile(f.data), save=False)
        photo.save()
        audit.record(
            photo, AuditAction.CREATE, actor=acting_user, channel=channel, site=current.site
        )
        out.append(photo)
    return out


@transaction.atomic(durable=True)
def do_delete_photo(photo: Photo, *, acting_user: User | None, channel: str) -> None:
    current = _lock(photo.inspection, None)
    _ensure_performer(acting_user, current)
    _ensure_open(current)
    before = audit.snapshot(photo)
    pk = photo.pk
    photo.file.delete(save=False)
    photo.delete()
    photo.pk = pk
    audit.record(
        photo,
        AuditAction.DELETE,
        actor=acting_user,
        channel=channel,
        before=before,
        site=current.site,
    )


# Mystery shopper's narrative ------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_add_narrative(
    inspection: Inspection,
    text: str,
    *,
    at: datetime | None = None,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Inspection:
    """A timed entry of a mystery shopper's narrative (what happened when)."""
    current = _lock(inspection, None)
    _ensure_performer(acting_user, current)
    _ensure_open(current)
    if current.kind != InspectionKind.MYSTERY:
        raise ValidationError({"text": _("Only mystery-shopper visits keep a narrative.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what happened.")})
    if len(text) > NARRATIVE_MAX:
        raise ValidationError(
            {"text": _("Keep an entry under %(n)d characters.") % {"n": NARRATIVE_MAX}}
        )
    if len(current.narrative) >= NARRATIVE_ENTRIES:
        raise ValidationError({"text": _("The narrative is full.")})
    moment = at or now or timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    moment = timezone.localtime(moment)
    current.narrative = sorted(
        [*current.narrative, {"at": moment.isoformat(timespec="seconds"), "text": text}],
        key=lambda e: str(e.get("at", "")),
    )
    _bump(current)
    current.save()
    audit.record(
        current,
        AuditAction.UPDATE,
        actor=acting_user,
        channel=channel,
        before={"narrative": len(current.narrative) - 1},
        after={"narrative": len(current.narrative)},
    )
    return current


def _entry(raw: Any, position: int) -> dict[str, str]:
    """One narrative entry checked: ``at`` (an ISO date-time; without a zone, local time) and
    ``text`` (trimmed, not empty, under ``NARRATIVE_MAX``)."""
    where = _("Entry %(n)d") % {"n": position}
    if not isinstance(raw, dict) or set(raw) - {"at", "text"}:
        raise ValidationError({"entries": _("%(where)s: give “at” and “text”.") % {"where": where}})
    moment = raw.get("at")
    if isinstance(moment, str):
        moment = parse_datetime(moment.strip())
    if not isinstance(moment, datetime):
        raise ValidationError(
            {"entries": _("%(where)s: “at” is not a date and time.") % {"where": where}}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    text = str(raw.get("text") or "").strip()
    if not text:
        raise ValidationError({"entries": _("%(where)s: write what happened.") % {"where": where}})
    if len(text) > NARRATIVE_MAX:
        raise ValidationError(
            {
                "entries": _("%(where)s: keep an entry under %(n)d characters.")
                % {"where": where, "n": NARRATIVE_MAX}
            }
        )
    return {"at": timezone.localtime(moment).isoformat(timespec="seconds"), "text": text}


def _lines(entries: Sequence[dict[str, Any]]) -> list[str]:
    return [f"{e.get('at', '')} {e.get('text', '')}" for e in entries]


@transaction.atomic(durable=True)
def do_replace_narrative(
    inspection: Inspection,
    entries: Sequence[Any],
    *,
    expected_version: int | None = None,
    acting_user: User | None,
    channel: str,
) -> Inspection:
    """Replace a mystery shopper's narrative with ``entries`` (edit, remove or clear: an empty
    list clears it), while the visit is not submitted, by those who perform it. The audit
    event keeps the entries removed and those added; an unchanged narrative writes nothing."""
    current = _lock(inspection, expected_version)
    _ensure_performer(acting_user, current)
    _ensure_open(current)
    if current.kind != InspectionKind.MYSTERY:
        raise ValidationError({"entries": _("Only mystery-shopper visits keep a narrative.")})
    if len(entries) > NARRATIVE_ENTRIES:
        raise ValidationError(
            {"entries": _("A narrative keeps at most %(n)d entries.") % {"n": NARRATIVE_ENTRIES}}
        )
    new = sorted((_entry(raw, n) for n, raw in enumerate(entries, start=1)), key=lambda e: e["at"])
    old = list(current.narrative)
    if new == old:
        return current
    old_lines, new_lines = _lines(old), _lines(new)
    before: dict[str, Any] = {"narrative": len(old)}
    after: dict[str, Any] = {"narrative": len(new)}
    removed = [line for line in old_lines if line not in new_lines]
    added = [line for line in new_lines if line not in old_lines]
    if removed:
        before["narrative_removed"] = removed
    if added:
        after["narrative_added"] = added
    current.narrative = new
    _bump(current)
    current.save()
    audit.record(
        current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before, after=after
    )
    return current


# Submit ---------------------------------------------------------------------------------------


def missing_items(inspection: Inspection) -> tuple[list[str], list[str]]:
    """Codes of the items not answered yet, and of answered, applicable items whose required
    photo is missing."""
    answers = {
        a.item_id: a
        for a in Answer.objects.filter(inspection=inspection).prefetch_related("photos")
    }
    unanswered, no_photo = [], []
    for item in Item.objects.filter(version_id=inspection.checklist_id):
        answer = answers.get(item.pk)
        if answer is None or answer.answered_at is None:
            unanswered.append(_label(item))
        elif (
            item.photo == PhotoRule.REQUIRED
            and answer.result != Result.NA
            and not answer.photos.all()
        ):
            no_photo.append(_label(item))
    return unanswered, no_photo


@transaction.atomic(durable=True)
def do_submit_inspection(
    inspection: Inspection,
    *,
    expected_version: int | None = None,
    site_representative: str | None = None,
    acknowledged: bool = False,
    notes: str | None = None,
    allow_incomplete: bool = False,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> Inspection:
    """Score and close the inspection, once. Every item must be answered (or marked not
    applicable) and required photos taken, else the refusal lists the item codes. Failed
    critical items raise nonconformities (``hooks.on_failed_critical``) in this transaction.
    ``allow_incomplete`` (the system only: demo, history) skips the completeness check."""
    now = now or timezone.now()
    current = _lock(inspection, None)
    _ensure_performer(acting_user, current)
    _ensure_open(current)
    if expected_version is not None and current.version != expected_version:
        raise locking.ConflictError(current, expected_version)
    if not (allow_incomplete and acting_user is None):
        unanswered, no_photo = missing_items(current)
        errors = []
        if unanswered:
            errors.append(
                _("Answer these items first: %(codes)s.") % {"codes": ", ".join(unanswered)}
            )
        if no_photo:
            errors.append(
                _("These items need a photo: %(codes)s.") % {"codes": ", ".join(no_photo)}
            )
        if errors:
            raise ValidationError({"answers": errors}, code="incomplete")
    _bump(current)
    before = audit.snapshot(current)
    for answer in Answer.objects.select_related("item").filter(inspection=current):
        if answer.answered_at is None:
            continue
        _score(answer, answer.item)
        answer.save(update_fields=["points", "max_points", "failed", "is_critical"])
    totals.refresh_totals(current)
    if site_representative is not None:
        current.site_representative = site_representative.strip()[:100]
    if acknowledged:
        if not current.site_representative:
            raise ValidationError(
                {"site_representative": _("Name the site representative who acknowledges it.")}
            )
        current.acknowledged_at = now
    if notes is not None:
        current.notes = notes.strip()
    if current.started_at is None:
        current.started_at = now
    current.status = InspectionStatus.SUBMITTED
    current.submitted_at = now
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    failed = list(
        Answer.objects.select_related("item").filter(
            inspection=current, failed=True, is_critical=True
        )
    )
    if failed:
        hooks.on_failed_critical(failed, acting_user=acting_user, channel=channel, now=now)
    return current

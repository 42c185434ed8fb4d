"""Checklist templates and their versions: create, edit a draft (settings, sections, items,
order), publish, copy into a new draft. Only a draft changes; a published or retired version
is what past inspections were scored on and is never touched again."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sqms.core import audit
from sqms.core.choices import AuditAction
from sqms.core.scoping import ensure_allowed
from sqms.inspections.choices import ChecklistStatus, Scoring
from sqms.inspections.models import ChecklistTemplate, Item, Section, TemplateVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

TEMPLATE_FIELDS = ("code", "name", "name_en", "kind", "description", "is_active")
VERSION_FIELDS = (
    "critical_rule",
    "cap_score",
    "pass_mark",
    "keep_photo_location",
    "scenario",
    "change_note",
)
SECTION_FIELDS = ("title", "title_en")
ITEM_FIELDS = (
    "code",
    "text",
    "text_en",
    "guidance",
    "scoring",
    "weight",
    "is_critical",
    "photo",
    "target",
    "tolerance",
    "unit",
    "standard_ref",
    "clause",
)
#: the refusal of every checklist edit by someone else
DENIED = gettext_lazy("Only quality managers edit checklists.")
_M = TypeVar("_M", ChecklistTemplate, TemplateVersion, Section, Item)


def ensure_draft(version: TemplateVersion) -> None:
    """Refuse any change to a published or retired version."""
    if version.status != ChecklistStatus.DRAFT:
        raise ValidationError(
            _(
                "%(version)s is %(status)s and can no longer change: inspections are scored "
                "on it. Make a new version to edit the checklist."
            )
            % {"version": version, "status": version.get_status_display().lower()},
            code="not_draft",
        )


def _set(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(obj, name, value)


def _save_new(
    obj: _M, *, acting_user: User | None, channel: str, exclude: tuple[str, ...] = ()
) -> _M:
    obj.full_clean(exclude=list(exclude))
    obj.save()
    audit.record(obj, AuditAction.CREATE, actor=acting_user, channel=channel)
    return obj


def _save_changed(obj: _M, before: Any, *, acting_user: User | None, channel: str) -> _M:
    obj.full_clean()
    obj.save()
    audit.record(obj, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return obj


def _locked_version(version: TemplateVersion) -> TemplateVersion:
    current = TemplateVersion.objects.select_for_update().select_related("template")
    return current.get(pk=version.pk)


# Templates ------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_create_template(
    data: dict[str, Any], *, acting_user: User | None, channel: str
) -> ChecklistTemplate:
    """A checklist template with an empty draft version 1."""
    ensure_allowed(acting_user, "add", ChecklistTemplate, message=str(DENIED))
    template = ChecklistTemplate()
    _set(template, data, TEMPLATE_FIELDS)
    if ChecklistTemplate.objects.filter(code=template.code).exists():
        raise ValidationError(
            {
                "code": _("A checklist with code “%(code)s” exists already.")
                % {"code": template.code}
            }
        )
    _save_new(template, acting_user=acting_user, channel=channel)
    version = TemplateVersion(template=template, number=1)
    _set(version, data, VERSION_FIELDS)
    _save_new(version, acting_user=acting_user, channel=channel)
    return template


@transaction.atomic(durable=True)
def do_update_template(
    template: ChecklistTemplate, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> ChecklistTemplate:
    """The template's name, description, kind and active flag (its content is in versions)."""
    ensure_allowed(acting_user, "change", template, message=str(DENIED))
    current = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    before = audit.snapshot(current)
    _set(current, {k: v for k, v in data.items() if k != "code"}, TEMPLATE_FIELDS)
    return _save_changed(current, before, acting_user=acting_user, channel=channel)


# Versions -------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_update_version(
    version: TemplateVersion, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> TemplateVersion:
    """A draft's settings: critical rule and cap, pass mark, photo location, scenario, note."""
    ensure_allowed(acting_user, "change", version, message=str(DENIED))
    current = _locked_version(version)
    ensure_draft(current)
    before = audit.snapshot(current)
    _set(current, data, VERSION_FIELDS)
    return _save_changed(current, before, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_publish_version(
    version: TemplateVersion,
    *,
    acting_user: User | None,
    channel: str,
    now: datetime | None = None,
) -> TemplateVersion:
    """Publish a draft: new inspections use it; the version published before it retires."""
    ensure_allowed(acting_user, "change", version, message=str(DENIED))
    now = now or timezone.now()
    current = _locked_version(version)
    ensure_draft(current)
    if not Item.objects.filter(version=current).exists():
        raise ValidationError(_("Add at least one item before publishing."), code="empty")
    for old in TemplateVersion.objects.select_for_update().filter(
        template_id=current.template_id, status=ChecklistStatus.PUBLISHED
    ):
        before = audit.snapshot(old)
        old.status = ChecklistStatus.RETIRED
        old.save(update_fields=["status"])
        audit.record(old, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    before = audit.snapshot(current)
    current.status = ChecklistStatus.PUBLISHED
    current.published_at = now
    current.published_by = acting_user if acting_user is not None else None
    current.save()
    audit.record(current, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)
    return current


def copy_into(source: TemplateVersion, target: TemplateVersion) -> None:
    """Copy the sections and items of ``source`` into the (empty) ``target``."""
    for section in source.sections.prefetch_related("items"):
        new_section = Section.objects.create(
            version=target,
            position=section.position,
            title=section.title,
            title_en=section.title_en,
        )
        for item in section.items.all():
            values = {name: getattr(item, name) for name in ITEM_FIELDS}
            Item.objects.create(section=new_section, position=item.position, **values)


@transaction.atomic(durable=True)
def do_new_version(
    template: ChecklistTemplate, *, acting_user: User | None, channel: str
) -> TemplateVersion:
    """A new draft, a copy of the latest version (its settings, sections and items)."""
    ensure_allowed(acting_user, "change", template, message=str(DENIED))
    locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    latest = locked.versions.order_by("-number").first()
    if latest is not None and latest.status == ChecklistStatus.DRAFT:
        raise ValidationError(
            _("%(version)s is still a draft: edit it instead of starting another.")
            % {"version": latest},
            code="draft_exists",
        )
    draft = TemplateVersion(template=locked, number=(latest.number + 1) if latest else 1)
    if latest is not None:
        for name in VERSION_FIELDS:
            setattr(draft, name, getattr(latest, name))
        draft.change_note = ""
    draft.save()
    if latest is not None:
        copy_into(latest, draft)
    audit.record(draft, AuditAction.CREATE, actor=acting_user, channel=channel)
    return draft


# Sections and items ---------------------------------------------------------------------------


def _next_position(qs: Any) -> int:
    top = qs.aggregate(m=Max("position"))["m"]
    return 0 if top is None else int(top) + 1


@transaction.atomic(durable=True)
def do_add_section(
    version: TemplateVersion, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Section:
    ensure_allowed(acting_user, "change", version, message=str(DENIED))
    current = _locked_version(version)
    ensure_draft(current)
    section = Section(version=current, position=_next_position(current.sections.all()))
    _set(section, data, SECTION_FIELDS)
    return _save_new(section, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_section(
    section: Section, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Section:
    ensure_allowed(acting_user, "change", section, message=str(DENIED))
    ensure_draft(_locked_version(section.version))
    current = Section.objects.get(pk=section.pk)
    before = audit.snapshot(current)
    _set(current, data, SECTION_FIELDS)
    return _save_changed(current, before, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_section(section: Section, *, acting_user: User | None, channel: str) -> None:
    """Delete a draft's section with its items."""
    ensure_allowed(acting_user, "delete", section, message=str(DENIED))
    ensure_draft(_locked_version(section.version))
    before = audit.snapshot(section)
    pk = section.pk
    section.delete()
    section.pk = pk
    audit.record(section, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)


def _item_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in ITEM_FIELDS}


def _check_item(item: Item) -> None:
    if item.scoring == Scoring.NUMERIC:
        if item.target is None:
            raise ValidationError({"target": _("A measured item needs a target value.")})
        if item.tolerance is None or item.tolerance < 0:
            raise ValidationError(
                {"tolerance": _("A measured item needs a tolerance of 0 or more.")}
            )
    if item.code and (
        Item.objects.filter(version_id=item.version_id, code=item.code).exclude(pk=item.pk).exists()
    ):
        raise ValidationError(
            {
                "code": _("Code “%(code)s” is used by another item of this version.")
                % {"code": item.code}
            }
        )


@transaction.atomic(durable=True)
def do_add_item(
    section: Section, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Item:
    ensure_allowed(acting_user, "change", section, message=str(DENIED))
    ensure_draft(_locked_version(section.version))
    return add_item(section, data, acting_user=acting_user, channel=channel)


def add_item(
    section: Section, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Item:
    """Write one item (the building block of ``do_add_item`` and the import)."""
    item = Item(section=section, version_id=section.version_id)
    item.position = _next_position(section.items.all())
    _set(item, _item_values(data), ITEM_FIELDS)
    _check_item(item)
    return _save_new(item, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_update_item(
    item: Item, data: dict[str, Any], *, acting_user: User | None, channel: str
) -> Item:
    ensure_allowed(acting_user, "change", item, message=str(DENIED))
    ensure_draft(_locked_version(item.version))
    current = Item.objects.select_related("section").get(pk=item.pk)
    before = audit.snapshot(current)
    _set(current, _item_values(data), ITEM_FIELDS)
    if "section" in data and data["section"] is not None:
        section = data["section"]
        if section.version_id != current.version_id:
            raise ValidationError({"section": _("Pick a section of the same version.")})
        current.section = section
    _check_item(current)
    return _save_changed(current, before, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_delete_item(item: Item, *, acting_user: User | None, channel: str) -> None:
    ensure_allowed(acting_user, "delete", item, message=str(DENIED))
    ensure_draft(_locked_version(item.version))
    before = audit.snapshot(item)
    pk = item.pk
    item.delete()
    item.pk = pk
    audit.record(item, AuditAction.DELETE, actor=acting_user, channel=channel, before=before)


def _swap(rows: list[Any], obj: Any, delta: int) -> list[Any]:
    index = next(i for i, r in enumerate(rows) if r.pk == obj.pk)
    other = index + delta
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    return rows


def _renumber(rows: list[Any], *, acting_user: User | None, channel: str) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            before = audit.snapshot(row)
            row.position = position
            row.save(update_fields=["position"])
            audit.record(row, AuditAction.UPDATE, actor=acting_user, channel=channel, before=before)


@transaction.atomic(durable=True)
def do_move_section(
    section: Section, delta: int, *, acting_user: User | None, channel: str
) -> None:
    """Move a section up (``delta`` -1) or down (+1) in its version."""
    ensure_allowed(acting_user, "change", section, message=str(DENIED))
    version = _locked_version(section.version)
    ensure_draft(version)
    rows = _swap(list(version.sections.all()), section, delta)
    _renumber(rows, acting_user=acting_user, channel=channel)


@transaction.atomic(durable=True)
def do_move_item(item: Item, delta: int, *, acting_user: User | None, channel: str) -> None:
    """Move an item up (``delta`` -1) or down (+1) in its section."""
    ensure_allowed(acting_user, "change", item, message=str(DENIED))
    ensure_draft(_locked_version(item.version))
    rows = _swap(list(Item.objects.filter(section_id=item.section_id)), item, delta)
    _renumber(rows, acting_user=acting_user, channel=channel)


# Import ---------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def do_import_checklist(
    data: bytes,
    *,
    code: str,
    name: str = "",
    kind: str | None = None,
    acting_user: User | None,
    channel: str,
) -> TemplateVersion:
    """Read a checklist file into a draft: a new template ``code`` (version 1), or a new draft
    version of the template with that code (an empty draft is filled). The whole file or
    nothing: any bad row raises a ``ValidationError`` listing every row and column at fault."""
    from sqms.inspections.checklist_file import parse

    ensure_allowed(acting_user, "add", ChecklistTemplate, message=str(DENIED))
    parsed = parse(data)
    if parsed.errors:
        raise ValidationError({"file": parsed.errors})
    template = ChecklistTemplate.objects.select_for_update().filter(code=code).first()
    if template is None:
        template = ChecklistTemplate(code=code, name=(name or code).strip())
        if kind:
            template.kind = kind
        try:
            template.full_clean()
        except ValidationError as exc:
            raise ValidationError({"code": exc.messages}) from None
        template.save()
        audit.record(template, AuditAction.CREATE, actor=acting_user, channel=channel)
    latest = template.versions.order_by("-number").first()
    if latest is not None and latest.status == ChecklistStatus.DRAFT:
        if Item.objects.filter(version=latest).exists():
            raise ValidationError(
                {
                    "code": _(
                        "%(version)s is a draft with items already; publish or empty it first."
                    )
                    % {"version": latest}
                },
                code="draft_exists",
            )
        version = latest
    else:
        version = TemplateVersion(template=template, number=(latest.number + 1) if latest else 1)
        if latest is not None:
            for field_name in VERSION_FIELDS:
                setattr(version, field_name, getattr(latest, field_name))
        version.change_note = _("Imported from a file.")
        version.save()
        audit.record(version, AuditAction.CREATE, actor=acting_user, channel=channel)
    start = _next_position(version.sections.all())
    for offset, (title, items) in enumerate(parsed.sections):
        section = Section.objects.create(version=version, position=start + offset, title=title)
        for values in items:
            add_item(section, values, acting_user=acting_user, channel=channel)
    return version

"""Checklist pages: the templates' list, a template with its versions, the version editor
(settings, sections, items, order, publish), a new version, and the import from a file.
Checklists are organisation-wide: everyone reads them, quality managers edit drafts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, add_errors, delete_page, detail_page, form_page
from sqms.inspections import actions
from sqms.inspections.filters import TEMPLATE_FILTERS
from sqms.inspections.forms import ImportForm, ItemForm, SectionForm, TemplateForm, VersionForm
from sqms.inspections.models import ChecklistTemplate, Item, Section, TemplateVersion


def _published(t: ChecklistTemplate) -> str:
    v = t.published_version()
    return f"v{v.number}" if v else "—"


TEMPLATE_LIST = ListSpec(
    title=gettext_lazy("Checklists"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda t: t.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda t: t.label, sort="name"),
        ListColumn("kind", gettext_lazy("Kind"), lambda t: t.get_kind_display(), sort="kind"),
        ListColumn("published", gettext_lazy("Published version"), _published),
        ListColumn("versions", gettext_lazy("Versions"), lambda t: t.version_count),
        ListColumn("active", gettext_lazy("Active"), lambda t: t.is_active, sort="is_active"),
    ],
    filterset=TEMPLATE_FILTERS,
    default_sort="code",
    export_name="checklists",
    empty_text=gettext_lazy("No checklists yet."),
)


def _ensure_editor(request: AuthenticatedHttpRequest) -> None:
    if not allowed(request.user, "change", ChecklistTemplate):
        raise PermissionDenied(_("Only quality managers edit checklists."))


def _back(request: AuthenticatedHttpRequest, url: str, exc: ValidationError) -> HttpResponse:
    messages.error(request, " ".join(exc.messages))
    return redirect(url)


@require_safe
@login_required
def template_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = ChecklistTemplate.objects.annotate(version_count=Count("versions"))
    editor = allowed(request.user, "add", ChecklistTemplate)
    return render_list(
        request,
        TEMPLATE_LIST,
        qs,
        template="inspections/checklist_list.html",
        extra={
            "create_url": reverse("inspections:template_create") if editor else None,
            "import_url": reverse("inspections:template_import") if editor else None,
        },
    )


@login_required
def template_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ensure_editor(request)
    form = TemplateForm(request.POST or None)

    def save(data: dict[str, Any]) -> TemplateVersion:
        template = actions.do_create_template(data, acting_user=request.user, channel=WEB)
        return template.versions.get()

    return form_page(request, form, save, _("New checklist"), reverse("inspections:template_list"))


@require_safe
@login_required
def template_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    versions = template.versions.annotate(
        item_count=Count("items", distinct=True),
        inspection_count=Count("inspections", distinct=True),
    ).order_by("-number")
    return detail_page(
        request,
        template,
        "inspections/checklist_detail.html",
        versions=versions,
        has_draft=any(v.is_editable for v in versions),
    )


@login_required
def template_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    form = TemplateForm(request.POST or None, instance=template, editing=True)

    def save(data: dict[str, Any]) -> ChecklistTemplate:
        return actions.do_update_template(template, data, acting_user=request.user, channel=WEB)

    title = _("Edit %(record)s") % {"record": template}
    return form_page(request, form, save, title, template.get_absolute_url())


@require_POST
@login_required
def template_new_version(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    template = get_object_or_404(ChecklistTemplate, pk=pk)
    try:
        draft = actions.do_new_version(template, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        return _back(request, template.get_absolute_url(), exc)
    messages.success(
        request, _("%(v)s is a new draft, a copy of the latest version.") % {"v": draft}
    )
    return redirect(draft.get_absolute_url())


@login_required
def template_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    _ensure_editor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = actions.do_import_checklist(
                upload.read(),
                code=form.cleaned_data["code"].strip(),
                name=form.cleaned_data["name"],
                acting_user=request.user,
                channel=WEB,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Imported into %(v)s (a draft: check it, then publish).") % {"v": version},
            )
            return redirect(version.get_absolute_url())
    return render(request, "inspections/checklist_import.html", {"form": form})


# The version editor ---------------------------------------------------------------------------


def _version(pk: int) -> TemplateVersion:
    return get_object_or_404(TemplateVersion.objects.select_related("template"), pk=pk)


@require_safe
@login_required
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(pk)
    sections = version.sections.prefetch_related(
        Prefetch("items", queryset=Item.objects.order_by("position", "id"))
    )
    editable = version.is_editable and allowed(request.user, "change", TemplateVersion)
    return detail_page(
        request,
        version,
        "inspections/checklist_version.html",
        sections=sections,
        editable=editable,
        settings_form=VersionForm(instance=version) if editable else None,
        section_form=SectionForm() if editable else None,
    )


@login_required
def version_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    version = _version(pk)
    form = VersionForm(request.POST or None, instance=version)

    def save(data: dict[str, Any]) -> TemplateVersion:
        return actions.do_update_version(version, data, acting_user=request.user, channel=WEB)

    title = _("Settings of %(v)s") % {"v": version}
    return form_page(request, form, save, title, version.get_absolute_url())


@require_POST
@login_required
def version_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    version = _version(pk)
    try:
        actions.do_publish_version(version, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        return _back(request, version.get_absolute_url(), exc)
    messages.success(request, _("%(v)s is published; new inspections use it.") % {"v": version})
    return redirect(version.get_absolute_url())


@require_POST
@login_required
def section_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    version = _version(pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _back(
            request, version.get_absolute_url(), ValidationError(_("Give the section a title."))
        )
    try:
        actions.do_add_section(version, form.cleaned_data, acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        return _back(request, version.get_absolute_url(), exc)
    return redirect(version.get_absolute_url())


def _section(pk: int) -> Section:
    return get_object_or_404(Section.objects.select_related("version", "version__template"), pk=pk)


def _item(pk: int) -> Item:
    return get_object_or_404(Item.objects.select_related("version", "section"), pk=pk)


def _refuse_published(
    request: AuthenticatedHttpRequest, version: TemplateVersion
) -> HttpResponse | None:
    try:
        actions.ensure_draft(version)
    except ValidationError as exc:
        return _back(request, version.get_absolute_url(), exc)
    return None


@login_required
def section_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    section = _section(pk)
    refused = _refuse_published(request, section.version)
    if refused:
        return refused
    form = SectionForm(request.POST or None, instance=section)

    def save(data: dict[str, Any]) -> TemplateVersion:
        actions.do_update_section(section, data, acting_user=request.user, channel=WEB)
        return section.version

    return form_page(request, form, save, _("Edit section"), section.version.get_absolute_url())


@login_required
def section_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    section = _section(pk)
    refused = _refuse_published(request, section.version)
    if refused:
        return refused

    def delete() -> None:
        try:
            actions.do_delete_section(section, acting_user=request.user, channel=WEB)
        except ValidationError as exc:  # published in between
            raise PermissionDenied(" ".join(exc.messages)) from None

    return delete_page(
        request,
        section,
        delete,
        section.version.get_absolute_url(),
        consequences=_("The section “%(s)s” and its %(n)d items are deleted.")
        % {"s": section, "n": section.items.count()},
    )


@require_POST
@login_required
def section_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    section = _section(pk)
    try:
        actions.do_move_section(section, _delta(request), acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        return _back(request, section.version.get_absolute_url(), exc)
    return redirect(section.version.get_absolute_url())


def _delta(request: AuthenticatedHttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


@login_required
def item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    section = _section(pk)
    refused = _refuse_published(request, section.version)
    if refused:
        return refused
    form = ItemForm(request.POST or None)

    def save(data: dict[str, Any]) -> TemplateVersion:
        actions.do_add_item(section, data, acting_user=request.user, channel=WEB)
        return section.version

    title = _("New item in “%(s)s”") % {"s": section}
    return form_page(request, form, save, title, section.version.get_absolute_url())


@login_required
def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    item = _item(pk)
    refused = _refuse_published(request, item.version)
    if refused:
        return refused
    form = ItemForm(request.POST or None, instance=item)

    def save(data: dict[str, Any]) -> TemplateVersion:
        actions.do_update_item(item, data, acting_user=request.user, channel=WEB)
        return item.version

    title = _("Edit item %(i)s") % {"i": item}
    return form_page(request, form, save, title, item.version.get_absolute_url())


@login_required
def item_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    item = _item(pk)
    refused = _refuse_published(request, item.version)
    if refused:
        return refused

    def delete() -> None:
        try:
            actions.do_delete_item(item, acting_user=request.user, channel=WEB)
        except ValidationError as exc:  # published in between
            raise PermissionDenied(" ".join(exc.messages)) from None

    return delete_page(
        request,
        item,
        delete,
        item.version.get_absolute_url(),
        consequences=_("The item “%(i)s” is deleted.") % {"i": item},
    )


@require_POST
@login_required
def item_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _ensure_editor(request)
    item = _item(pk)
    try:
        actions.do_move_item(item, _delta(request), acting_user=request.user, channel=WEB)
    except ValidationError as exc:
        return _back(request, item.version.get_absolute_url(), exc)
    return redirect(item.version.get_absolute_url())


urlpatterns: list[URLPattern] = [
    path("checklists/", template_list, name="template_list"),
    path("checklists/new/", template_create, name="template_create"),
    path("checklists/import/", template_import, name="template_import"),
    path("checklists/<int:pk>/", template_detail, name="template_detail"),
    path("checklists/<int:pk>/edit/", template_edit, name="template_edit"),
    path("checklists/<int:pk>/new-version/", template_new_version, name="template_new_version"),
    path("checklists/versions/<int:pk>/", version_detail, name="version_detail"),
    path("checklists/versions/<int:pk>/settings/", version_edit, name="version_edit"),
    path("checklists/versions/<int:pk>/publish/", version_publish, name="version_publish"),
    path("checklists/versions/<int:pk>/sections/", section_add, name="section_add"),
    path("checklists/sections/<int:pk>/edit/", section_edit, name="section_edit"),
    path("checklists/sections/<int:pk>/delete/", section_delete, name="section_delete"),
    path("checklists/sections/<int:pk>/move/", section_move, name="section_move"),
    path("checklists/sections/<int:pk>/items/", item_add, name="item_add"),
    path("checklists/items/<int:pk>/edit/", item_edit, name="item_edit"),
    path("checklists/items/<int:pk>/delete/", item_delete, name="item_delete"),
    path("checklists/items/<int:pk>/move/", item_move, name="item_move"),
]

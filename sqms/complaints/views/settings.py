"""Complaint settings pages under /complaints/settings/: SLA policies (with a "which policy
would a complaint get" preview), the category tree and keyword rules. Everyone in the
organisation reads them; quality managers change them (the actions check)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from sqms.complaints.actions import settings as actions
from sqms.complaints.choices import OPEN_STATUSES
from sqms.complaints.models import Category, Complaint, KeywordRule, SlaPolicy
from sqms.complaints.policies import choose_policy
from sqms.complaints.settings_filters import CATEGORY_FILTERS, POLICY_FILTERS, RULE_FILTERS
from sqms.complaints.settings_forms import CategoryForm, PolicyForm, PreviewForm, RuleForm
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.listing import ListColumn, ListSpec, render_list
from sqms.core.models import Site
from sqms.core.scoping import allowed
from sqms.core.views.generic import WEB, delete_page, detail_page, form_page


def _hours(value: Any) -> str:
    return "" if value is None else f"{value:g} h"


def conditions(policy: SlaPolicy) -> str:
    """The policy's conditions as one line ("any complaint" for none)."""
    parts = [
        str(p)
        for p in (
            policy.get_severity_display() if policy.severity else "",
            policy.category.label if policy.category_id and policy.category else "",
            policy.get_site_kind_display() if policy.site_kind else "",
            policy.get_channel_display() if policy.channel else "",
        )
        if p
    ]
    return " · ".join(parts) or _("any complaint")


# SLA policies ------------------------------------------------------------------------------

POLICY_LIST = ListSpec(
    title=gettext_lazy("SLA policies"),
    columns=[
        ListColumn("code", gettext_lazy("Code"), lambda p: p.code, sort="code", link=True),
        ListColumn("name", gettext_lazy("Name"), lambda p: p.name, sort="name"),
        ListColumn("priority", gettext_lazy("Priority"), lambda p: p.priority, sort="priority"),
        ListColumn("conditions", gettext_lazy("Applies to"), conditions),
        ListColumn(
            "response",
            gettext_lazy("First response"),
            lambda p: _hours(p.first_response_hours),
            sort="first_response_hours",
        ),
        ListColumn(
            "resolution",
            gettext_lazy("Resolution"),
            lambda p: _hours(p.resolution_hours),
            sort="resolution_hours",
        ),
        ListColumn("default", gettext_lazy("Default"), lambda p: p.is_default, sort="is_default"),
        ListColumn("active", gettext_lazy("Active"), lambda p: p.is_active, sort="is_active"),
        ListColumn(
            "open", gettext_lazy("Open complaints"), lambda p: p.open_count, sort="open_count"
        ),
    ],
    filterset=POLICY_FILTERS,
    default_sort="priority",
    export_name="sla-policies",
    empty_text=gettext_lazy("No SLA policies; complaints get no deadlines."),
)


def _policies(user: Any, action: str = "view") -> QuerySet[SlaPolicy]:
    return (
        SlaPolicy.objects.restrict(user, action)  # type: ignore[arg-type]
        .select_related("category")
        .annotate(open_count=Count("complaints", filter=Q(complaints__status__in=OPEN_STATUSES)))
    )


@require_safe
@login_required
def policy_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    create = (
        reverse("complaints:policy_create") if allowed(request.user, "add", SlaPolicy) else None
    )
    return render_list(
        request,
        POLICY_LIST,
        _policies(request.user),
        template="complaints/settings_list.html",
        extra={"create_url": create, "settings_tab": "policies"},
    )


@require_safe
@login_required
def policy_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(_policies(request.user), pk=pk)
    visible = Complaint.objects.restrict(request.user, "view").filter(policy=policy)
    return detail_page(
        request,
        policy,
        "complaints/settings_policy_detail.html",
        conditions=conditions(policy),
        open_total=policy.open_count,  # type: ignore[attr-defined]
        open_visible=visible.filter(status__in=OPEN_STATUSES).count(),
        used_total=Complaint.objects.filter(policy=policy).count(),
    )


@login_required
def policy_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", SlaPolicy):
        raise PermissionDenied
    return form_page(
        request,
        PolicyForm(request.POST or None),
        lambda data: actions.do_create_policy(data, acting_user=request.user, channel=WEB),
        _("New SLA policy"),
        reverse("complaints:policy_list"),
    )


@login_required
def policy_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy.objects.restrict(request.user, "change"), pk=pk)
    form = PolicyForm(request.POST or None, instance=SlaPolicy.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda data: actions.do_update_policy(policy, data, acting_user=request.user, channel=WEB),
        _("Edit SLA policy %(record)s") % {"record": policy},
        policy.get_absolute_url(),
    )


@login_required
def policy_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(SlaPolicy.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        policy,
        lambda: actions.do_delete_policy(policy, acting_user=request.user, channel=WEB),
        reverse("complaints:policy_list"),
        _("A policy that complaints use cannot be deleted; deactivate it instead."),
    )


def preview_policy(data: dict[str, Any]) -> SlaPolicy | None:
    """The policy a complaint of this severity, category, site kind and channel would get."""
    probe = Complaint(
        severity=data["severity"],
        channel=data["channel"],
        category=data.get("category"),
        site=Site(kind=data["site_kind"]),
    )
    return choose_policy(probe)


@require_safe
@login_required
def policy_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreviewForm(request.GET or None)
    chosen: SlaPolicy | None = None
    asked = form.is_bound and form.is_valid()
    if asked:
        chosen = preview_policy(form.cleaned_data)
    return render(
        request,
        "complaints/settings_policy_preview.html",
        {"form": form, "asked": asked, "chosen": chosen, "settings_tab": "preview"},
    )


# Categories --------------------------------------------------------------------------------


def tree(categories: list[Category]) -> list[tuple[Category, int]]:
    """``categories`` depth first (children by position, code) with their depth; a category
    whose parent is missing from the list starts a tree of its own."""
    by_parent: dict[int | None, list[Category]] = {}
    ids = {c.pk for c in categories}
    for c in categories:
        parent = c.parent_id if c.parent_id in ids else None
        by_parent.setdefault(parent, []).append(c)
    out: list[tuple[Category, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for c in sorted(by_parent.get(parent, []), key=lambda c: (c.position, c.code)):
            if c.pk in seen:
                continue
            seen.add(c.pk)
            out.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    out.extend((c, 0) for c in categories if c.pk not in seen)  # loops, should not exist
    return out


CATEGORY_LIST = ListSpec(
    title=gettext_lazy("Complaint categories"),
    columns=[
        ListColumn(
            "name",
            gettext_lazy("Category"),
            lambda c: "\u3000" * c.depth + ("└ " if c.depth else "") + c.label,
            sort="tree_order",
            link=True,
        ),
        ListColumn("code", gettext_lazy("Code"), lambda c: c.code, sort="code"),
        ListColumn("name_en", gettext_lazy("English name"), lambda c: c.name_en, sort="name_en"),
        ListColumn("position", gettext_lazy("Position"), lambda c: c.position, sort="position"),
        ListColumn("active", gettext_lazy("Active"), lambda c: c.is_active, sort="is_active"),
        ListColumn(
            "complaints",
            gettext_lazy("Complaints"),
            lambda c: c.complaint_count,
            sort="complaint_count",
        ),
    ],
    filterset=CATEGORY_FILTERS,
    default_sort="name",
    export_name="complaint-categories",
    empty_text=gettext_lazy("No categories yet."),
)


def tree_queryset(qs: QuerySet[Category]) -> QuerySet[Category]:
    """``qs`` annotated with ``tree_order`` and ``depth`` (the whole tree is small)."""
    order = tree(list(Category.objects.all()))
    if not order:
        return qs.annotate(tree_order=Value(0), depth=Value(0))
    return qs.annotate(
        tree_order=Case(
            *[When(pk=c.pk, then=Value(i)) for i, (c, _d) in enumerate(order)],
            default=Value(len(order)),
            output_field=IntegerField(),
        ),
        depth=Case(
            *[When(pk=c.pk, then=Value(d)) for c, d in order if d],
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


@require_safe
@login_required
def category_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = tree_queryset(Category.objects.restrict(request.user, "view")).annotate(
        complaint_count=Count("complaints")
    )
    create = (
        reverse("complaints:category_create") if allowed(request.user, "add", Category) else None
    )
    return render_list(
        request,
        CATEGORY_LIST,
        qs,
        template="complaints/settings_list.html",
        extra={"create_url": create, "settings_tab": "categories"},
    )


@login_required
def category_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", Category):
        raise PermissionDenied
    return form_page(
        request,
        CategoryForm(request.POST or None, initial={"parent": request.GET.get("parent")}),
        lambda data: actions.do_create_category(data, acting_user=request.user, channel=WEB),
        _("New complaint category"),
        reverse("complaints:category_list"),
    )


@login_required
def category_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category.objects.restrict(request.user, "change"), pk=pk)
    form = CategoryForm(request.POST or None, instance=Category.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda data: actions.do_update_category(
            category, data, acting_user=request.user, channel=WEB
        ),
        _("Edit category %(record)s") % {"record": category},
        reverse("complaints:category_list"),
    )


@login_required
def category_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category.objects.restrict(request.user, "change"), pk=pk)
    if request.method == "POST":
        try:
            count = actions.do_deactivate_category(category, acting_user=request.user, channel=WEB)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Deactivated %(count)d categor(ies); complaints keep them.") % {"count": count},
            )
        return redirect("complaints:category_list")
    below = len(actions.subtree_ids(category)) - 1
    return render(
        request,
        "complaints/settings_category_deactivate.html",
        {"obj": category, "below": below},
    )


# Keyword rules -----------------------------------------------------------------------------

RULE_LIST = ListSpec(
    title=gettext_lazy("Keyword rules"),
    columns=[
        ListColumn("name", gettext_lazy("Name"), lambda r: r.name, sort="name", link=True),
        ListColumn("words", gettext_lazy("Words"), lambda r: ", ".join(r.word_list)),
        ListColumn(
            "severity",
            gettext_lazy("Raises severity to"),
            lambda r: r.get_severity_display(),
            sort="severity",
        ),
        ListColumn(
            "category",
            gettext_lazy("Sets category"),
            lambda r: r.category.label if r.category else "",
            sort="category__code",
        ),
        ListColumn(
            "notify",
            gettext_lazy("Notifies"),
            lambda r: ", ".join(a.strip() for a in r.notify_emails.splitlines() if a.strip()),
        ),
        ListColumn("active", gettext_lazy("Active"), lambda r: r.is_active, sort="is_active"),
    ],
    filterset=RULE_FILTERS,
    default_sort="name",
    export_name="keyword-rules",
    empty_text=gettext_lazy("No keyword rules yet."),
)


@require_safe
@login_required
def rule_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    qs = KeywordRule.objects.restrict(request.user, "view").select_related("category")
    create = (
        reverse("complaints:rule_create") if allowed(request.user, "add", KeywordRule) else None
    )
    return render_list(
        request,
        RULE_LIST,
        qs,
        template="complaints/settings_list.html",
        extra={"create_url": create, "settings_tab": "rules"},
    )


@login_required
def rule_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not allowed(request.user, "add", KeywordRule):
        raise PermissionDenied
    return form_page(
        request,
        RuleForm(request.POST or None),
        lambda data: actions.do_create_rule(data, acting_user=request.user, channel=WEB),
        _("New keyword rule"),
        reverse("complaints:rule_list"),
    )


@login_required
def rule_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(KeywordRule.objects.restrict(request.user, "change"), pk=pk)
    form = RuleForm(request.POST or None, instance=KeywordRule.objects.get(pk=pk))
    return form_page(
        request,
        form,
        lambda data: actions.do_update_rule(rule, data, acting_user=request.user, channel=WEB),
        _("Edit keyword rule %(record)s") % {"record": rule},
        reverse("complaints:rule_list"),
    )


@login_required
def rule_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(KeywordRule.objects.restrict(request.user, "delete"), pk=pk)
    return delete_page(
        request,
        rule,
        lambda: actions.do_delete_rule(rule, acting_user=request.user, channel=WEB),
        reverse("complaints:rule_list"),
        _("Complaints it already changed keep their severity and category."),
    )


urlpatterns: list[URLPattern] = [
    path("settings/policies/", policy_list, name="policy_list"),
    path("settings/policies/new/", policy_create, name="policy_create"),
    path("settings/policies/preview/", policy_preview, name="policy_preview"),
    path("settings/policies/<int:pk>/", policy_detail, name="policy_detail"),
    path("settings/policies/<int:pk>/edit/", policy_edit, name="policy_edit"),
    path("settings/policies/<int:pk>/delete/", policy_delete, name="policy_delete"),
    path("settings/categories/", category_list, name="category_list"),
    path("settings/categories/new/", category_create, name="category_create"),
    path("settings/categories/<int:pk>/edit/", category_edit, name="category_edit"),
    path(
        "settings/categories/<int:pk>/deactivate/",
        category_deactivate,
        name="category_deactivate",
    ),
    path("settings/rules/", rule_list, name="rule_list"),
    path("settings/rules/new/", rule_create, name="rule_create"),
    path("settings/rules/<int:pk>/edit/", rule_edit, name="rule_edit"),
    path("settings/rules/<int:pk>/delete/", rule_delete, name="rule_delete"),
]

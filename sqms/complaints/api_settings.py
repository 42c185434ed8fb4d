"""API of the complaint settings under /api/v1/complaints/settings/: SLA policies, categories
and keyword rules (list, get, create, patch, delete). Everyone reads them; writes go through
the actions (quality managers only)."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sqms.complaints.actions import settings as actions
from sqms.complaints.choices import IntakeChannel, Severity
from sqms.complaints.models import Category, KeywordRule, SlaPolicy
from sqms.complaints.settings_filters import CATEGORY_FILTERS, POLICY_FILTERS, RULE_FILTERS
from sqms.core.api_schemas import patch_fields
from sqms.core.choices import Channel, SiteKind
from sqms.core.http import AuthenticatedHttpRequest
from sqms.core.pagination import BoundedPagination, DbId

router = Router(tags=["complaint settings"])
API = Channel.API

if TYPE_CHECKING:
    from ninja import FilterSchema

    PolicyFilter = FilterSchema
    CategoryFilter = FilterSchema
    RuleFilter = FilterSchema
else:
    PolicyFilter = POLICY_FILTERS.schema("SlaPolicyFilter")
    CategoryFilter = CATEGORY_FILTERS.schema("ComplaintCategoryFilter")
    RuleFilter = RULE_FILTERS.schema("KeywordRuleFilter")

Hours = Field(None, gt=0, le=99999, description="business hours of the site's calendar")


# Schemas -----------------------------------------------------------------------------------


class PolicyOut(Schema):
    id: int
    code: str
    name: str
    priority: int
    severity: str
    category_id: int | None
    site_kind: str
    channel: str
    is_default: bool
    is_active: bool
    first_response_hours: Decimal
    update_interval_hours: Decimal | None
    resolution_hours: Decimal
    warning_share: Decimal
    site_manager_hours: Decimal
    region_manager_hours: Decimal


class PolicyIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=200)
    priority: int = Field(100, ge=0, le=32767)
    severity: Severity | None = None
    category_id: DbId | None = None
    site_kind: SiteKind | None = None
    channel: IntakeChannel | None = None
    is_default: bool = False
    is_active: bool = True
    first_response_hours: Decimal = Field(Decimal("4"), gt=0, le=99999)
    update_interval_hours: Decimal | None = Hours
    resolution_hours: Decimal = Field(Decimal("24"), gt=0, le=99999)
    warning_share: Decimal = Field(Decimal("0.80"), ge=Decimal("0.10"), le=Decimal("0.99"))
    site_manager_hours: Decimal = Field(Decimal("4"), gt=0, le=99999)
    region_manager_hours: Decimal = Field(Decimal("8"), gt=0, le=99999)


class PolicyPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=200)
    priority: int | None = Field(None, ge=0, le=32767)
    severity: Severity | None = Field(None, description='"" clears the condition')
    category_id: DbId | None = None
    site_kind: SiteKind | None = None
    channel: IntakeChannel | None = None
    is_default: bool | None = None
    is_active: bool | None = None
    first_response_hours: Decimal | None = Field(None, gt=0, le=99999)
    update_interval_hours: Decimal | None = Hours
    resolution_hours: Decimal | None = Field(None, gt=0, le=99999)
    warning_share: Decimal | None = Field(None, ge=Decimal("0.10"), le=Decimal("0.99"))
    site_manager_hours: Decimal | None = Field(None, gt=0, le=99999)
    region_manager_hours: Decimal | None = Field(None, gt=0, le=99999)


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    parent_id: int | None
    position: int
    is_active: bool


class CategoryIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    parent_id: DbId | None = None
    position: int = Field(0, ge=0, le=32767)
    is_active: bool = True


class CategoryPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=32)
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    parent_id: DbId | None = Field(None, description="null makes it a top-level category")
    position: int | None = Field(None, ge=0, le=32767)
    is_active: bool | None = None


class RuleOut(Schema):
    id: int
    name: str
    words: list[str]
    severity: str
    category_id: int | None
    notify_emails: list[str]
    is_active: bool

    @staticmethod
    def resolve_words(obj: KeywordRule) -> list[str]:
        return obj.word_list

    @staticmethod
    def resolve_notify_emails(obj: KeywordRule) -> list[str]:
        return [a.strip() for a in obj.notify_emails.splitlines() if a.strip()]


class RuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    words: list[str] = Field(..., min_length=1, max_length=500)
    severity: Severity | None = None
    category_id: DbId | None = None
    notify_emails: list[str] = Field(default_factory=list, max_length=50)
    is_active: bool = True


class RulePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    words: list[str] | None = Field(None, min_length=1, max_length=500)
    severity: Severity | None = None
    category_id: DbId | None = None
    notify_emails: list[str] | None = Field(None, max_length=50)
    is_active: bool | None = None


class DeactivatedOut(Schema):
    deactivated: int
    at: dt.datetime


# Helpers -----------------------------------------------------------------------------------

#: fields a PATCH may set to null (meaning "no condition" / "no parent" / "no category")
NULLABLE = {"severity", "category_id", "site_kind", "channel", "parent_id", "update_interval_hours"}
#: text fields whose "none" is stored as ""
BLANK_TEXT = {"severity", "site_kind", "channel"}


def _data(request: AuthenticatedHttpRequest, payload: Schema, *, patch: bool) -> dict[str, Any]:
    """The payload as action data: ids become records (seen through ``restrict``), lists of
    words and addresses become lines, a cleared text condition becomes ""."""
    data = patch_fields(payload, nullable=NULLABLE, partial=patch)
    for name in BLANK_TEXT & set(data):
        data[name] = data[name] or ""
    for name, target in (("category_id", "category"), ("parent_id", "parent")):
        if name in data:
            pk = data.pop(name)
            data[target] = (
                None
                if pk is None
                else get_object_or_404(Category.objects.restrict(request.user, "view"), pk=pk)
            )
    for name in ("words", "notify_emails"):
        if name in data:
            data[name] = "\n".join(str(w).strip() for w in data[name] if str(w).strip())
    return data


# SLA policies ------------------------------------------------------------------------------


@router.get("/policies", response=list[PolicyOut])
@paginate(BoundedPagination)
def list_sla_policies(request: AuthenticatedHttpRequest, filters: Query[PolicyFilter]) -> Any:
    return filters.filter(SlaPolicy.objects.restrict(request.user, "view"))


@router.get("/policies/{policy_id}", response=PolicyOut)
def get_sla_policy(request: AuthenticatedHttpRequest, policy_id: DbId) -> Any:
    return get_object_or_404(SlaPolicy.objects.restrict(request.user, "view"), pk=policy_id)


@router.post("/policies", response={201: PolicyOut})
def create_sla_policy(request: AuthenticatedHttpRequest, payload: PolicyIn) -> Any:
    data = _data(request, payload, patch=False)
    return Status(201, actions.do_create_policy(data, acting_user=request.user, channel=API))


@router.patch("/policies/{policy_id}", response=PolicyOut)
def update_sla_policy(
    request: AuthenticatedHttpRequest, policy_id: DbId, payload: PolicyPatch
) -> Any:
    policy = get_object_or_404(SlaPolicy.objects.restrict(request.user, "change"), pk=policy_id)
    data = _data(request, payload, patch=True)
    return actions.do_update_policy(policy, data, acting_user=request.user, channel=API)


@router.delete("/policies/{policy_id}", response={204: None})
def delete_sla_policy(request: AuthenticatedHttpRequest, policy_id: DbId) -> Any:
    """Refused (422) while a complaint uses the policy, and for the default policy."""
    policy = get_object_or_404(SlaPolicy.objects.restrict(request.user, "delete"), pk=policy_id)
    actions.do_delete_policy(policy, acting_user=request.user, channel=API)
    return Status(204, None)


# Categories --------------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut])
@paginate(BoundedPagination)
def list_complaint_categories(
    request: AuthenticatedHttpRequest, filters: Query[CategoryFilter]
) -> Any:
    return filters.filter(Category.objects.restrict(request.user, "view"))


@router.get("/categories/{category_id}", response=CategoryOut)
def get_complaint_category(request: AuthenticatedHttpRequest, category_id: DbId) -> Any:
    return get_object_or_404(Category.objects.restrict(request.user, "view"), pk=category_id)


@router.post("/categories", response={201: CategoryOut})
def create_complaint_category(request: AuthenticatedHttpRequest, payload: CategoryIn) -> Any:
    data = _data(request, payload, patch=False)
    return Status(201, actions.do_create_category(data, acting_user=request.user, channel=API))


@router.patch("/categories/{category_id}", response=CategoryOut)
def update_complaint_category(
    request: AuthenticatedHttpRequest, category_id: DbId, payload: CategoryPatch
) -> Any:
    """A parent below the category itself (a loop) is refused (422)."""
    category = get_object_or_404(Category.objects.restrict(request.user, "change"), pk=category_id)
    data = _data(request, payload, patch=True)
    return actions.do_update_category(category, data, acting_user=request.user, channel=API)


@router.delete("/categories/{category_id}", response=DeactivatedOut)
def deactivate_complaint_category(request: AuthenticatedHttpRequest, category_id: DbId) -> Any:
    """Categories are never deleted (complaints keep them): this deactivates the category
    and its subcategories."""
    category = get_object_or_404(Category.objects.restrict(request.user, "change"), pk=category_id)
    count = actions.do_deactivate_category(category, acting_user=request.user, channel=API)
    return DeactivatedOut(deactivated=count, at=dt.datetime.now(dt.UTC))


# Keyword rules -----------------------------------------------------------------------------


@router.get("/keyword-rules", response=list[RuleOut])
@paginate(BoundedPagination)
def list_keyword_rules(request: AuthenticatedHttpRequest, filters: Query[RuleFilter]) -> Any:
    return filters.filter(KeywordRule.objects.restrict(request.user, "view"))


@router.get("/keyword-rules/{rule_id}", response=RuleOut)
def get_keyword_rule(request: AuthenticatedHttpRequest, rule_id: DbId) -> Any:
    return get_object_or_404(KeywordRule.objects.restrict(request.user, "view"), pk=rule_id)


@router.post("/keyword-rules", response={201: RuleOut})
def create_keyword_rule(request: AuthenticatedHttpRequest, payload: RuleIn) -> Any:
    data = _data(request, payload, patch=False)
    return Status(201, actions.do_create_rule(data, acting_user=request.user, channel=API))


@router.patch("/keyword-rules/{rule_id}", response=RuleOut)
def update_keyword_rule(
    request: AuthenticatedHttpRequest, rule_id: DbId, payload: RulePatch
) -> Any:
    rule = get_object_or_404(KeywordRule.objects.restrict(request.user, "change"), pk=rule_id)
    data = _data(request, payload, patch=True)
    return actions.do_update_rule(rule, data, acting_user=request.user, channel=API)


@router.delete("/keyword-rules/{rule_id}", response={204: None})
def delete_keyword_rule(request: AuthenticatedHttpRequest, rule_id: DbId) -> Any:
    rule = get_object_or_404(KeywordRule.objects.restrict(request.user, "delete"), pk=rule_id)
    actions.do_delete_rule(rule, acting_user=request.user, channel=API)
    return Status(204, None)

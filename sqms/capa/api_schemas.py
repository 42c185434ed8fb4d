"""Request and response shapes of the CAPA API (``sqms.capa.api``)."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from sqms.capa.choices import (
    ActionKind,
    ActionStatus,
    MetricKind,
    NcSeverity,
    Origin,
    SixM,
    Stage,
    Verdict,
)
from sqms.capa.models import Action
from sqms.core.api_schemas import UploadIn
from sqms.core.pagination import DbId


class NcOut(Schema):
    id: int
    reference: str
    site_id: int | None
    title: str
    description: str
    severity: NcSeverity
    origin: Origin
    complaint_referral_id: int | None
    inspection_answer_id: int | None
    audit_finding_id: int | None
    source_ref: str
    source_url: str
    containment: str
    stage: Stage
    owner_id: int | None
    due_date: dt.date | None
    cycle: int
    raised_at: dt.datetime
    closed_at: dt.datetime | None
    cancel_reason: str
    source_overturned: str = Field(
        ..., description="set when an upheld inspection dispute overturned the source result"
    )
    is_overdue: bool = False
    version: int


class NcIn(Schema):
    site_id: DbId | None = Field(None, description="Empty: chain-wide (quality managers only).")
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=20000)
    severity: NcSeverity = NcSeverity.MINOR
    origin: Origin = Field(Origin.MANUAL, description="manual, survey_gap or kpi_alarm.")
    source_ref: str = Field("", max_length=200)
    source_url: str = Field("", max_length=500)
    containment: str = Field("", max_length=20000)
    owner_id: DbId | None = None
    due_date: dt.date | None = None


class NcPatch(Schema):
    version: int = Field(..., ge=1, description="The version you read; a stale one is a 409.")
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20000)
    severity: NcSeverity | None = None
    source_ref: str | None = Field(None, max_length=200)
    source_url: str | None = Field(None, max_length=500)
    containment: str | None = Field(None, max_length=20000)
    owner_id: DbId | None = None
    due_date: dt.date | None = None


class NcTransitionIn(Schema):
    transition: str = Field(
        ..., max_length=40, description="analyse, plan, back_to_analysis, start, verify, cancel."
    )
    version: int = Field(..., ge=1)
    reason: str = Field("", max_length=5000)


class ActionOut(Schema):
    id: int
    nonconformity_id: int
    cycle: int
    kind: ActionKind
    description: str
    owner_id: int | None
    due_date: dt.date
    status: ActionStatus
    done_at: dt.datetime | None
    done_note: str
    escalation_level: int
    is_overdue: bool = False
    evidence: list[str] = []

    @staticmethod
    def resolve_evidence(obj: Action) -> list[str]:
        return [e.name for e in obj.evidence.all()]


class ActionIn(Schema):
    kind: ActionKind
    description: str = Field(..., min_length=1, max_length=5000)
    due_date: dt.date
    owner_id: DbId | None = None


class ActionPatch(Schema):
    kind: ActionKind | None = None
    description: str | None = Field(None, min_length=1, max_length=5000)
    due_date: dt.date | None = None
    owner_id: DbId | None = None


class NoteIn(Schema):
    note: str = Field("", max_length=5000)


class WhyOut(Schema):
    id: int
    position: int
    question: str
    answer: str
    is_root: bool
    cause_id: int | None


class WhyIn(Schema):
    question: str = Field("", max_length=300)
    answer: str = Field(..., min_length=1, max_length=2000)
    is_root: bool = False
    cause_id: DbId | None = None


class WhyPatch(Schema):
    question: str | None = Field(None, max_length=300)
    answer: str | None = Field(None, min_length=1, max_length=2000)
    is_root: bool | None = None
    cause_id: DbId | None = None


class FishOut(Schema):
    id: int
    category: SixM
    text: str
    cause_id: int | None
    is_root: bool


class FishIn(Schema):
    category: SixM | None = None
    text: str = Field("", max_length=300)
    cause_id: DbId | None = None
    is_root: bool = False


class VerificationOut(Schema):
    id: int
    cycle: int
    metric: MetricKind
    params: dict[str, Any]
    before_start: dt.datetime | None
    before_end: dt.datetime | None
    after_start: dt.datetime | None
    after_end: dt.datetime | None
    before_value: float | None
    after_value: float | None
    before_n: int | None
    after_n: int | None
    unit: str
    test: str
    p_value: float | None
    estimate: float | None
    estimate_name: str
    proposed: Verdict
    verdict: str
    decided_by_id: int | None
    decided_at: dt.datetime | None
    note: str


class ProposeIn(Schema):
    metric: MetricKind
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="window_days; item (item_pass_rate), category (complaint_rate), dimension "
        "(survey_gap), before/after/unit/higher_is_better/proposed (manual).",
    )
    note: str = Field("", max_length=5000)


class ConfirmIn(Schema):
    verdict: Verdict
    version: int = Field(..., ge=1)
    note: str = Field("", max_length=5000)


class ReferralQueueOut(Schema):
    id: int
    title: str
    description: str
    site_id: int | None
    status: str
    created_at: dt.datetime


class CauseOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    category: SixM
    description: str
    is_active: bool


class CauseIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    category: SixM
    description: str = Field("", max_length=5000)
    is_active: bool = True


class EvidenceIn(Schema):
    files: list[UploadIn] = Field(..., min_length=1, max_length=10)

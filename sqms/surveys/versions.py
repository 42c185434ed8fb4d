"""What changes when a campaign moves to a newer version of its instrument: questions added,
removed and changed (field by field), compared by question code. Read-only; the move itself
is ``actions.do_move_campaign_version``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqms.surveys.models import Campaign, Instrument, Question

#: the question fields whose change a quality manager must see before moving
COMPARED = (
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


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass
class InstrumentDiff:
    old: Instrument
    new: Instrument
    added: list[Question] = field(default_factory=list)
    removed: list[Question] = field(default_factory=list)
    changed: list[tuple[Question, list[FieldChange]]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_instruments(old: Instrument, new: Instrument) -> InstrumentDiff:
    before = {q.code: q for q in old.questions.order_by("order", "id")}
    after = {q.code: q for q in new.questions.order_by("order", "id")}
    out = InstrumentDiff(old, new)
    out.added = [q for code, q in after.items() if code not in before]
    out.removed = [q for code, q in before.items() if code not in after]
    for code, q in after.items():
        if code in before:
            changes = [
                FieldChange(name, getattr(before[code], name), getattr(q, name))
                for name in COMPARED
                if getattr(before[code], name) != getattr(q, name)
            ]
            if changes:
                out.changed.append((q, changes))
    return out


def newer_version(campaign: Campaign) -> Instrument | None:
    """The current version of the campaign's instrument when it is later than the campaign's."""
    current = (
        Instrument.objects.filter(code=campaign.instrument.code, is_current=True)
        .order_by("-version")
        .first()
    )
    if current is None or current.version <= campaign.instrument.version:
        return None
    return current

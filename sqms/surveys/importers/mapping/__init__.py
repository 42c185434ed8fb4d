"""Column → question mapping: the contracts (:mod:`.spec`), answer labels (:mod:`.labels`),
the proposal (:mod:`.propose`) and its application (:mod:`.plan`)."""

from __future__ import annotations

from .labels import label_number, propose_labels
from .plan import MappingPlan, apply_mapping, iter_apply_mapping
from .propose import is_meta_column, propose_mapping, split_scale
from .spec import META_TARGETS, CellError, MappedRow, Mapping, QuestionSpec

__all__ = [
    "META_TARGETS",
    "CellError",
    "MappedRow",
    "Mapping",
    "MappingPlan",
    "QuestionSpec",
    "apply_mapping",
    "is_meta_column",
    "iter_apply_mapping",
    "label_number",
    "propose_labels",
    "propose_mapping",
    "split_scale",
]

"""The mapping's contracts: an instrument's questions as the importer sees them, a column →
target mapping (saved as a preset), a mapped row and a cell error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..messages import render

NUMERIC_KINDS = frozenset({"likert", "scale010", "dual", "number"})
#: Metadata targets a column may map to, in the order the import page lists them.
META_TARGETS = ("@site", "@service", "@submitted_at", "@external_id", "@language", "@channel")


@dataclass(frozen=True)
class QuestionSpec:
    """One answer-column group of an instrument. ``kind``: ``likert``, ``scale010``, ``single``,
    ``multi``, ``text``, ``number`` or ``dual`` (an E and a P score, targets ``CODE.E``/``.P``)."""

    code: str
    text: str
    alt_texts: tuple[str, ...] = ()
    kind: str = "likert"
    scale_min: int | None = None
    scale_max: int | None = None
    options: tuple[tuple[str, str], ...] = ()

    def targets(self) -> list[str]:
        return [f"{self.code}.E", f"{self.code}.P"] if self.kind == "dual" else [self.code]


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, int | str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {"version": 1, "columns": dict(self.columns),
                "labels": {t: dict(m) for t, m in self.labels.items()}}  # fmt: skip

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Mapping:
        cols = d.get("columns", {})
        labels = d.get("labels", {})
        if not isinstance(cols, dict) or not isinstance(labels, dict):
            raise ValueError("a mapping preset needs 'columns' and 'labels' objects")
        out_labels: dict[str, dict[str, int | str]] = {}
        for t, m in labels.items():
            if not isinstance(m, dict):
                raise ValueError(f"labels for {t!r} must be an object")
            out_labels[str(t)] = {str(k): v if isinstance(v, int) else str(v) for k, v in m.items()}
        return cls({str(k): str(v) for k, v in cols.items()}, out_labels)


@dataclass(slots=True)
class MappedRow:
    line: int
    external_id: str | None
    submitted_at: datetime | None
    meta: dict[str, str]
    answers: dict[str, int | float | str | list[str]]


@dataclass(frozen=True)
class CellError:
    line: int
    column: str
    message: str
    code: str = ""
    params: dict[str, object] = field(default_factory=dict, hash=False)

    @classmethod
    def make(cls, code: str, line: int, column: str, **params: object) -> CellError:
        return cls(line, column, render(code, line, column, params), code, params)

"""The plain data a management-review report is made of (shared by every renderer)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

Value = str | int | float | None


@dataclass
class Series:
    name: str
    values: list[float | None]
    style: str = "line"  # "line", "dash" (limits, centre line), "bar"


@dataclass
class Chart:
    title: str
    labels: list[str]
    series: list[Series]
    flagged: list[int] = field(default_factory=list)  # indexes of points with a signal


@dataclass
class Metric:
    """One headline number of a section, with its value in the previous period (for the
    summary's movements); ``higher_is_better`` None: neither direction is good."""

    key: str
    label: str
    current: float | None
    previous: float | None
    higher_is_better: bool | None = True
    percent: bool = False


@dataclass
class Section:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Value]]
    metrics: list[Metric] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    note: str = ""


@dataclass
class Review:
    period: str
    previous_period: str
    date_from: str
    date_to: str
    scope_level: str
    scope_code: str
    scope_label: str
    language: str
    sections: list[Section]
    summary: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

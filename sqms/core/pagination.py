"""Bounded pages for every API list, and the types that keep ids inside the database's range.

A list takes ``limit`` (default 50, at most 1,000) and ``offset`` (at most 1,000,000; deeper
bulk reads use an endpoint's cursor, e.g. a campaign's responses). Values outside the bounds,
and ids beyond a 64-bit integer, are answered 422 naming the parameter before any query runs.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

PAGE_DEFAULT = 50
PAGE_MAX = 1000
OFFSET_MAX = 1_000_000
ID_MAX = 2**63 - 1  # BIGINT / SQLite INTEGER

#: a record id in a path or query parameter: 1 … 2⁶³−1
DbId = Annotated[int, Field(ge=1, le=ID_MAX)]


class BoundedPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            PAGE_DEFAULT, ge=1, le=PAGE_MAX, description=f"Items per page, 1–{PAGE_MAX}."
        )
        offset: int = Field(
            0,
            ge=0,
            le=OFFSET_MAX,
            description=f"Items to skip, 0–{OFFSET_MAX:,}; read deeper with a cursor endpoint.",
        )

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=PAGE_MAX, **kwargs)

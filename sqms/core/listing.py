"""List pages: search, filters, sorting, pagination and CSV/XLSX export from one definition.

A view describes its list with :class:`ListSpec` and calls :func:`render_list`; the same spec
drives the HTML table and the ``?export=csv|xlsx`` download, so both always agree. Search and
filters come from the model's :class:`~sqms.core.filtersets.FilterSet`, which the API shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from sqms.core import exports
from sqms.core.filtersets import FilterSet


@dataclass(frozen=True)
class ListColumn:
    name: str  # key in the row, and the sort key unless ``sort`` says otherwise
    label: Any
    value: Callable[[Any], Any]
    sort: str | None = None  # ORM ordering expression; None = not sortable
    link: bool = False  # render as a link to the row's get_absolute_url


@dataclass(frozen=True)
class ListSpec:
    title: Any
    columns: list[ListColumn]
    filterset: FilterSet = field(default_factory=FilterSet)
    default_sort: str = ""
    export_name: str = "export"
    create_url: str | None = None
    empty_text: Any = ""


def apply_query(
    spec: ListSpec, request: HttpRequest, qs: QuerySet[Any]
) -> tuple[QuerySet[Any], dict[str, Any]]:
    """Search, filter and sort ``qs`` from the request's query string."""
    qs, state = spec.filterset.apply(request, qs)
    sortable = {c.name: c.sort for c in spec.columns if c.sort}
    sort = request.GET.get("sort", spec.default_sort)
    key = sort.lstrip("-")
    if key in sortable:
        expr = sortable[key]
        qs = qs.order_by(f"-{expr}" if sort.startswith("-") else expr, "pk")
        state["sort"] = sort
    else:
        state["sort"] = ""
    return qs, state


def export_rows(
    spec: ListSpec, qs: QuerySet[Any], fmt: str
) -> StreamingHttpResponse | FileResponse:
    """The list's rows as a streamed CSV or XLSX download (see :mod:`sqms.core.exports`)."""
    header = [str(c.label) for c in spec.columns]
    rows = ([_cell(c.value(obj)) for c in spec.columns] for obj in qs.iterator(chunk_size=2000))
    filename = exports.stamped(spec.export_name, fmt)
    if fmt == "xlsx":
        return exports.xlsx_download(filename, spec.export_name, header, rows)
    return exports.csv_download(filename, header, rows)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | str):
        return value
    return str(value)


def render_list(
    request: HttpRequest,
    spec: ListSpec,
    qs: QuerySet[Any],
    template: str = "core/list.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponseBase:
    qs, state = apply_query(spec, request, qs)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export_rows(spec, qs, fmt)
    page = Paginator(qs, _page_size(request)).get_page(request.GET.get("page"))
    rows = [
        {
            "obj": obj,
            "url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None,
            "cells": [(c, c.value(obj)) for c in spec.columns],
        }
        for obj in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    headers = []
    for col in spec.columns:
        current = state["sort"]
        direction = "asc" if current == col.name else "desc" if current == f"-{col.name}" else ""
        next_sort = f"-{col.name}" if direction == "asc" else col.name
        headers.append(
            {"column": col, "sortable": bool(col.sort), "next": next_sort, "dir": direction}
        )
    sort_query = request.GET.copy()
    for key in ("page", "export", "sort"):
        sort_query.pop(key, None)
    context = {
        "spec": spec,
        "headers": headers,
        "sort_querystring": sort_query.urlencode(),
        "page": page,
        "rows": rows,
        "state": state,
        "filters": [
            (f, f.choices(request), state["filters"].get(f.name, ""))
            for f in spec.filterset.page_filters()
        ],
        "querystring": query.urlencode(),
        **(extra or {}),
    }
    return render(request, template, context)


def _page_size(request: HttpRequest) -> int:
    from django.conf import settings

    try:
        size = int(request.GET.get("per_page", settings.SQMS_PAGE_SIZE))
    except ValueError:
        size = settings.SQMS_PAGE_SIZE
    return max(5, min(size, 200))

"""One filter definition per model, shared by its list page, its exports and its API.

A :class:`FilterSet` names the fields ``?q=`` searches and the filters a model offers. The list
page (:mod:`sqms.core.listing`) reads it to draw the filter bar and narrow the rows (and so the
CSV/XLSX export, which is the same rows); the API builds its ninja ``FilterSchema`` from it with
:meth:`FilterSet.schema`, so OpenAPI documents the same filters with their types::

    SITE_FILTERS = FilterSet(
        search=("code", "name", "city"),
        filters=(
            RelatedFilter("region", gettext_lazy("Region"), "region_id", Region, api_name="region_id"),
            ChoiceFilter("kind", gettext_lazy("Kind"), "kind", SiteKind),
            BooleanFilter("active", gettext_lazy("Active"), "is_active", api_name="is_active"),
        ),
    )

A list page only accepts a value it offers (a site outside the user's scope is not a choice, so
``?region=<other>`` is ignored); the API validates types and answers 422 for a wrong one, and the
rows are restricted by the caller's ``restrict`` either way. ``api_name`` keeps the API's
parameter names (``region_id``) where the page's are shorter; ``api_name=""`` keeps a filter off
the API and :class:`ValueFilter` is a typed filter offered by the API only (dates, codes).

Reports read one filter bar over several models (survey rollups and raw responses; complaints
and their monthly volumes). :meth:`FilterSet.narrow` applies values already parsed to any
queryset, each filter through its own lookup unless that model names another::

    REPORT_FILTERS.narrow(Rollup.objects.restrict(user), values)
    REPORT_FILTERS.narrow(Response.objects.restrict(user), values, {"service": "service_id"})

A lookup may also be a function of the value returning a ``Q`` (``0`` = "no service").
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from django.db.models import Model, Q, QuerySet
from django.db.models.enums import Choices
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import FilterLookup, FilterSchema
from pydantic import Field, create_model

from sqms.core.pagination import DbId
from sqms.core.scoping import restricted

Choice = tuple[str, str]
#: how a filter reads on one model: an ORM lookup, or a function of the value giving a Q
Lookup = str | Callable[[Any], Q]


@dataclass(frozen=True)
class Filter(ABC):
    """A filter kind says what a page offers (``choices``) and what type the API takes."""

    name: str  # the list page's query parameter
    label: Any
    lookup: str  # ORM lookup the value filters on
    # the API's parameter: None = the same as ``name``, "" = not in the API
    api_name: str | None = field(default=None, kw_only=True)

    on_page = True

    @abstractmethod
    def choices(self, request: HttpRequest) -> list[Choice]: ...

    @abstractmethod
    def api_type(self) -> Any: ...

    def page_value(self, raw: str, request: HttpRequest) -> Any:
        """The value to filter on for a page's ``raw`` parameter, or None to ignore it."""
        return raw if raw in {value for value, _label in self.choices(request)} else None

    @property
    def api_param(self) -> str:
        return self.name if self.api_name is None else self.api_name


@dataclass(frozen=True)
class ChoiceFilter(Filter):
    """One of a ``TextChoices`` (a status, a kind)."""

    enum: type[Choices]

    def choices(self, request: HttpRequest) -> list[Choice]:
        return [(str(value), str(label)) for value, label in self.enum.choices]

    def api_type(self) -> Any:
        return self.enum


@dataclass(frozen=True)
class RelatedFilter(Filter):
    """A related record the user may see (a region, a site, a campaign)."""

    model: type[Model]
    text: Callable[[Any], str] = field(default=str, kw_only=True)  # how a choice reads

    def choices(self, request: HttpRequest) -> list[Choice]:
        return [(str(obj.pk), self.text(obj)) for obj in self.objects(request.user)]

    def objects(self, user: Any) -> QuerySet[Any]:
        """The records the user may pick (their scope)."""
        return restricted(self.model, user, "view")

    def api_type(self) -> Any:
        return DbId


@dataclass(frozen=True)
class BooleanFilter(Filter):
    """Yes or no (``1`` / ``0`` on the page, ``true`` / ``false`` in the API)."""

    def choices(self, request: HttpRequest) -> list[Choice]:
        return [("1", _("yes")), ("0", _("no"))]

    def page_value(self, raw: str, request: HttpRequest) -> Any:
        return {"1": True, "0": False}.get(raw)

    def api_type(self) -> Any:
        return bool


@dataclass(frozen=True)
class ValueFilter(Filter):
    """A typed value offered by the API only: a date bound, a code, an external id."""

    value_type: Any
    on_page = False

    def choices(self, request: HttpRequest) -> list[Choice]:
        return []

    def api_type(self) -> Any:
        return self.value_type


@dataclass(frozen=True)
class FilterSet:
    search: tuple[str, ...] = ()  # fields ``q`` searches (case-insensitive substring)
    filters: tuple[Filter, ...] = ()

    def search_q(self, text: str) -> Q:
        condition = Q()
        for name in self.search:
            condition |= Q(**{f"{name}__icontains": text})
        return condition

    def get(self, name: str) -> Filter:
        return next(f for f in self.filters if f.name == name)

    def narrow(
        self,
        qs: QuerySet[Any],
        values: Mapping[str, Any],
        lookups: Mapping[str, Lookup] | None = None,
    ) -> QuerySet[Any]:
        """``qs`` filtered by parsed ``values`` (filter name → value; None or "" skips it),
        each through the filter's lookup or, for this model, ``lookups[name]``."""
        for flt in self.filters:
            value = values.get(flt.name)
            if value is None or value == "":
                continue
            lookup = (lookups or {}).get(flt.name, flt.lookup)
            qs = qs.filter(lookup(value)) if callable(lookup) else qs.filter(**{lookup: value})
        return qs

    def page_filters(self) -> list[Filter]:
        return [f for f in self.filters if f.on_page]

    def apply(
        self, request: HttpRequest, qs: QuerySet[Any]
    ) -> tuple[QuerySet[Any], dict[str, Any]]:
        """Search and filter ``qs`` from a page's query string; the state is what was asked."""
        text = request.GET.get("q", "").strip()
        state: dict[str, Any] = {"q": text, "filters": {}}
        if text and self.search:
            qs = qs.filter(self.search_q(text))
        for flt in self.page_filters():
            raw = request.GET.get(flt.name, "")
            state["filters"][flt.name] = raw
            value = flt.page_value(raw, request) if raw else None
            if value is not None:
                qs = qs.filter(**{flt.lookup: value})
        return qs, state

    def schema(self, name: str) -> type[FilterSchema]:
        """A ninja ``FilterSchema`` with the same search and filters, typed for OpenAPI."""
        fields: dict[str, Any] = {}
        if self.search:
            lookups = [f"{name}__icontains" for name in self.search]
            text = "search (any part, any case) in " + ", ".join(self.search)
            fields["q"] = (
                Annotated[str | None, FilterLookup(lookups), Field(description=text)],
                None,
            )
        with translation.override("en"):
            for flt in self.filters:
                if flt.api_param:
                    doc = Field(description=str(flt.label))
                    annotation: Any = Annotated[
                        flt.api_type() | None, FilterLookup(flt.lookup), doc
                    ]
                    fields[flt.api_param] = (annotation, None)
        return create_model(name, __base__=FilterSchema, **fields)

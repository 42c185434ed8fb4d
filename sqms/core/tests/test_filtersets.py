"""One filter definition per model: the list page, its export and the API agree."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from sqms.core import actions
from sqms.core.choices import Channel
from sqms.core.filters import SITE_FILTERS
from sqms.core.tests.test_api import bearer
from sqms.surveys.filters import RESPONSE_FILTERS
from sqms.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(world: World) -> World:
    """Two more sites: a closed bank branch in region A and an open hotel in region B."""
    for code, region, kind, active, address in [
        ("CHARLIE", world.region_a, "bank_branch", False, "人民路 1 号"),
        ("DELTA", world.region_b, "hotel", True, "Harbour Road 8"),
    ]:
        actions.do_create_site(
            {
                "region": region,
                "code": code,
                "name": f"{code.title()} site",
                "kind": kind,
                "is_active": active,
                "address": address,
            },
            acting_user=None,
            channel=Channel.CLI,
        )
    return world


def _page_codes(client: Client, query: dict[str, object]) -> list[str]:
    page = client.get("/org/sites/", query)
    assert page.status_code == 200
    return sorted(row["obj"].code for row in page.context["rows"])


def _export_codes(client: Client, query: dict[str, object]) -> list[str]:
    body = b"".join(client.get("/org/sites/", {**query, "export": "csv"}).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return sorted(r[0] for r in rows[1:])


def _api_codes(user: object, query: dict[str, object]) -> list[str]:
    reply = Client().get("/api/v1/sites", query, **bearer(user))
    assert reply.status_code == 200, reply.content
    return sorted(s["code"] for s in reply.json()["items"])


@pytest.mark.parametrize(
    ("page_query", "api_query", "expected"),
    [
        ({"kind": "hotel"}, {"kind": "hotel"}, ["DELTA"]),
        ({"active": "0"}, {"is_active": "false"}, ["CHARLIE"]),
        ({"active": "1", "q": "harbour"}, {"is_active": "true", "q": "harbour"}, ["DELTA"]),
        ({"q": "人民路"}, {"q": "人民路"}, ["CHARLIE"]),  # the address is searched by both
    ],
)
def test_page_export_and_api_filter_alike(
    sites: World, client_for, page_query, api_query, expected
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(sites.qm)
    assert _page_codes(client, page_query) == expected
    assert _export_codes(client, page_query) == expected
    assert _api_codes(sites.qm, api_query) == expected


def test_a_region_filter_never_reaches_past_the_scope(sites: World, client_for) -> None:  # type: ignore[no-untyped-def]
    region_a = {"region": sites.region_a.pk}
    assert _page_codes(client_for(sites.qm), region_a) == ["ALPHA", "CHARLIE"]
    assert _api_codes(sites.qm, {"region_id": sites.region_a.pk}) == ["ALPHA", "CHARLIE"]
    # Region A is not a choice for site B's manager: the page ignores it and shows their own
    # site; the API filters on it and finds none of theirs.
    outsider = client_for(sites.bravo_manager)
    assert _page_codes(outsider, region_a) == ["BRAVO"]
    assert _api_codes(sites.bravo_manager, {"region_id": sites.region_a.pk}) == []
    choices = outsider.get("/org/sites/").context["filters"][0][1]
    assert [label for _value, label in choices] == [str(sites.region_b)]


def test_a_wrong_api_filter_value_is_named() -> None:
    schema = SITE_FILTERS.schema("Probe")
    with pytest.raises(ValueError, match="kind"):
        schema(kind="castle")
    assert schema(is_active="yes").is_active is True


@pytest.mark.parametrize(
    ("path", "filterset"),
    [("/api/v1/sites", SITE_FILTERS), ("/api/v1/surveys/responses", RESPONSE_FILTERS)],
)
def test_openapi_documents_every_filter(path: str, filterset) -> None:  # type: ignore[no-untyped-def]
    from sqms.api import api

    params = {p["name"]: p for p in api.get_openapi_schema()["paths"][path]["get"]["parameters"]}
    wanted = {"q"} | {f.api_param for f in filterset.filters if f.api_param}
    assert wanted <= set(params)
    assert params["q"]["schema"]["description"].startswith("search (any part, any case) in ")
    labelled = [f for f in filterset.filters if f.api_param]
    assert all(params[f.api_param]["schema"]["description"] == str(f.label) for f in labelled)


def test_narrow_applies_parsed_values_with_per_model_lookups(world):
    """One filter bar over two models: the filter's own lookup, or the model's override (a
    lookup string or a function giving a Q); None and "" leave the queryset alone."""
    from django.db.models import Q

    from sqms.core.filtersets import FilterSet, RelatedFilter
    from sqms.core.models import Region, Service, Site

    bar = FilterSet(filters=(RelatedFilter("region", "Region", "region_id", Region),))
    sites = bar.narrow(Site.objects.all(), {"region": world.region_a.pk})
    assert list(sites.values_list("code", flat=True)) == ["ALPHA"]
    assert bar.narrow(Site.objects.all(), {"region": None}).count() == 2
    assert bar.narrow(Site.objects.all(), {"region": ""}).count() == 2
    services = bar.narrow(
        Service.objects.all(), {"region": world.region_b.pk}, {"region": "sites__region_id"}
    )
    assert list(services.values_list("code", flat=True)) == ["SALES"]
    either = bar.narrow(
        Site.objects.all(),
        {"region": world.region_a.pk},
        {"region": lambda v: Q(region_id=v) | Q(code="BRAVO")},
    )
    assert either.count() == 2

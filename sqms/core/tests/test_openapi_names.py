"""Django Ninja names an OpenAPI component after its Python class, and a second class with the
same name silently replaces the first in ``/api/v1/openapi.json`` — the published schema then
describes another app's shape and clients (and ``make fuzz``) see valid answers as schema
violations. These tests keep every schema and choice enum the API uses under a unique name."""

import enum
from collections import defaultdict

from ninja import Schema

from sqms.api import api


def _sqms_subclasses(base: type) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    todo = list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("sqms."):
            found[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    return found


def test_no_two_api_schemas_share_a_class_name():
    api.get_openapi_schema()  # imports every router and builds the filter schemas
    clashes = {n: sorted(m) for n, m in _sqms_subclasses(Schema).items() if len(m) > 1}
    assert clashes == {}


def test_no_two_choice_enums_share_a_class_name():
    api.get_openapi_schema()
    clashes = {n: sorted(m) for n, m in _sqms_subclasses(enum.Enum).items() if len(m) > 1}
    assert clashes == {}


def test_each_component_describes_its_own_app():
    """The component of the inspection league and the complaint league differ: one has a
    score with a confidence interval, the other a complaint rate."""
    components = api.get_openapi_schema()["components"]["schemas"]
    assert "score" in components["InspectionLeagueRowOut"]["properties"]
    assert "rate_per_1000" in components["LeagueRowOut"]["properties"]
    assert components["Status"]["enum"][:2] == ["new", "acknowledged"]
    assert components["InspectionStatus"]["enum"] == [
        "planned",
        "in_progress",
        "submitted",
        "cancelled",
    ]


def test_no_read_or_delete_operation_takes_a_body():
    """Found by ``make fuzz`` on PostgreSQL: Django Ninja reads a ``list[str]`` parameter
    without ``Query(...)`` from the body, so ``GET /standards/{id}/kept`` took its site codes
    from a GET body — which the request guard does not check (NUL → server error)."""
    paths = api.get_openapi_schema()["paths"]
    with_body = [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, op in operations.items()
        if method in ("get", "delete", "head") and "requestBody" in op
    ]
    assert with_body == []

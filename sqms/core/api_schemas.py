"""Response shapes shared by the apps' APIs.

Django Ninja names each OpenAPI component after its class, so two apps' schemas with the same
class name would overwrite each other in ``/api/v1/openapi.json``; a shape several apps answer
with lives here once (``sqms.core.tests.test_openapi_names`` keeps the names unique).
"""

from ninja import Schema


class ConflictOut(Schema):
    """A 409 answer: the record changed since it was read (its version moved on) or the
    request collides with its current state."""

    detail: str

"""Response shapes shared by the apps' APIs.

Django Ninja names each OpenAPI component after its class, so two apps' schemas with the same
class name would overwrite each other in ``/api/v1/openapi.json``; a shape several apps answer
with lives here once (``sqms.core.tests.test_openapi_names`` keeps the names unique).
"""

import base64
import binascii
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from ninja import Field, Schema


class ConflictOut(Schema):
    """A 409 answer: the record changed since it was read (its version moved on) or the
    request collides with its current state."""

    detail: str


class UploadIn(Schema):
    """A file sent in JSON (the API takes JSON bodies only, ``sqms.core.request_guard``): its
    name and its bytes in base64; the receiving action checks its type by content and its size."""

    name: str = Field(..., min_length=1, max_length=200, description="the file's name")
    content_base64: str = Field(..., min_length=4, description="the file's bytes, base64-encoded")

    def as_upload(self, field: str = "content_base64") -> SimpleUploadedFile:
        """The decoded file; a body that is not base64 is refused naming ``field``."""
        try:
            data = base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({field: _("This is not base64.")}) from None
        return SimpleUploadedFile(self.name, data)


def patch_fields(
    payload: Schema,
    *,
    nullable: Collection[str] = (),
    exclude: Collection[str] = (),
    partial: bool = True,
) -> dict[str, Any]:
    """The fields a PATCH sent (every field when not ``partial``). ``null`` is refused by name
    unless the field is ``nullable`` (there it clears the value): to keep a value, leave the
    field out."""
    data: dict[str, Any] = payload.dict(exclude_unset=partial, exclude=set(exclude) or None)
    nulls = sorted(k for k, v in data.items() if v is None and k not in nullable)
    if nulls:
        raise ValidationError(
            {k: _("may not be null; leave the field out to keep its value") for k in nulls}
        )
    return data

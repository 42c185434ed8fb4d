"""Response shapes shared by the apps' APIs.

Django Ninja names each OpenAPI component after its class, so two apps' schemas with the same
class name would overwrite each other in ``/api/v1/openapi.json``; a shape several apps answer
with lives here once (``sqms.core.tests.test_openapi_names`` keeps the names unique).
"""

import base64
import binascii

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

"""Uploaded attachments (complaints, later inspections): what a file really is, decided by its
first bytes (the browser's content type and the file name are not trusted), a size limit, a
number of files per upload, and for images the EXIF block removed (it may hold the place the
photo was taken) unless ``keep_exif``.

``check_uploads(files)`` returns :class:`CleanFile` objects ready to store, or raises a
``ValidationError`` whose messages name each refused file.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: content type → (magic prefixes, extension); WebP is RIFF????WEBP, checked separately
KINDS: dict[str, tuple[tuple[bytes, ...], str]] = {
    "image/jpeg": ((b"\xff\xd8\xff",), ".jpg"),
    "image/png": ((b"\x89PNG\r\n\x1a\n",), ".png"),
    "image/gif": ((b"GIF87a", b"GIF89a"), ".gif"),
    "image/webp": ((), ".webp"),
    "application/pdf": ((b"%PDF-",), ".pdf"),
}
#: the kinds accepted unless a caller passes its own set
DEFAULT_ALLOWED = frozenset(KINDS)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


class Upload(Protocol):
    """What an uploaded file offers (Django's ``UploadedFile`` does)."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def read(self, num_bytes: int | None = ...) -> bytes: ...


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(head: bytes) -> str | None:
    """The content type the bytes start like, or None for anything else."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for content_type, (prefixes, _ext) in KINDS.items():
        if any(head.startswith(p) for p in prefixes):
            return content_type
    return None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def _safe_name(name: str, content_type: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "file"
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')[-120:]
    ext = KINDS[content_type][1]
    stem, dot, old_ext = base.rpartition(".")
    if not dot:
        stem = base
    if content_type == "image/jpeg" and old_ext.lower() in ("jpg", "jpeg"):
        return base
    return (stem or "file") + ext


def strip_exif(data: bytes, content_type: str) -> bytes:
    """The image re-encoded without its EXIF and text metadata (turned upright first, as its
    orientation tag said). GIFs carry no EXIF and are kept as they are."""
    if content_type not in IMAGE_TYPES or content_type == "image/gif":
        return data
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as img:
        fmt = img.format or ""
        animated = bool(getattr(img, "is_animated", False))
        out = io.BytesIO()
        if animated:
            img.save(out, format=fmt, save_all=True)
            return out.getvalue()
        upright = ImageOps.exif_transpose(img)
        if fmt == "JPEG":
            upright.save(out, format="JPEG", quality=92, optimize=True)
        else:
            upright.save(out, format=fmt)
        return out.getvalue()


def _check_image(data: bytes) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def check_upload(
    upload: Upload,
    *,
    allowed: Iterable[str] | None = None,
    max_bytes: int | None = None,
    keep_exif: bool = False,
) -> CleanFile:
    """One uploaded file, checked; raises ``ValidationError`` naming the file."""
    allowed_types = frozenset(allowed) if allowed is not None else DEFAULT_ALLOWED
    limit = max_bytes if max_bytes is not None else settings.SQMS_ATTACHMENT_MAX_BYTES
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1] or _("(unnamed file)")
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; files may be at most %(limit)s MB.")
            % {"name": name, "size": _mb(upload.size), "limit": _mb(limit)},
            code="too_large",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": _mb(limit)},
            code="too_large",
        )
    if not data:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    kind = sniff(data[:16])
    accepted = ", ".join(sorted(KINDS[t][1].lstrip(".").upper() for t in allowed_types))
    if kind is None or kind not in allowed_types:
        raise ValidationError(
            _("“%(name)s” is not an accepted kind of file (accepted: %(kinds)s).")
            % {"name": name, "kinds": accepted},
            code="bad_type",
        )
    if kind in IMAGE_TYPES and not _check_image(data):
        raise ValidationError(
            _("“%(name)s” looks like an image but cannot be read; it may be damaged.")
            % {"name": name},
            code="bad_image",
        )
    if not keep_exif:
        data = strip_exif(data, kind)
    return CleanFile(name=_safe_name(name, kind), content_type=kind, data=data)


def check_uploads(
    uploads: Sequence[Any],
    *,
    max_files: int | None = None,
    allowed: Iterable[str] | None = None,
    max_bytes: int | None = None,
    keep_exif: bool = False,
) -> list[CleanFile]:
    """Every file of one upload, checked; all refusals are reported together."""
    most = max_files if max_files is not None else settings.SQMS_ATTACHMENT_MAX_FILES
    if len(uploads) > most:
        raise ValidationError(
            _("Attach at most %(n)d files at once (you chose %(count)d).")
            % {"n": most, "count": len(uploads)},
            code="too_many",
        )
    allowed_set = frozenset(allowed) if allowed is not None else None
    out: list[CleanFile] = []
    errors: list[ValidationError] = []
    for upload in uploads:
        try:
            out.append(
                check_upload(upload, allowed=allowed_set, max_bytes=max_bytes, keep_exif=keep_exif)
            )
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return out

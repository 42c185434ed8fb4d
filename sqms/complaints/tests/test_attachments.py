"""Uploaded files are judged by their bytes, not their name or the browser's content type."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from sqms.complaints import actions
from sqms.complaints.choices import IntakeChannel, Source
from sqms.complaints.models import Attachment
from sqms.core.attachments import check_upload, check_uploads, sniff
from sqms.core.choices import Channel
from sqms.test import World


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (31.0, 14.0, 0.0)}  # GPS latitude
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_sniff_knows_the_accepted_kinds() -> None:
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"GIF89a...") == "image/gif"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"<!doctype html>") is None


def test_html_named_jpg_is_refused_naming_the_file() -> None:
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("photo.jpg", b"<html><script>alert(1)</script></html>"))
    assert "“photo.jpg” is not an accepted kind of file" in exc.value.messages[0]
    assert "JPG" in exc.value.messages[0] and "PDF" in exc.value.messages[0]


def test_empty_and_oversized_files_are_refused(settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("empty.png", b""))
    assert exc.value.messages == ["“empty.png” is empty."]
    settings.SQMS_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10)
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("report.pdf", big, "application/pdf"))
    assert exc.value.messages == ["“report.pdf” is 1 MB; files may be at most 1 MB."]


def test_damaged_image_and_disallowed_kind() -> None:
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("broken.png", b"\x89PNG\r\n\x1a\nnot really"))
    assert "“broken.png” looks like an image but cannot be read" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("a.pdf", b"%PDF-1.4\n%%EOF"), allowed={"image/png"})
    assert "(accepted: PNG)" in exc.value.messages[0]


def test_exif_is_stripped_unless_kept() -> None:
    data = jpeg_with_exif()
    assert dict(Image.open(io.BytesIO(data)).getexif())  # the fixture really has EXIF
    clean = check_upload(upload("IMG_0001.JPG", data))
    assert clean.content_type == "image/jpeg" and clean.name == "IMG_0001.JPG"
    assert dict(Image.open(io.BytesIO(clean.data)).getexif()) == {}
    kept = check_upload(upload("IMG_0001.JPG", data), keep_exif=True)
    assert kept.data == data


def test_name_follows_the_real_kind_and_count_is_limited() -> None:
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, format="PNG")
    clean = check_upload(upload("C:\\Users\\me\\holiday.jpg", png.getvalue()))
    assert (clean.name, clean.content_type) == ("holiday.png", "image/png")
    with pytest.raises(ValidationError) as exc:
        check_uploads([upload(f"{i}.png", png.getvalue()) for i in range(4)], max_files=3)
    assert exc.value.messages == ["Attach at most 3 files at once (you chose 4)."]
    with pytest.raises(ValidationError) as exc:
        check_uploads([upload("a.jpg", b"<html>"), upload("b.png", b"")])
    assert len(exc.value.messages) == 2


@pytest.mark.django_db
def test_staff_upload_and_scoped_download(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    complaint = actions.do_create_complaint(
        {"site": world.site_a, "channel": IntakeChannel.PHONE, "description": "Broken chair"},
        source=Source.STAFF,
        acting_user=world.alpha_agent,
        channel=Channel.WEB,
    )
    c = client_for(world.alpha_agent)
    url = reverse("complaints:attachment_add", args=[complaint.pk])
    r = c.post(url, {"files": [upload("chair.jpg", jpeg_with_exif())], "is_public": "on"})
    assert r.status_code == 302
    att = Attachment.objects.get(complaint=complaint)
    assert (att.name, att.content_type, att.is_public, att.uploaded_by) == (
        "chair.jpg",
        "image/jpeg",
        True,
        world.alpha_agent,
    )
    r = c.post(url, {"files": [upload("evil.jpg", b"<html>")]})
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    download = reverse("complaints:attachment_download", args=[att.pk])
    r = c.get(download)
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert "attachment" in r["Content-Disposition"]
    assert dict(Image.open(io.BytesIO(b"".join(r.streaming_content))).getexif()) == {}
    assert client_for(world.bravo_manager).get(download).status_code == 404
    assert Client().get(download).status_code == 302
    assert client_for(world.bravo_manager).post(url, {}).status_code == 404

"""Sniffing, metadata removal and thumbnails (tickets/attachments/files.py)."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from tickets.attachments import files

from .conftest import PDF, photo_bytes, upload


def _exif(data: bytes):
    with Image.open(BytesIO(data)) as im:
        return im.getexif(), im.size


def test_a_jpeg_with_gps_comes_out_without_any_exif():
    original = photo_bytes("JPEG")
    before, _ = _exif(original)
    assert before.get_ifd(ExifTags.IFD.GPSInfo)[2] == (39.0, 54.0, 27.0)  # the input has it
    cleaned = files.clean(upload(original))
    after, size = _exif(cleaned.content)
    assert cleaned.content_type == "image/jpeg" and size == (400, 200)
    assert not after.get_ifd(ExifTags.IFD.GPSInfo)
    assert dict(after) == {}
    assert b"TestCam" not in cleaned.content and b"Exif" not in cleaned.content


@pytest.mark.parametrize(
    ("fmt", "mime"), [("PNG", "image/png"), ("WEBP", "image/webp"), ("HEIF", "image/heic")]
)
def test_other_photo_types_lose_their_gps_too(fmt, mime):
    original = photo_bytes(fmt)
    assert _exif(original)[0].get_ifd(ExifTags.IFD.GPSInfo)  # written by Pillow / pillow-heif
    cleaned = files.clean(upload(original, name="x", content_type="application/octet-stream"))
    assert cleaned.content_type == mime
    after, size = _exif(cleaned.content)
    assert not after.get_ifd(ExifTags.IFD.GPSInfo) and size == (400, 200)
    assert b"TestCam" not in cleaned.content


def test_the_orientation_tag_is_applied_to_the_pixels_before_it_goes():
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise to show it upright.
    cleaned = files.clean(upload(photo_bytes("JPEG", orientation=6)))
    after, size = _exif(cleaned.content)
    assert size == (200, 400) and 0x0112 not in after
    with Image.open(BytesIO(cleaned.content)) as im:
        top, bottom = im.getpixel((100, 20)), im.getpixel((100, 380))
    assert top[2] > 150 and bottom[0] > 150  # blue (the left half) is now on top


def test_a_photo_gets_a_small_jpeg_thumbnail_and_a_pdf_none():
    cleaned = files.clean(upload(photo_bytes("PNG", size=(1600, 1200)), name="a.png"))
    with Image.open(BytesIO(cleaned.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 320
    pdf = files.clean(upload(PDF, name="证明.pdf", content_type="application/pdf"))
    assert pdf.content == PDF and pdf.content_type == "application/pdf" and pdf.thumbnail is None


def test_the_type_comes_from_the_bytes_not_the_name():
    # A PNG named .pdf is a PNG; a script named .jpg is refused.
    assert files.sniff(upload(photo_bytes("PNG"), name="a.pdf")) == "image/png"
    with pytest.raises(ValidationError, match="JPEG、PNG"):
        files.sniff(upload(b"#!/bin/sh\nrm -rf /\n", name="photo.jpg"))
    gif = BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    with pytest.raises(ValidationError):
        files.sniff(upload(gif.getvalue(), name="x.gif"))


def test_the_size_limit_is_a_setting(settings):
    data = photo_bytes("JPEG")
    settings.ATTACHMENT_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationError, match="文件过大"):
        files.sniff(upload(data))
    settings.ATTACHMENT_MAX_BYTES = len(data)
    assert files.sniff(upload(data)) == "image/jpeg"


def test_a_broken_photo_is_refused_not_a_crash():
    data = photo_bytes("JPEG")[:200]  # the header of a JPEG, nothing after
    with pytest.raises(ValidationError, match="无法读取"):
        files.clean(upload(data))

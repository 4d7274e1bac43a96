"""What an uploaded file is (from its bytes), and the clean copy we keep of it.

The type comes from the content (`filetype` reads the magic numbers), never from the
name or the browser's Content-Type. Photos are decoded and re-encoded by Pillow so that
nothing of their metadata survives (EXIF, GPS, XMP, comments); the orientation tag is
applied to the pixels first, or upright photos would come out on their side.
"""

from dataclasses import dataclass
from io import BytesIO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # HEIC photos from phones open in Pillow like any other

# Sniffed MIME type → (extension, Pillow format to re-encode with; None: kept as it is).
ACCEPTED = {
    "image/jpeg": ("jpg", "JPEG"),
    "image/png": ("png", "PNG"),
    "image/webp": ("webp", "WEBP"),
    "image/heic": ("heic", "HEIF"),
    "image/heif": ("heic", "HEIF"),
    "application/pdf": ("pdf", None),
}
THUMBNAIL_SIZE = (320, 320)


@dataclass
class Cleaned:
    content: bytes
    content_type: str
    extension: str
    thumbnail: bytes | None


def max_bytes() -> int:
    return settings.ATTACHMENT_MAX_BYTES


def sniff(upload) -> str:
    """The accepted MIME type of an uploaded file, or a ValidationError naming the problem."""
    if upload.size > max_bytes():
        raise ValidationError(
            _("文件过大：每个附件不超过 %(mb)s MB") % {"mb": round(max_bytes() / 2**20, 1)}
        )
    if upload.size == 0:
        raise ValidationError(_("文件是空的"))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise ValidationError(_("只接受 JPEG、PNG、WebP、HEIC 照片和 PDF 文档（按文件内容识别）"))
    return "image/heic" if kind.mime == "image/heif" else kind.mime


def clean(upload) -> Cleaned:
    """Sniff, then for a photo: strip its metadata and make a thumbnail."""
    mime = sniff(upload)
    ext, pil_format = ACCEPTED[mime]
    data = upload.read()
    if pil_format is None:
        return Cleaned(data, mime, ext, None)
    try:
        with Image.open(BytesIO(data)) as opened:
            opened.load()
            photo = ImageOps.exif_transpose(opened)  # a copy, orientation applied
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("照片无法读取，文件可能已损坏")) from exc
    return Cleaned(_without_metadata(photo, pil_format), mime, ext, _thumbnail(photo))


def _without_metadata(photo: Image.Image, pil_format: str) -> bytes:
    icc = photo.info.get("icc_profile")  # colour, not metadata: keep it
    photo.info = {}  # encoders read EXIF/XMP from here as well as from their arguments
    # An empty EXIF, said in each encoder's way (pillow-heif wants None, not b"").
    options = {"exif": None, "xmp": None} if pil_format == "HEIF" else {"exif": b""}
    if icc:
        options["icc_profile"] = icc
    if pil_format in ("JPEG", "WEBP", "HEIF"):
        options["quality"] = 90
    if pil_format == "JPEG" and photo.mode not in ("RGB", "L", "CMYK"):
        photo = photo.convert("RGB")
    out = BytesIO()
    photo.save(out, pil_format, **options)
    return out.getvalue()


def _thumbnail(photo: Image.Image) -> bytes:
    thumb = photo.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    if thumb.mode != "RGB":
        thumb = thumb.convert("RGB")
    out = BytesIO()
    thumb.save(out, "JPEG", quality=80)
    return out.getvalue()

"""A form field for evidence on the pages: several files, each sniffed as it is cleaned."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import files

ACCEPT = "image/jpeg,image/png,image/webp,image/heic,.heic,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Zero or more files; cleans to a list of uploads that passed `files.sniff`."""

    MAX_FILES = 10

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("附件（照片或 PDF）"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > self.MAX_FILES:
            raise ValidationError(_("一次最多上传 %(n)s 个附件") % {"n": self.MAX_FILES})
        errors = []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                files.sniff(upload)
            except ValidationError as exc:
                errors.extend(f"{upload.name}：{m}" for m in exc.messages)
        if errors:
            raise ValidationError(errors)
        return uploads

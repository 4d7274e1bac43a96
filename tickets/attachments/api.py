"""REST: upload to a ticket (multipart), list a ticket's files, fetch one file (SPEC §19)."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiRequest,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.api import ErrorSerializer

from .. import selectors as ticket_selectors
from . import actions, selectors
from .files import ACCEPTED
from .models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(
        source="uploaded_by.username", default=None, allow_null=True, read_only=True
    )
    unit = serializers.CharField(source="unit.code", default=None, allow_null=True, read_only=True)
    url = serializers.SerializerMethodField(help_text=_("文件地址；Open311 链接则为原链接"))
    thumbnail_url = serializers.SerializerMethodField(help_text=_("照片的缩略图，其他为空"))
    step = serializers.ChoiceField(Attachment.Step.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "note",
            "step",
            "uploaded_by",
            "unit",
            "uploaded_at",
            "url",
            "thumbnail_url",
        ]
        read_only_fields = fields

    def _absolute(self, path):
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, att) -> str:
        if att.link:
            return att.link
        return self._absolute(reverse("api-attachment", args=[att.pk]))

    def get_thumbnail_url(self, att) -> str | None:
        if not att.thumbnail:
            return None
        return self._absolute(reverse("api-attachment-thumbnail", args=[att.pk]))


class UploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("JPEG、PNG、WebP、HEIC 照片或 PDF 文档，按内容识别；照片的 EXIF/GPS 会被去除")
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _not_visible():
    return OpenApiResponse(ErrorSerializer, description=str(_("工单不存在，或当前用户无权查看")))


class TicketAttachments(APIView):
    # Multipart for the upload only; every other endpoint of the API speaks JSON.
    parser_classes = [MultiPartParser]

    def _ticket(self, request, number):
        return get_object_or_404(ticket_selectors.visible_tickets(request.user), number=number)

    @extend_schema(
        summary=str(_("工单的附件")),
        responses={200: AttachmentSerializer(many=True), 404: _not_visible()},
    )
    def get(self, request, number):
        ticket = self._ticket(request, number)
        rows = selectors.for_ticket(ticket)
        return Response(AttachmentSerializer(rows, many=True, context={"request": request}).data)

    @extend_schema(
        summary=str(_("上传附件")),
        # The part's types are those the bytes are sniffed for (files.ACCEPTED).
        request={
            "multipart/form-data": OpenApiRequest(
                UploadInput, encoding={"file": {"contentType": ", ".join(ACCEPTED)}}
            )
        },
        responses={
            201: AttachmentSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description=str(_("文件类型或大小不符"))),
            403: OpenApiResponse(ErrorSerializer, description=str(_("角色不能上传附件"))),
            404: _not_visible(),
        },
    )
    def post(self, request, number):
        ticket = self._ticket(request, number)
        refused = actions.attach_refusal(request.user, ticket)
        if refused:
            raise refused
        body = UploadInput(data=request.data)
        body.is_valid(raise_exception=True)
        att = actions.add_attachment(
            actor=request.user,
            ticket=ticket,
            upload=body.validated_data["file"],
            note=body.validated_data.get("note", ""),
        )
        data = AttachmentSerializer(att, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class _FileView(APIView):
    """Streams a stored file to a user who sees its ticket; anyone else gets a 404."""

    field = "file"

    def perform_content_negotiation(self, request, force=False):
        # Clients ask for image/jpeg or application/pdf; errors still answer in JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, id):
        # isascii: "²".isdigit() is True, but int("²") fails.
        att = id.isascii() and id.isdigit() and selectors.visible_attachment(request.user, int(id))
        stored = getattr(att, self.field, None) if att else None
        if not stored:
            raise NotFound(_("附件不存在，或当前用户无权查看"))
        is_thumb = self.field == "thumbnail"
        response = FileResponse(
            stored.open("rb"),
            content_type="image/jpeg" if is_thumb else att.content_type,
            as_attachment=not att.is_image and not is_thumb,
            filename=att.name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


_FILE_RESPONSES = {
    (200, "application/octet-stream"): OpenApiTypes.BINARY,
    404: OpenApiResponse(ErrorSerializer, description=str(_("附件不存在，或当前用户无权查看"))),
}


_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class AttachmentFile(_FileView):
    @extend_schema(
        summary=str(_("下载附件（能看到其工单的人）")), parameters=[_ID], responses=_FILE_RESPONSES
    )
    def get(self, request, id):
        return super().get(request, id)


class AttachmentThumbnail(_FileView):
    field = "thumbnail"

    @extend_schema(
        summary=str(_("照片缩略图（JPEG）")), parameters=[_ID], responses=_FILE_RESPONSES
    )
    def get(self, request, id):
        return super().get(request, id)

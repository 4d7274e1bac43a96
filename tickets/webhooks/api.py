"""GET/POST /api/v1/webhooks/ — admins register receivers (SPEC §15, §19)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated

from hotline.api import ErrorSerializer, Pagination, StrictJSONMixin, list_responses
from hotline.models import Role

from .models import Webhook, WebhookEvent


class IsAdmin(BasePermission):
    message = _("只有管理员可以管理推送地址")

    def has_permission(self, request, view):
        user = request.user
        return bool(user and (user.is_superuser or user.role == Role.ADMIN))


class WebhookSerializer(StrictJSONMixin, serializers.ModelSerializer):
    url = serializers.URLField(max_length=500, help_text=_("http(s) 接收地址"))
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        max_length=len(WebhookEvent.choices),
        help_text=_("订阅的事件"),
    )
    secret = serializers.CharField(
        min_length=16,
        max_length=200,
        required=False,
        write_only=True,
        help_text=_("签名密钥；不填则生成，仅在创建时的响应中返回一次"),
    )

    class Meta:
        model = Webhook
        fields = ["id", "name", "url", "events", "active", "secret", "created_at"]
        read_only_fields = ["id", "created_at"]

    def validate_url(self, value):
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(_("只支持 http 或 https 地址"))
        return value

    def validate_events(self, value):
        return sorted(set(value))


class CreatedWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text=_("签名密钥（只返回这一次）"))


_DENIED = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=str(_("输入有误"))),
    403: OpenApiResponse(ErrorSerializer, description=str(_("只有管理员可以管理推送地址"))),
}


@extend_schema_view(
    get=extend_schema(
        summary=str(_("推送地址列表（管理员）")),
        responses={**list_responses(WebhookSerializer), 403: _DENIED[403]},
    ),
    post=extend_schema(
        summary=str(_("登记推送地址（管理员）")),
        request=WebhookSerializer,
        responses={201: CreatedWebhookSerializer, **_DENIED},
    ),
)
class WebhookListCreate(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated, IsAdmin]
    serializer_class = WebhookSerializer
    pagination_class = Pagination
    filter_backends = []
    queryset = Webhook.objects.order_by("id")

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        hook = Webhook.objects.get(pk=response.data["id"])
        response.data = CreatedWebhookSerializer(hook).data  # the secret, this once
        return response

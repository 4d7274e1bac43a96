from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled, ValidationError


class TokenView(ObtainAuthToken):
    """POST username and password, get the token to send as `Authorization: Token …`.

    Throttled like the login pages: django-axes counts the failures in authenticate() and
    marks the request locked out; DRF wraps the request, so axes' middleware cannot see
    that mark, and this view turns it into a 429 with Retry-After.
    """

    @extend_schema(
        auth=[],  # open: this is where a client gets its token
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiTypes.OBJECT,  # wrong credentials: {"non_field_errors": […]}
            429: OpenApiResponse(description=str(_("登录失败次数过多，请稍后再试"))),
        },
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                raise Throttled(
                    wait=settings.AXES_COOLOFF_TIME.total_seconds(),
                    detail=gettext("登录失败次数过多，请稍后再试"),
                ) from None
            raise


obtain_token = TokenView.as_view()


def healthz(request):
    """For load balancers and compose health checks: the database answers."""
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

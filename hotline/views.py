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


def not_found(request, exception=None):
    """404 for a URL that names nothing, in the shape its interface documents: the API's
    {"detail": …}, Open311's errors list (JSON or XML), Django's page elsewhere."""
    from xml.sax.saxutils import escape

    from django.http import HttpResponse, JsonResponse
    from django.utils.translation import gettext
    from django.views.defaults import page_not_found

    path, message = request.path_info, gettext("未找到")
    if path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=404)
    if path.startswith("/open311/") and path.endswith(".xml"):
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>404</code>'
            f"<description>{escape(message)}</description></error></errors>"
        )
        return HttpResponse(xml, status=404, content_type="application/xml")
    if path.startswith("/open311/"):
        return JsonResponse([{"code": 404, "description": message}], status=404, safe=False)
    return page_not_found(request, exception)

"""The project's URLs plus the floor of issue 15's intake row: a bare one-INSERT endpoint.

Same middleware, authentication and permission as POST /api/v1/tickets/; a one-field
serializer and one INSERT.
"""

from django.urls import path
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.urls import urlpatterns as project_urls
from tickets.models import Notification


class BareBody(serializers.Serializer):
    content = serializers.CharField(max_length=300)


class BareInsert(APIView):
    def post(self, request):
        body = BareBody(data=request.data)
        body.is_valid(raise_exception=True)
        row = Notification.objects.create(
            user=request.user, kind="bench", message=body.validated_data["content"]
        )
        return Response({"id": row.pk}, status=status.HTTP_201_CREATED)


urlpatterns = [path("bench/bare-insert/", BareInsert.as_view()), *project_urls]

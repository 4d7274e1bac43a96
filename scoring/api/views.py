"""GET /api/v1/scores/ (the rankings), POST …/compute/ (queue a run), POST …/publish/."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.api import Pagination
from hotline.models import Role
from scoring import selectors
from scoring.compute import latest_run, publish_period
from scoring.models import UnitScore
from scoring.tasks import queue_computation
from tickets.guards import Refused

from .serializers import (
    ComputeQueuedSerializer,
    ComputeRequestSerializer,
    PublishedSerializer,
    PublishRequestSerializer,
    ScoreQuerySerializer,
    UnitScoreSerializer,
)


class RankingPagination(Pagination):
    # One page holds the largest peer group (343 streets). A page size that is not a
    # positive number is a 400, as on every list (hotline.api.Pagination).
    page_size = 500
    max_page_size = 1000


class ScoreList(generics.ListAPIView):
    """A period's ranked rows; unranked units (too few valid callbacks) come last, rank null.

    Rows within the reader's scope (scoring.selectors.score_scope, SPEC §16): the centre's
    people read every unit, a district's leader and staff its units, any other unit's staff
    their own row; a person whose role does not fit their unit reads none.
    """

    serializer_class = UnitScoreSerializer
    pagination_class = RankingPagination
    filter_backends = []
    queryset = UnitScore.objects.none()

    def get_queryset(self):
        # A plain dict, not the QueryDict: DRF reads a blank form value of an optional field
        # as absent, and a blank `?period=` is a 400 here as on every other filter.
        query = ScoreQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        period = query.validated_data.get("period") or selectors.latest_period()
        if not period:
            return UnitScore.objects.none()
        return selectors.scores_for(self.request.user, period, query.validated_data.get("group"))

    @extend_schema(parameters=[ScoreQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CanCompute(permissions.BasePermission):
    message = "只有审核员和管理员可以发起考核计算"

    def has_permission(self, request, view):
        return request.user.is_authenticated and request.user.role in {Role.ADMIN, Role.REVIEWER}


class ComputeScores(APIView):
    permission_classes = [permissions.IsAuthenticated, CanCompute]

    @extend_schema(
        request=ComputeRequestSerializer,
        responses={
            202: ComputeQueuedSerializer,
            400: OpenApiResponse(description="period 格式错误"),
            403: OpenApiResponse(description="无权发起计算"),
            409: OpenApiResponse(description="该周期已发布（冻结），未说明重算理由"),
        },
    )
    def post(self, request):
        """Queue the computation of a period (Celery). A frozen period needs override_reason."""
        data = ComputeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period = data.validated_data["period"]
        reason = data.validated_data["override_reason"].strip()
        if latest_run(period, published=True) and not reason:
            raise Refused(409, _("%(p)s 的排名已发布（冻结），重算须说明理由") % {"p": period})
        # Through the outbox: a broker that refuses or hangs delays nothing and loses nothing.
        with transaction.atomic():
            queue_computation(period, request.user.pk, reason)
        return Response({"period": period, "status": "queued"}, status=status.HTTP_202_ACCEPTED)


class PublishScores(APIView):
    """Publish (freeze) a computed period: the ranking leaders read is then fixed."""

    permission_classes = [permissions.IsAuthenticated, CanCompute]

    @extend_schema(
        request=PublishRequestSerializer,
        responses={
            200: PublishedSerializer,
            400: OpenApiResponse(description="period 格式错误"),
            403: OpenApiResponse(description="无权发布"),
            409: OpenApiResponse(description="该周期尚未计算完成"),
        },
    )
    def post(self, request):
        data = PublishRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = publish_period(data.validated_data["period"], actor=request.user)
        return Response(
            {
                "period": run.period,
                "published": run.published,
                "published_at": run.published_at,
                "published_by": run.published_by.username if run.published_by else None,
            }
        )

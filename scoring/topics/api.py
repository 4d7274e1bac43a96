"""GET/POST /api/v1/topics/ and its steps: adopt, tasks, progress, close (SPEC §17, §19)."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.api import ErrorSerializer, Pagination

from . import actions, selectors
from .models import TopicTask
from .serializers import (
    TopicAdoptSerializer,
    TopicCandidateSerializer,
    TopicCloseSerializer,
    TopicDetailSerializer,
    TopicProgressRequestSerializer,
    TopicProgressSerializer,
    TopicProposeSerializer,
    TopicSerializer,
    TopicTaskRequestSerializer,
    TopicTaskSerializer,
)

REFUSALS = {
    400: OpenApiResponse(description="字段有误（响应体以字段名为键）"),
    403: OpenApiResponse(ErrorSerializer, description="角色或单位无权进行此步骤"),
    404: OpenApiResponse(ErrorSerializer, description="题目不存在或不可见"),
    409: OpenApiResponse(ErrorSerializer, description="题目当前状态不允许此步骤"),
}


def _topic(request, pk):
    return get_object_or_404(selectors.visible_topics(request.user), pk=pk)


def detail(topic):
    topic = (
        type(topic)
        .objects.select_related("category", "district", "lead_unit")
        .prefetch_related(
            "participants",
            Prefetch(
                "tasks",
                TopicTask.objects.select_related("unit").prefetch_related(
                    "progress__unit", "progress__by"
                ),
            ),
            "events__actor",
            "events__unit",
        )
        .get(pk=topic.pk)
    )
    topic.months = selectors.topic_months(topic)
    return TopicDetailSerializer(topic).data


class TopicList(generics.ListAPIView):
    """Topics the user sees; POST proposes one (leaders, reviewers, admins)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = TopicSerializer
    pagination_class = Pagination
    filter_backends = []

    def get_queryset(self):
        return selectors.visible_topics(self.request.user).prefetch_related("participants")

    @extend_schema(request=TopicProposeSerializer, responses={201: TopicSerializer, **REFUSALS})
    def post(self, request):
        data = TopicProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        topic = actions.propose_topic(actor=request.user, **data.validated_data)
        return Response(TopicSerializer(topic).data, status=status.HTTP_201_CREATED)


class TopicCandidates(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: TopicCandidateSerializer(many=True)})
    def get(self, request):
        """Candidates proposed from the data of the last published period (the user's area)."""
        _period, rows = selectors.candidates(request.user)
        return Response(TopicCandidateSerializer(rows, many=True).data)


class TopicDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: TopicDetailSerializer, 404: REFUSALS[404]})
    def get(self, request, pk):
        """The topic, its tasks with progress, its history and its months before and after."""
        return Response(detail(_topic(request, pk)))


class TopicAdopt(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=TopicAdoptSerializer, responses={200: TopicDetailSerializer, **REFUSALS})
    def post(self, request, pk):
        data = TopicAdoptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        topic = actions.adopt_topic(
            actor=request.user, topic=_topic(request, pk), **data.validated_data
        )
        return Response(detail(topic))


class TopicTasks(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: TopicTaskSerializer(many=True), 404: REFUSALS[404]})
    def get(self, request, pk):
        tasks = (
            _topic(request, pk)
            .tasks.select_related("unit")
            .prefetch_related("progress__unit", "progress__by")
        )
        return Response(TopicTaskSerializer(tasks, many=True).data)

    @extend_schema(
        request=TopicTaskRequestSerializer, responses={201: TopicTaskSerializer, **REFUSALS}
    )
    def post(self, request, pk):
        data = TopicTaskRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = actions.add_task(
            actor=request.user, topic=_topic(request, pk), **data.validated_data
        )
        return Response(TopicTaskSerializer(task).data, status=status.HTTP_201_CREATED)


class TaskProgress(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=TopicProgressRequestSerializer, responses={201: TopicProgressSerializer, **REFUSALS}
    )
    def post(self, request, pk, task_id):
        task = get_object_or_404(_topic(request, pk).tasks, pk=task_id)
        data = TopicProgressRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        progress = actions.report_progress(actor=request.user, task=task, **data.validated_data)
        return Response(TopicProgressSerializer(progress).data, status=status.HTTP_201_CREATED)


class TopicClose(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=TopicCloseSerializer, responses={200: TopicDetailSerializer, **REFUSALS})
    def post(self, request, pk):
        data = TopicCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        topic = actions.close_topic(
            actor=request.user, topic=_topic(request, pk), **data.validated_data
        )
        return Response(detail(topic))

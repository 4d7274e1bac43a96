"""REST API of the knowledge base (SPEC §19): thin views over selectors and actions."""

import re

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from hotline.api import ErrorSerializer, list_responses
from hotline.models import Category, Unit
from hotline.pagination import CappedCountPagination

from . import actions, lifecycle, selectors
from .models import Article, ArticleVersion

# --- Output ------------------------------------------------------------------------------------


class ArticleVersionSerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    issuing_unit = serializers.CharField(source="issuing_unit.code", read_only=True)

    class Meta:
        model = ArticleVersion
        fields = [
            "number",
            "status",
            "title",
            "question",
            "answer",
            "keywords",
            "categories",
            "issuing_unit",
            "effective_from",
            "expires_on",
            "created_at",
            "published_at",
        ]


class PublishedArticleSerializer(ArticleVersionSerializer):
    """A published article as operators read it: its live version's words."""

    id = serializers.IntegerField(source="article_id", read_only=True)
    version = serializers.IntegerField(source="number", read_only=True)
    use_count = serializers.IntegerField(source="article.use_count", read_only=True)

    class Meta(ArticleVersionSerializer.Meta):
        fields = [
            "id",
            "version",
            "title",
            "question",
            "answer",
            "keywords",
            "categories",
            "issuing_unit",
            "effective_from",
            "expires_on",
            "use_count",
        ]


class ArticleEventSerializer(serializers.Serializer):
    type = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    unit = serializers.CharField(source="unit.code", default=None, allow_null=True)
    version = serializers.IntegerField(source="version.number", default=None, allow_null=True)
    at = serializers.DateTimeField()
    note = serializers.CharField()


class ArticleDetailSerializer(serializers.ModelSerializer):
    owner_unit = serializers.CharField(source="owner_unit.code", read_only=True)
    live_version = serializers.IntegerField(source="live.number", default=None, allow_null=True)
    latest_version = serializers.IntegerField(source="latest.number", read_only=True)
    versions = ArticleVersionSerializer(many=True, read_only=True)
    events = ArticleEventSerializer(many=True, read_only=True, source="history")
    allowed_actions = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "status",
            "owner_unit",
            "live_version",
            "latest_version",
            "use_count",
            "last_used_at",
            "demo",
            "versions",
            "events",
            "allowed_actions",
        ]


def _detail(request, pk):
    article = selectors.article_with_versions(pk, request.user)
    article.history = list(selectors.history(article))
    article.allowed_actions = [s.name for s in lifecycle.allowed_steps(article, request.user)]
    return ArticleDetailSerializer(article).data


# --- Input -------------------------------------------------------------------------------------


def _version_fields(required):
    """The fields of a version's words; an edit may leave any of them out (carried over)."""
    return {
        "title": serializers.CharField(max_length=120, required=required),
        "question": serializers.CharField(max_length=1000, required=required),
        "answer": serializers.CharField(
            max_length=4000, required=required, help_text=_("话务员读给诉求人的答复口径")
        ),
        "keywords": serializers.CharField(max_length=200, required=False, allow_blank=True),
        "categories": serializers.SlugRelatedField(
            slug_field="code",
            many=True,
            queryset=Category.objects.filter(active=True),
            required=required,
            allow_empty=False,
            help_text=_("诉求分类编码"),
        ),
        "effective_from": serializers.DateField(required=False, help_text=_("默认今天")),
        "expires_on": serializers.DateField(required=False, allow_null=True),
        "submit": serializers.BooleanField(default=False, help_text=_("同时提交审核")),
    }


ProposeInput = type(
    "ProposeInput",
    (serializers.Serializer,),
    {
        **_version_fields(required=True),
        "unit": serializers.SlugRelatedField(
            slug_field="code",
            queryset=Unit.objects.filter(active=True),
            required=False,
            help_text=_("发布单位编码（仅审核员、管理员；承办人总是本单位）"),
        ),
    },
)
EditInput = type(
    "EditInput",
    (serializers.Serializer,),
    {
        **_version_fields(required=False),
        "note": serializers.CharField(max_length=500, required=False, allow_blank=True),
    },
)


class ArticleNoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ArticleReasonInput(serializers.Serializer):
    note = serializers.CharField(max_length=500)


# --- Views -------------------------------------------------------------------------------------

FIELD_ERRORS = OpenApiResponse(OpenApiTypes.OBJECT, description=str(_("输入有误：字段名 → 错误")))


def _error(text):
    return OpenApiResponse(ErrorSerializer, description=str(text))


NOT_FOUND = _error(_("文章不存在，或当前用户无权查看"))


def _category_param(request):
    """A category code from the query string: letters, digits and dots, or a 400; empty or
    absent is no filter (CATEGORY_PARAM says so in the schema)."""
    code = request.query_params.get("category", "")
    if code and not CATEGORY_CODE.fullmatch(code):
        raise serializers.ValidationError({"category": [_("分类编码格式不正确")]})
    return code


CATEGORY_CODE = re.compile(r"[A-Za-z0-9.]{1,32}")
CATEGORY_PARAM = rf"^({CATEGORY_CODE.pattern})?$"


class ArticleList(generics.ListCreateAPIView):
    serializer_class = PublishedArticleSerializer
    # As the ticket lists: the count stops at 1,000 (count_capped), and a search pages
    # from the ids of its hits — no COUNT over every article in service.
    pagination_class = CappedCountPagination
    filter_backends = []

    def get_queryset(self):
        q = self.request.query_params.get("q", "")[:100]
        return selectors.search_published(q=q, category=_category_param(self.request))

    @extend_schema(
        summary=str(_("已发布的知识库文章：检索")),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description=str(_("检索词，两字词即可"))),
            OpenApiParameter(
                "category",
                OpenApiTypes.STR,
                pattern=CATEGORY_PARAM,
                description=str(_("分类编码，含下级")),
            ),
        ],
        responses=list_responses(PublishedArticleSerializer),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=str(_("提出知识库文章（草稿，可同时提交审核）")),
        request=ProposeInput,
        responses={
            201: ArticleDetailSerializer,
            400: FIELD_ERRORS,
            403: _error(_("只有承办单位、审核员和管理员可以提出文章")),
        },
    )
    def post(self, request, *args, **kwargs):
        body = ProposeInput(data=request.data)
        if not body.is_valid():
            # Say who may before which field is wrong: a leader learns the role, not a field.
            actions.check_may_propose(request.user)
            body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        submit = data.pop("submit")
        article = actions.propose_article(actor=request.user, **data)
        if submit:
            actions.submit_article(actor=request.user, article=article)
        return Response(_detail(request, article.pk), status=status.HTTP_201_CREATED)


class ArticleDetail(APIView):
    @extend_schema(
        summary=str(_("知识库文章：全部版本与历史")),
        responses={200: ArticleDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        article = get_object_or_404(selectors.visible_articles(request.user), pk=pk)
        return Response(_detail(request, article.pk))


class ArticleStep(APIView):
    """One step on one article; subclasses name the step, its body and its action."""

    step = ""
    input_class = ArticleNoteInput

    def act(self, request, article, data):
        raise NotImplementedError

    def post(self, request, pk):
        article = get_object_or_404(selectors.visible_articles(request.user), pk=pk)
        lifecycle.check(self.step, article, request.user)  # role and state before the body
        body = self.input_class(data=request.data)
        body.is_valid(raise_exception=True)
        self.act(request, article, dict(body.validated_data))
        return Response(_detail(request, article.pk))


def _step_schema(step, input_class, roles):
    return extend_schema(
        operation_id=f"knowledge_articles_{step}",
        summary=str(lifecycle.STEPS[step].label),
        description=str(_("可执行角色：%(r)s。")) % {"r": roles},
        request=input_class,
        responses={
            200: ArticleDetailSerializer,
            400: FIELD_ERRORS,
            403: _error(_("角色或单位不能执行此步骤")),
            404: NOT_FOUND,
            409: _error(_("文章当前状态不允许此步骤")),
        },
        tags=["knowledge"],
    )


REVIEWERS = str(_("审核员、管理员"))
AUTHORS = str(_("本单位承办人、审核员、管理员"))


@extend_schema_view(post=_step_schema("edit", EditInput, AUTHORS))
class ArticleEdit(ArticleStep):
    step, input_class = "edit", EditInput

    def act(self, request, article, data):
        submit = data.pop("submit")
        actions.edit_article(actor=request.user, article=article, **data)
        if submit:
            actions.submit_article(actor=request.user, article=article)


@extend_schema_view(post=_step_schema("submit", ArticleNoteInput, AUTHORS))
class ArticleSubmit(ArticleStep):
    step = "submit"

    def act(self, request, article, data):
        actions.submit_article(actor=request.user, article=article, **data)


@extend_schema_view(post=_step_schema("publish", ArticleNoteInput, REVIEWERS))
class ArticlePublish(ArticleStep):
    step = "publish"

    def act(self, request, article, data):
        actions.publish_article(actor=request.user, article=article, **data)


@extend_schema_view(post=_step_schema("reject", ArticleReasonInput, REVIEWERS))
class ArticleReject(ArticleStep):
    step, input_class = "reject", ArticleReasonInput

    def act(self, request, article, data):
        actions.reject_article(actor=request.user, article=article, **data)


@extend_schema_view(post=_step_schema("withdraw", ArticleReasonInput, REVIEWERS))
class ArticleWithdraw(ArticleStep):
    step, input_class = "withdraw", ArticleReasonInput

    def act(self, request, article, data):
        actions.withdraw_article(actor=request.user, article=article, **data)


class ArticleSuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article_id")
    version = serializers.IntegerField(source="number")
    title = serializers.CharField()
    answer = serializers.CharField()
    issuing_unit = serializers.CharField(source="issuing_unit.name")


class Suggestions(APIView):
    """The console's panel: the best in-service articles for a category and what was said."""

    @extend_schema(
        summary=str(_("受理台推荐的知识库文章")),
        parameters=[
            OpenApiParameter(
                "category",
                OpenApiTypes.STR,
                pattern=CATEGORY_PARAM,
                description=str(_("分类编码")),
            ),
            OpenApiParameter("content", OpenApiTypes.STR, description=str(_("诉求内容"))),
        ],
        responses={200: ArticleSuggestionSerializer(many=True), 400: FIELD_ERRORS},
    )
    def get(self, request):
        code = _category_param(request)
        category = Category.objects.filter(code=code).first() if code else None
        found = selectors.suggest(
            category=category, content=request.query_params.get("content", "")[:2000]
        )
        return Response(ArticleSuggestionSerializer(found, many=True).data)

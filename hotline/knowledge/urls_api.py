from django.urls import path

from . import api

STEPS = {
    "versions": api.ArticleEdit,
    "submit": api.ArticleSubmit,
    "publish": api.ArticlePublish,
    "reject": api.ArticleReject,
    "withdraw": api.ArticleWithdraw,
}

urlpatterns = [
    path("knowledge/articles/", api.ArticleList.as_view(), name="api-articles"),
    path("knowledge/articles/<int:pk>/", api.ArticleDetail.as_view(), name="api-article"),
    *(
        path(f"knowledge/articles/<int:pk>/{name}/", view.as_view(), name=f"api-article-{name}")
        for name, view in STEPS.items()
    ),
    path("knowledge/suggestions/", api.Suggestions.as_view(), name="api-knowledge-suggestions"),
]

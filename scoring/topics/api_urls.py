from django.urls import path

from . import api

urlpatterns = [
    path("topics/", api.TopicList.as_view(), name="topics"),
    path("topics/candidates/", api.TopicCandidates.as_view(), name="topic-candidates"),
    path("topics/<int:pk>/", api.TopicDetail.as_view(), name="topic"),
    path("topics/<int:pk>/adopt/", api.TopicAdopt.as_view(), name="topic-adopt"),
    path("topics/<int:pk>/tasks/", api.TopicTasks.as_view(), name="topic-tasks"),
    path(
        "topics/<int:pk>/tasks/<int:task_id>/progress/",
        api.TaskProgress.as_view(),
        name="topic-task-progress",
    ),
    path("topics/<int:pk>/close/", api.TopicClose.as_view(), name="topic-close"),
]

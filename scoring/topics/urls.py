from django.urls import path

from . import views

# Included by scoring/urls.py under /dashboard/ (namespace "scoring").
urlpatterns = [
    path("topics/", views.topic_list, name="topics"),
    path("topics/propose/", views.propose, name="topic-propose"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/adopt/", views.adopt, name="topic-adopt"),
    path("topics/<int:pk>/tasks/", views.add_task, name="topic-task"),
    path("topics/<int:pk>/tasks/<int:task_id>/progress/", views.progress, name="topic-progress"),
    path("topics/<int:pk>/close/", views.close, name="topic-close"),
]

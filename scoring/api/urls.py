from django.urls import path

from .views import ComputeScores, PublishScores, ScoreList

urlpatterns = [
    path("scores/", ScoreList.as_view(), name="scores"),
    path("scores/compute/", ComputeScores.as_view(), name="scores-compute"),
    path("scores/publish/", PublishScores.as_view(), name="scores-publish"),
]

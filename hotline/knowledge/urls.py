from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("new/", views.propose, name="propose"),
    path("review/", views.review, name="review"),
    path("replies/", views.reply_templates, name="replies"),
    path("<int:pk>/", views.article, name="article"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/<slug:name>/", views.step, name="step"),
]

"""Mounted under /api/v1/ (hotline/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "tickets/<str:number>/attachments/",
        api.TicketAttachments.as_view(),
        name="api-ticket-attachments",
    ),
    # Any text, so that a bad id is a JSON 404 like every other answer of the API.
    path("attachments/<str:id>/", api.AttachmentFile.as_view(), name="api-attachment"),
    path(
        "attachments/<str:id>/thumbnail/",
        api.AttachmentThumbnail.as_view(),
        name="api-attachment-thumbnail",
    ),
]

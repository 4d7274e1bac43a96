"""Mounted under /api/v1/ (hotline/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [path("webhooks/", api.WebhookListCreate.as_view(), name="api-webhooks")]

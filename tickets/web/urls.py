from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("console/", views.console, name="console"),
    path("console/lookup", views.console_lookup, name="console-lookup"),
    path("dispatch/", views.dispatch_queue, name="dispatch"),
    path("inbox/", views.inbox, name="inbox"),
    path("tickets/<str:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:number>/<slug:step>/", views.ticket_step, name="ticket-step"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("reviews/", views.reviews, name="reviews"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
]

from django.urls import path

from . import queue_views, search_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("console/", views.console, name="console"),
    path("console/lookup", views.console_lookup, name="console-lookup"),
    path("dispatch/", queue_views.dispatch_queue, name="dispatch"),
    path("inbox/", queue_views.inbox, name="inbox"),
    path("tickets/<str:number>/", views.ticket_detail, name="ticket"),
    path("tickets/<str:number>/<slug:step>/", views.ticket_step, name="ticket-step"),
    path("callbacks/", queue_views.callbacks, name="callbacks"),
    path("reviews/", queue_views.reviews, name="reviews"),
    # reaching a confidential caller: the centre's relay queue (issue 9)
    path("relays/", queue_views.relays, name="relays"),
    path("notifications/", queue_views.notifications, name="notifications"),
    path("notifications/read/", queue_views.notifications_read, name="notifications-read"),
    # search and lists of every role (issue 10)
    path("search/", search_views.ticket_search, name="tickets-search"),
    path("search/export.<slug:fmt>", search_views.ticket_export, name="tickets-export"),
]

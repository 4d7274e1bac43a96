from django.urls import path

from . import search_views, views

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
    # reaching a confidential caller: the centre's relay queue (issue 9)
    path("relays/", views.relays, name="relays"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    # search and lists of every role (issue 10)
    path("search/", search_views.ticket_search, name="tickets-search"),
    path("search/export.<slug:fmt>", search_views.ticket_export, name="tickets-export"),
]

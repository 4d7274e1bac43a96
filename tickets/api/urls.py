from django.urls import path

from hotline.directory_api import CategoryList, UnitList

from ..search.api import CallerTickets
from . import views

urlpatterns = [
    path("units/", UnitList.as_view(), name="api-units"),
    path("categories/", CategoryList.as_view(), name="api-categories"),
    path("tickets/", views.TicketListCreate.as_view(), name="api-tickets"),
    path("tickets/<str:number>/", views.TicketDetail.as_view(), name="api-ticket"),
    *(
        path(f"tickets/<str:number>/{step}/", view.as_view(), name=f"api-ticket-{step}")
        for step, view in views.ACTION_VIEWS.items()
    ),
    # caller history (issue 10)
    path("callers/<str:phone>/tickets/", CallerTickets.as_view(), name="api-caller-tickets"),
    path("notifications/", views.NotificationList.as_view(), name="api-notifications"),
    path(
        "notifications/read-all/",
        views.NotificationReadAll.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/<str:id>/read/",
        views.NotificationRead.as_view(),
        name="api-notification-read",
    ),
]

"""mySociety's `servicerequestupdates` extension to GeoReport v2: a ticket's public history.

FixMyStreet polls `servicerequestupdates.xml?start_date=…&end_date=…` and moves its reports
by each update's status. Updates are read from the append-only TicketEvent history — only the
events a citizen may follow, with a description written here, never a note someone typed
(unless an admin publishes text, and then masked).
"""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline.models import Unit

from ..models import TicketEvent
from .privacy import mask_personal

MAX_UPDATES = 1000
DEFAULT_WINDOW = timedelta(days=1)


def _reply_status(event):
    return "fixed" if event.payload.get("result") == "solved" else "in_progress"


def _callback_status(event):
    return "in_progress" if event.payload.get("reopened") else "closed"


# Event type → (status as FixMyStreet reads it, public description). A callable status
# depends on the event's payload.
PUBLIC_EVENTS = {
    "created": ("open", lambda e: _("已受理")),
    "answered": ("closed", lambda e: _("已当场答复")),
    "transferred": ("internal_referral", lambda e: _("已转紧急热线处置")),
    "merged": ("duplicate", lambda e: _("与已有工单合并办理")),
    "dispatched": ("action_scheduled", lambda e: _("已派单至 %(u)s") % {"u": e.lead_name}),
    "return_accepted": ("action_scheduled", lambda e: _("已改派至 %(u)s") % {"u": e.lead_name}),
    "signed": ("in_progress", lambda e: _("承办单位已签收")),
    "contacted": ("in_progress", lambda e: _("承办单位已联系诉求人")),
    "whistled": ("in_progress", lambda e: _("街乡吹哨，召集相关部门共同办理")),
    "extension_approved": ("in_progress", lambda e: _("办理期限已延长")),
    "replied": (_reply_status, lambda e: _("承办单位已反馈办理结果")),
    "called_back": (_callback_status, lambda e: _("已回访")),
}


def updates(*, start=None, end=None, now) -> QuerySet:
    """Public events of non-confidential tickets in [start, end]; the last day by default."""
    if start is None and end is None:
        start = now - DEFAULT_WINDOW
    qs = TicketEvent.objects.filter(
        type__in=list(PUBLIC_EVENTS), ticket__confidential=False
    ).select_related("ticket")
    if start is not None:
        qs = qs.filter(at__gte=start)
    if end is not None:
        qs = qs.filter(at__lte=end)
    return qs.order_by("at", "id")[:MAX_UPDATES]


def update_rows(events, *, publish_text: bool = False) -> list[dict]:
    """Rows for these events; the units they were sent to are named with one query."""
    events = list(events)
    codes = {e.payload.get("lead") for e in events if e.payload.get("lead")}
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    for event in events:
        event.lead_name = names.get(event.payload.get("lead"), _("承办单位"))
    return [update_row(e, publish_text=publish_text) for e in events]


def update_row(event, *, publish_text: bool = False) -> dict:
    status, describe = PUBLIC_EVENTS[event.type]
    description = str(describe(event))
    if publish_text and event.note and event.type in ("replied", "answered"):
        # The unit's own words about the result, masked like every published text.
        ticket = event.ticket
        note = mask_personal(
            event.note, caller_name=ticket.caller_name, caller_phone=ticket.caller_phone
        )
        description = f"{description}：{note}"
    return {
        "update_id": str(event.pk),
        "service_request_id": event.ticket.number,
        "status": status(event) if callable(status) else status,
        "updated_datetime": timezone.localtime(event.at).isoformat(timespec="seconds"),
        "description": description,
        "media_url": event.ticket.media_url if event.type == "created" else "",
    }

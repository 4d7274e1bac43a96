"""Reads: a ticket's attachments, and one attachment for a user who may see its ticket."""

from django.db.models import QuerySet

from .. import selectors
from .models import Attachment


def for_ticket(ticket) -> QuerySet:
    return Attachment.objects.filter(ticket=ticket).select_related("uploaded_by", "unit")


def visible_attachment(user, pk) -> Attachment | None:
    """The attachment when its ticket is visible to `user` (SPEC §14, §16), else None."""
    att = Attachment.objects.filter(pk=pk).first()
    if att is None or not selectors.visible_tickets(user).filter(pk=att.ticket_id).exists():
        return None
    return att

"""Writes: add a file to a ticket, add a link (Open311 media_url), cite files in a step.

Adding is an action of its own (lock the ticket, one `attached` event). Citing happens
inside the step's action and its transaction: the step's event lists the files' ids.
"""

import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hotline.models import Role

from .. import selectors
from ..guards import Refused
from ..models import Ticket, TicketEvent
from . import files
from .models import Attachment

NOTE_MAX = 200


def attach_refusal(user, ticket):
    """Anyone who sees the ticket may add evidence, except leaders (they only read)."""
    if not selectors.visible_tickets(user).filter(pk=ticket.pk).exists():
        return Refused(404, _("工单不存在，或当前用户无权查看"))
    if user.role in ("", Role.LEADER):
        return Refused(403, _("您的角色不能上传附件"))
    return None


def _display_name(name: str, extension: str) -> str:
    """The uploader's file name, for people to read: no path, no control characters."""
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "", (name or "").rsplit("/", 1)[-1]).strip()
    if not name:
        name = pgettext("default file name", "附件")
    if not name.lower().endswith("." + extension):
        name = f"{name[:190]}.{extension}"
    return name[-200:]


def _locked(ticket):
    return Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)


def _attached_event(ticket, actor, now, att):
    TicketEvent.objects.create(
        ticket=ticket,
        type="attached",
        actor=actor,
        unit=getattr(actor, "unit", None),
        at=now,
        note=att.note,
        payload={
            "attachment": att.pk,
            "name": att.name,
            "content_type": att.content_type,
            "step": att.step,
        },
    )


def add_attachment(*, actor, ticket, upload, note="", step="", now=None) -> Attachment:
    """Sniff, clean and store one uploaded file on the ticket."""
    now = now or timezone.now()
    refused = attach_refusal(actor, ticket)
    if refused:
        raise refused
    if len(note or "") > NOTE_MAX:
        raise ValidationError({"note": _("说明不能超过 %(n)s 个字") % {"n": NOTE_MAX}})
    try:
        cleaned = files.clean(upload)  # the slow part, before any row is locked
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    with transaction.atomic():
        ticket = _locked(ticket)
        att = Attachment(
            ticket=ticket,
            name=_display_name(getattr(upload, "name", ""), cleaned.extension),
            content_type=cleaned.content_type,
            size=len(cleaned.content),
            note=note or "",
            step=step,
            uploaded_by=actor,
            unit=getattr(actor, "unit", None),
            uploaded_at=now,
        )
        att.file.save(f"f.{cleaned.extension}", ContentFile(cleaned.content), save=False)
        if cleaned.thumbnail:
            att.thumbnail.save("t.jpg", ContentFile(cleaned.thumbnail), save=False)
        att.save()
        _attached_event(ticket, actor, now, att)
    return att


def add_link(*, actor, ticket, url, note="", now=None) -> Attachment:
    """A caller's media link (Open311 `media_url`), kept as given and never fetched."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        att = Attachment.objects.create(
            ticket=ticket,
            link=url,
            name=url.rsplit("/", 1)[-1][:200] or url[:200],
            content_type="text/uri-list",
            note=note,
            step=Attachment.Step.INTAKE,
            uploaded_by=actor,
            unit=getattr(actor, "unit", None),
            uploaded_at=now,
        )
        _attached_event(ticket, actor, now, att)
    return att


def cite(*, ticket, actor, ids, step) -> list[int]:
    """Mark the actor's unit's uploads `ids` as the evidence of `step` (inside its action).

    Only files of this ticket, uploaded by the actor's own unit and not yet cited by
    another step, may be cited; anything else is a 400 on `attachments`.
    """
    if not ids:
        return []
    try:
        wanted = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        raise ValidationError({"attachments": _("附件编号须为整数")}) from None
    rows = {a.pk: a for a in Attachment.objects.select_for_update().filter(pk__in=wanted)}
    missing = [i for i in wanted if i not in rows or rows[i].ticket_id != ticket.pk]
    if missing:
        raise ValidationError(
            {"attachments": _("附件 %(ids)s 不属于本工单") % {"ids": ", ".join(map(str, missing))}}
        )
    if any(a.unit_id != actor.unit_id for a in rows.values()):
        raise ValidationError({"attachments": _("只能引用本单位上传的附件")})
    if any(a.step and a.step != step for a in rows.values()):
        raise ValidationError({"attachments": _("附件已作为其他步骤的材料")})
    Attachment.objects.filter(pk__in=wanted).update(step=step)
    return wanted


def upload_all(*, actor, ticket, uploads, step="", now=None) -> list[int]:
    """Add several files from a page's form (already sniffed by its EvidenceField)."""
    return [
        add_attachment(actor=actor, ticket=ticket, upload=u, step=step, now=now).pk for u in uploads
    ]

"""Intake and triage (SPEC §3, §4): log a call, answer it, transfer it, merge a repeat."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hotline.knowledge import actions as knowledge
from hotline.models import Category

from .. import routing
from ..announce import announce
from ..guards import Refused, intake_refusal
from ..lifecycle import OPEN_STATES
from ..models import (
    Kind,
    Status,
    Ticket,
)
from ..numbers import next_number
from ._steps import _begin, _event, _now, _require


def create_ticket(
    *, actor, idempotency_key=None, now=None, with_ticket=None, **fields
) -> tuple[Ticket, bool]:
    """Log a contact as a ticket. Returns (ticket, created); a repeated key returns the first.

    `with_ticket(ticket)`: a further write of a ticket just created (the console's photos),
    in the ticket's transaction, so both land or neither; the caller keeps no transaction
    open around this call (the day's number is drawn before it, see next_number).

    `fields` are Ticket fields (`category` a Category, `street` a Unit or None). The
    address is resolved to district and street when they are not given; urgency defaults
    from the category, and changing it needs `urgency_reason`. A ticket just created
    carries its history so far in `new_events` (its `created` event).
    """
    now = _now(now)
    refused = intake_refusal(actor)
    if refused:
        raise refused
    asked = dict(fields)  # what the retry is compared with, before defaults fill it in
    if idempotency_key:
        first = _first_of_key(actor, idempotency_key, asked)
        if first:
            return first, False
    category: Category = fields["category"]
    if not category.is_leaf:
        raise ValidationError({"category": _("请选择最末级分类")})
    urgency = fields.get("urgency") or category.default_urgency
    if urgency != category.default_urgency and not fields.get("urgency_reason"):
        raise ValidationError({"urgency_reason": _("调整响应级别须说明理由")})
    fields["urgency"] = urgency
    community = fields.get("community")
    if community and not fields.get("street"):
        # A community names its street: the ticket goes there, not where the address might
        # be read (a community under one street, the street of another district).
        if fields.get("district") and community.district_id != fields["district"].pk:
            raise ValidationError({"community": _("该社区不属于所填的区")})
        fields["street"] = community.parent
    if not fields.get("street") and not fields.get("district"):
        place = routing.resolve_place(fields.get("address", ""))
        fields["district_id"], fields["street_id"] = place.district_id, place.street_id
        if not fields.get("community"):
            fields["community_id"] = place.community_id
    elif fields.get("district") and not fields.get("street"):
        # the district given, the street still read from the address when it lies there
        place = routing.resolve_place(fields.get("address", ""))
        if place.street_id and place.district_id == fields["district"].pk:
            fields["street_id"] = place.street_id
            if not fields.get("community"):
                fields["community_id"] = place.community_id
    elif fields.get("street") and not fields.get("district"):
        fields["district"] = fields["street"].district
    fields.setdefault("received_at", now)
    number = next_number(fields["received_at"])  # before the transaction: see next_number
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                number=number,
                created_by=actor,
                idempotency_key=idempotency_key or None,
                **fields,
            )
            # carried on the instance, so the API's answer need not read it back
            ticket.new_events = [_event(ticket, "created", actor, now, channel=ticket.channel)]
            announce(ticket, "created", now=now)
            if with_ticket is not None:
                with_ticket(ticket)
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its ticket.
        if idempotency_key:
            first = _first_of_key(actor, idempotency_key, asked)
            if first:
                return first, False
        raise
    return ticket, True


def _first_of_key(actor, key, fields) -> Ticket | None:
    """The ticket the sender's key already made, if any. A retry must be the same request:
    under a used key, another call's content (or phone, address…) would be answered with
    the first ticket and lost, so it is refused (422, as Stripe and the IETF draft on
    Idempotency-Key do). A field the retry leaves empty takes what the first had."""
    first = Ticket.objects.filter(created_by=actor, idempotency_key=key).first()
    if first is None:
        return None
    differing = [
        str(Ticket._meta.get_field(name).verbose_name)
        for name, value in fields.items()
        if value not in (None, "") and getattr(first, name, value) != value
    ]
    if differing:
        raise Refused(
            422,
            _(
                "Idempotency-Key 已用于工单 %(n)s，本次请求的%(f)s与之不同："
                "重试须与第一次相同，新的来电请换一个键"
            )
            % {"n": first.number, "f": "、".join(differing)},
        )
    return first


@transaction.atomic
def answer_ticket(*, actor, ticket, answer, article=None, now=None) -> Ticket:
    """Answer on the spot; `article` (an id) records the knowledge version read out."""
    now = _now(now)
    ticket = _begin("answer", ticket, actor, now)
    _require(answer, "answer", _("请填写答复内容"))
    version = None
    if article is not None:
        version = knowledge.published_version_for_answer(article, now=now)
        knowledge.record_use(version=version, now=now)
    ticket.status, ticket.answer, ticket.answer_article = Status.ANSWERED, answer, version
    ticket.save(update_fields=["status", "answer", "answer_article"])
    cited = {"article": version.article_id, "version": version.number} if version else {}
    _event(ticket, "answered", actor, now, answer, **cited)
    return ticket


@transaction.atomic
def transfer_ticket(*, actor, ticket, to, note="", now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("transfer", ticket, actor, now)
    if to not in {"110", "119", "120", "122"}:
        raise ValidationError({"to": _("只能转 110、119、120 或 122")})
    ticket.status, ticket.transferred_to = Status.TRANSFERRED, to
    ticket.save(update_fields=["status", "transferred_to"])
    _event(ticket, "transferred", actor, now, note, to=to)
    return ticket


@transaction.atomic
def merge_ticket(*, actor, ticket, into, now=None) -> Ticket:
    now = _now(now)
    ticket = _begin("merge", ticket, actor, now)
    # Re-read (and lock) the master even when given an instance: a stale copy could hide
    # that it was closed or merged meanwhile.
    lookup = {"pk": into.pk} if isinstance(into, Ticket) else {"number": into}
    master = Ticket.objects.select_for_update(of=("self",)).filter(**lookup).first()
    if master is None:
        raise ValidationError({"into": _("主工单不存在")})
    if master.pk == ticket.pk:
        raise ValidationError({"into": _("不能并入自身")})
    if master.status not in OPEN_STATES:
        raise Refused(
            409, _("主工单已结束（%(s)s），不能并单") % {"s": master.get_status_display()}
        )
    if master.master_id:
        raise Refused(409, _("主工单本身已并入其他工单"))
    # Found by an audit: either left a ticket that no one would handle (SPEC §4: only the
    # master is handled): an enquiry is answered, never dispatched, and a master's repeats
    # would point at a ticket merged away.
    if master.kind == Kind.ENQUIRY and ticket.kind != Kind.ENQUIRY:
        raise Refused(409, _("主工单是咨询，不会派单办理：只有咨询可以并入咨询"))
    if Ticket.objects.filter(master=ticket).exists():
        raise Refused(409, _("已有重复件并入本工单：请把其他工单并入本工单，而不是反过来"))
    ticket.status, ticket.master = Status.MERGED, master
    ticket.save(update_fields=["status", "master"])
    _event(ticket, "merged", actor, now, into=master.number)
    _event(master, "repeat_merged", actor, now, repeat=ticket.number)
    return ticket

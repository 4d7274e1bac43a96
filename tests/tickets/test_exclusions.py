"""Assessment exclusions (SPEC §8): unreasonable demands and appeals, each with a review."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tickets import actions
from tickets.guards import Refused
from tickets.models import ReviewRequest, Ticket

pytestmark = pytest.mark.django_db


def _later(flow, hours):
    return flow.T0 + timedelta(hours=hours)


def _refused(call, status=409):
    with pytest.raises(Refused) as refused:
        call()
    assert refused.value.status == status, refused.value.message


@pytest.mark.parametrize("state", ["in_progress", "replied"])
def test_an_unreasonable_claim_confirmed_excludes_the_ticket(flow, staff, state):
    ticket = flow.at(state)
    actions.claim_unreasonable(
        actor=staff.street, ticket=ticket, reason="要求拆除合法建筑", now=_later(flow, 3)
    )
    # One pending claim at a time.
    _refused(
        lambda: actions.claim_unreasonable(
            actor=staff.street, ticket=ticket, reason="x", now=_later(flow, 3)
        )
    )
    actions.review_claim(
        actor=staff.reviewer, ticket=ticket, approve=True, note="确属不合理", now=_later(flow, 4)
    )
    ticket.refresh_from_db()
    assert (ticket.excluded, ticket.excluded_reason) == (True, "unreasonable")
    assert ticket.status == state  # excluding does not end the handling
    request = ReviewRequest.objects.get(ticket=ticket, kind="unreasonable")
    assert (request.decision, request.decided_by) == ("approved", staff.reviewer)
    assert ticket.events.last().type == "claim_confirmed"
    # Excluded already: no second claim, no appeal later.
    _refused(
        lambda: actions.claim_unreasonable(
            actor=staff.street, ticket=ticket, reason="x", now=_later(flow, 5)
        )
    )


def test_a_rejected_claim_keeps_the_ticket_counted(flow, staff):
    ticket = flow.at("in_progress")
    actions.claim_unreasonable(actor=staff.street, ticket=ticket, reason="x", now=_later(flow, 3))
    actions.review_claim(
        actor=staff.reviewer, ticket=ticket, approve=False, note="查否", now=_later(flow, 4)
    )
    ticket.refresh_from_db()
    assert (ticket.excluded, ticket.excluded_reason) == (False, "")
    assert ticket.events.last().type == "claim_rejected"
    assert ReviewRequest.objects.get(ticket=ticket).decision == "rejected"


def test_a_claim_needs_a_reason_and_a_review_needs_a_claim(flow, staff):
    ticket = flow.at("in_progress")
    with pytest.raises(ValidationError):
        actions.claim_unreasonable(actor=staff.street, ticket=ticket, reason="")
    _refused(lambda: actions.review_claim(actor=staff.reviewer, ticket=ticket, approve=True))
    assert not Ticket.objects.get(pk=ticket.pk).excluded


def test_an_appeal_after_a_valid_counted_callback_upheld_excludes(flow, staff):
    ticket = flow.at("closed")
    actions.appeal(actor=staff.street, ticket=ticket, reason="附现场照片", now=_later(flow, 5))
    _refused(
        lambda: actions.appeal(actor=staff.street, ticket=ticket, reason="x", now=_later(flow, 5))
    )
    actions.review_appeal(actor=staff.reviewer, ticket=ticket, approve=True, now=_later(flow, 6))
    ticket.refresh_from_db()
    assert (ticket.excluded, ticket.excluded_reason) == (True, "appeal")
    assert ticket.events.last().type == "appeal_upheld"
    _refused(lambda: actions.appeal(actor=staff.street, ticket=ticket, reason="再申诉"))


def test_a_rejected_appeal_keeps_the_result(flow, staff):
    ticket = flow.at("closed")
    actions.appeal(actor=staff.street, ticket=ticket, reason="x", now=_later(flow, 5))
    actions.review_appeal(actor=staff.reviewer, ticket=ticket, approve=False, now=_later(flow, 6))
    ticket.refresh_from_db()
    assert not ticket.excluded
    assert ticket.events.last().type == "appeal_rejected"


def test_no_appeal_without_a_valid_callback(flow, staff):
    ticket = flow.at("replied")
    actions.record_callback(
        actor=staff.callback_agent,
        ticket=ticket,
        valid=False,
        invalid_reason="refused",
        now=_later(flow, 3),
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"
    _refused(lambda: actions.appeal(actor=staff.street, ticket=ticket, reason="x"))
    assert not ReviewRequest.objects.filter(ticket=ticket).exists()


def test_no_appeal_before_the_callback(flow, staff):
    ticket = flow.at("replied")
    _refused(lambda: actions.appeal(actor=staff.street, ticket=ticket, reason="x"))


def test_only_the_lead_unit_appeals_and_only_a_reviewer_decides(flow, staff):
    ticket = flow.at("closed")
    _refused(lambda: actions.appeal(actor=staff.other_street, ticket=ticket, reason="x"), 403)
    actions.appeal(actor=staff.street, ticket=ticket, reason="x", now=_later(flow, 5))
    _refused(
        lambda: actions.review_appeal(actor=staff.dispatcher, ticket=ticket, approve=True), 403
    )
    assert ReviewRequest.objects.get(ticket=ticket).decision == "pending"

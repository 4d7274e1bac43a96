"""Triage at intake (SPEC §4): answer on the spot, transfer to 110/119/120/122, merge repeats."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import leaf
from tickets import actions, selectors
from tickets.guards import Refused
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def test_an_enquiry_is_answered_and_never_dispatched(flow, staff):
    ticket = flow.new(kind="enquiry")
    ticket = actions.answer_ticket(actor=staff.operator, ticket=ticket, answer="请携带身份证办理")
    ticket.refresh_from_db()
    assert ticket.status == Status.ANSWERED and ticket.answer == "请携带身份证办理"
    assert ticket.events.last().type == "answered"
    with pytest.raises(Refused) as refused:
        actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    assert refused.value.status == 409
    assert Ticket.objects.get(pk=ticket.pk).lead_unit is None


def test_an_answer_needs_text(flow, staff):
    ticket = flow.new()
    with pytest.raises(ValidationError):
        actions.answer_ticket(actor=staff.operator, ticket=ticket, answer="")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


@pytest.mark.parametrize("line", ["110", "119", "120", "122"])
def test_an_emergency_is_transferred(flow, staff, line):
    ticket = actions.transfer_ticket(
        actor=staff.operator, ticket=flow.new(), to=line, note="有人受伤"
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.TRANSFERRED and ticket.transferred_to == line
    event = ticket.events.last()
    assert (event.type, event.payload, event.note) == ("transferred", {"to": line}, "有人受伤")


@pytest.mark.parametrize("line", ["12345", "999", "", "114"])
def test_transfer_only_to_the_four_emergency_lines(flow, staff, line):
    ticket = flow.new()
    with pytest.raises(ValidationError) as error:
        actions.transfer_ticket(actor=staff.operator, ticket=ticket, to=line)
    assert "to" in error.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.events.count() == 1


def test_a_repeat_is_merged_into_an_open_master(flow, staff):
    master = flow.dispatched()
    repeat = flow.new(now=flow.T0 + timedelta(hours=1))
    merged = actions.merge_ticket(actor=staff.operator, ticket=repeat, into=master.number)
    repeat.refresh_from_db()
    assert merged.status == repeat.status == Status.MERGED
    assert repeat.master == master
    assert list(master.repeats.all()) == [repeat]
    assert repeat.events.last().payload == {"into": master.number}
    assert master.events.last().payload == {"repeat": repeat.number}
    master.refresh_from_db()
    assert master.status == Status.DISPATCHED  # only the master is handled


@pytest.mark.parametrize("state", ["closed", "answered", "transferred"])
def test_no_merge_into_a_finished_ticket(flow, staff, state):
    master = flow.at(state)
    repeat = flow.new()
    with pytest.raises(Refused) as refused:
        actions.merge_ticket(actor=staff.operator, ticket=repeat, into=master)
    assert refused.value.status == 409
    assert Ticket.objects.get(pk=repeat.pk).status == Status.NEW
    assert repeat.events.count() == 1


def test_no_merge_into_itself(flow, staff):
    ticket = flow.new()
    with pytest.raises(ValidationError):
        actions.merge_ticket(actor=staff.operator, ticket=ticket, into=ticket.number)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_no_merge_into_a_merged_ticket(flow, staff):
    already_merged = flow.at("merged")
    # Its own status is "merged": not open, so refused either way, with a 409.
    repeat = flow.new()
    with pytest.raises(Refused) as refused:
        actions.merge_ticket(actor=staff.operator, ticket=repeat, into=already_merged)
    assert refused.value.status == 409
    assert Ticket.objects.get(pk=repeat.pk).master is None


def test_no_merge_into_a_master_that_points_elsewhere(flow, staff):
    """A ticket that links to a master while still open is no master itself."""
    top = flow.new()
    middle = flow.new()
    Ticket.objects.filter(pk=middle.pk).update(master=top)  # e.g. data from an old system
    repeat = flow.new()
    with pytest.raises(Refused) as refused:
        actions.merge_ticket(actor=staff.operator, ticket=repeat, into=middle)
    assert refused.value.status == 409


def test_no_complaint_merged_into_an_enquiry(flow, staff):
    """Found by an audit: the complaint became "merged" into an enquiry, which is answered
    and never dispatched, so no one ever handled it."""
    enquiry = flow.new(kind="enquiry")
    complaint = flow.new()
    with pytest.raises(Refused) as refused:
        actions.merge_ticket(actor=staff.operator, ticket=complaint, into=enquiry.number)
    assert refused.value.status == 409
    assert Ticket.objects.get(pk=complaint.pk).status == Status.NEW
    again = flow.new(kind="enquiry")  # an enquiry asked twice is still one
    assert actions.merge_ticket(actor=staff.operator, ticket=again, into=enquiry).master == enquiry


def test_no_master_with_repeats_merged_away(flow, staff):
    """Found by an audit: its repeats kept pointing at a ticket merged away, and the new
    master listed only it."""
    master, repeat, later = flow.new(), flow.new(), flow.new()
    actions.merge_ticket(actor=staff.operator, ticket=repeat, into=master)
    with pytest.raises(Refused) as refused:
        actions.merge_ticket(actor=staff.operator, ticket=master, into=later)
    assert refused.value.status == 409
    assert Ticket.objects.get(pk=master.pk).status == Status.NEW
    actions.merge_ticket(actor=staff.operator, ticket=later, into=master)  # the other way


def test_merge_into_an_unknown_number(flow, staff):
    with pytest.raises(ValidationError) as error:
        actions.merge_ticket(actor=staff.operator, ticket=flow.new(), into="99999999999")
    assert "into" in error.value.message_dict


class TestLikelyRepeats:
    def _repeats(self, flow, **kw):
        kw.setdefault("now", flow.T0 + timedelta(days=1))
        kw.setdefault("user", flow.staff.operator)
        return list(selectors.likely_repeats(**kw))

    def test_same_phone(self, flow):
        first = flow.new(caller_phone="13900000001", address="北京市西城区某胡同")
        flow.new(caller_phone="13900000002", address="北京市海淀区八里庄")
        assert self._repeats(flow, phone="13900000001") == [first]

    def test_a_main_line_lists_its_extensions_open_tickets(self, flow):
        # stored as intake's phone rule writes 010-64721234转12
        extension = flow.new(caller_phone="01064721234-12", address="北京市西城区某胡同")
        flow.new(caller_phone="01064721299", address="北京市西城区某胡同")  # another line
        assert self._repeats(flow, phone="01064721234") == [extension]
        assert self._repeats(flow, phone="01064721234-12") == [extension]
        assert self._repeats(flow, phone="01064721234-13") == []  # another extension

    def test_same_street_and_category(self, flow):
        lift, lamp = leaf("CX.WY.DT"), leaf("CX.WJ.SD")
        first = flow.new(category=lift, caller_phone="13900000003")
        flow.new(category=lamp, caller_phone="13900000004")  # same street, other category
        flow.new(category=lift, address="北京市东城区景山街道")  # other street
        street = first.street
        assert self._repeats(flow, street=street, category=lift) == [first]

    def test_open_ones_only_and_not_the_ticket_itself(self, flow):
        phone = "13900000005"
        open_one = flow.dispatched(caller_phone=phone)
        flow.at("closed", caller_phone=phone)
        flow.at("answered", caller_phone=phone)
        flow.at("merged", caller_phone=phone)  # the repeat is out, its master (new) is in
        current = flow.new(caller_phone=phone)
        found = self._repeats(flow, phone=phone, exclude_id=current.pk)
        assert open_one in found and current not in found
        assert {t.status for t in found} <= {Status.NEW, Status.DISPATCHED}
        assert all(t.master_id is None for t in found)
        assert len(found) == 2  # the open one and the merged repeat's master

    def test_older_than_thirty_days_is_excluded(self, flow):
        phone = "13900000006"
        old = flow.new(caller_phone=phone, now=flow.T0 - timedelta(days=31))
        recent = flow.new(caller_phone=phone, now=flow.T0 - timedelta(days=29))
        found = self._repeats(flow, phone=phone, now=flow.T0)
        assert found == [recent] and old not in found

    def test_nothing_to_match_on_finds_nothing(self, flow):
        flow.new()
        assert self._repeats(flow) == []
        assert self._repeats(flow, street=None, category=leaf()) == []


def test_an_enquiry_is_never_dispatched_even_before_it_is_answered(flow, staff):
    """SPEC §4: found offered 派单 on the console for a new enquiry."""
    from tickets import guards

    ticket = flow.new(kind="enquiry")
    assert "dispatch" not in [s.name for s in guards.allowed_steps(ticket, staff.dispatcher)]
    with pytest.raises(Refused) as refused:
        actions.dispatch_ticket(actor=staff.dispatcher, ticket=ticket, unit="110101001")
    assert refused.value.status == 409 and "咨询" in refused.value.message
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_the_dispatch_queue_sends_an_enquiry_to_be_answered(flow, staff, client):
    from django.urls import reverse

    ticket = flow.new(kind="enquiry")
    client.force_login(staff.dispatcher)
    page = client.get(reverse("dispatch")).content.decode()
    row = page[page.index(ticket.number) : page.index("</tr>", page.index(ticket.number))]
    assert "咨询不派单，请直接答复" in row and "dispatch-unit" not in row

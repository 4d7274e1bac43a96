"""Intake (SPEC §3, §5): readable unique numbers, address resolution, urgency, idempotency."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from hotline.models import Category, Unit
from tests.conftest import leaf
from tickets import actions, guards
from tickets.models import DailyCounter, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_numbers_are_readable_and_unique_across_many_creations(flow):
    tickets = [flow.new(now=flow.T0 + timedelta(minutes=i)) for i in range(60)]
    numbers = [t.number for t in tickets]
    assert len(set(numbers)) == 60
    assert all(re.fullmatch(r"251103\d{5}", n) for n in numbers)
    # The day's serial counts up in order of creation.
    assert sorted(numbers) == numbers
    assert numbers[0] == "25110300001" and numbers[-1] == "25110300060"


def test_a_new_day_starts_a_new_serial_on_beijing_time(flow):
    flow.new(now=flow.T0)
    # 16:30 UTC on 3 November is 00:30 on 4 November in Beijing.
    after_midnight = flow.new(now=datetime(2025, 11, 3, 16, 30, tzinfo=UTC))
    assert after_midnight.number == "25110400001"


@pytest.mark.parametrize(
    "address, district, street",
    [
        ("北京市东城区东华门街道南池子大街", "110101", "110101001"),
        ("东华门街道南池子大街12号", "110101", "110101001"),
        # 八里庄街道 exists in 朝阳区 and in 海淀区: the district named decides.
        ("北京市朝阳区八里庄街道红领巾桥", "110105", "110105015"),
        ("北京市海淀区八里庄街道玲珑路", "110108", "110108005"),
        # District known, street not: the district only.
        ("北京市西城区某胡同3号", "110102", None),
        ("火星基地一号楼", None, None),
    ],
)
def test_address_is_resolved_to_district_and_street(flow, address, district, street):
    ticket = flow.new(address=address)
    assert (ticket.district.code if ticket.district else None) == district
    assert (ticket.street.code if ticket.street else None) == street


def test_a_street_given_explicitly_wins_and_brings_its_district(flow):
    street = Unit.objects.get(code="110108005")
    ticket = flow.new(address="北京市东城区东华门街道", street=street)
    assert ticket.street == street
    assert ticket.district.code == "110108"


def test_urgency_defaults_from_the_category(flow):
    lift = leaf("CX.WY.DT")  # 电梯故障: level 2
    ticket = flow.new(category=lift)
    assert ticket.urgency == lift.default_urgency == 2
    assert ticket.urgency_reason == ""


def test_changing_the_urgency_needs_a_reason(flow):
    lift = leaf("CX.WY.DT")
    with pytest.raises(ValidationError) as error:
        flow.new(category=lift, urgency=1)
    assert "urgency_reason" in error.value.message_dict
    assert not Ticket.objects.exists()
    ticket = flow.new(category=lift, urgency=1, urgency_reason="有老人被困")
    assert (ticket.urgency, ticket.urgency_reason) == (1, "有老人被困")
    # Naming the default level is no change and needs no reason.
    assert flow.new(category=lift, urgency=2).urgency == 2


def test_only_a_leaf_category_is_accepted(flow):
    branch = Category.objects.get(code="CX.WY")
    with pytest.raises(ValidationError) as error:
        flow.new(category=branch)
    assert "category" in error.value.message_dict


def test_intake_writes_one_created_event(flow):
    ticket = flow.new()
    assert list(ticket.events.values_list("type", "actor", "payload")) == [
        ("created", flow.staff.operator.pk, {"channel": "phone"})
    ]
    assert ticket.status == "new" and ticket.created_by == flow.staff.operator


def test_a_used_key_with_another_request_is_a_422_and_creates_nothing(staff):
    """Answered with the first ticket, another call's content would be lost."""
    fields = dict(channel="api", kind="help", category=leaf(), content="路灯不亮")
    first, _ = actions.create_ticket(actor=staff.operator, idempotency_key="k-2", **fields)
    for changed in [{"content": "楼道漏水"}, {"caller_phone": "13800000000"}]:
        with pytest.raises(guards.Refused) as refused:
            actions.create_ticket(
                actor=staff.operator, idempotency_key="k-2", **{**fields, **changed}
            )
        assert refused.value.status == 422
        assert first.number in refused.value.message
    assert Ticket.objects.count() == 1 and TicketEvent.objects.count() == 1


def test_an_idempotency_key_returns_the_first_ticket(staff):
    fields = dict(channel="api", kind="help", category=leaf(), content="路灯不亮")
    first, created = actions.create_ticket(actor=staff.operator, idempotency_key="k-1", **fields)
    again, created_again = actions.create_ticket(
        actor=staff.operator, idempotency_key="k-1", **{**fields, "caller_name": ""}
    )  # a field the retry leaves empty is the first's
    assert created and not created_again
    assert again.pk == first.pk and again.content == "路灯不亮"
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.count() == 1
    # The key belongs to its sender: another user's same key is another ticket.
    other, other_created = actions.create_ticket(
        actor=staff.dispatcher, idempotency_key="k-1", **fields
    )
    assert other_created and other.pk != first.pk
    # No key, no deduplication.
    assert actions.create_ticket(actor=staff.operator, **fields)[1]
    assert Ticket.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_retry_with_the_same_key_gets_the_first_ticket(staff, monkeypatch):
    """Two requests race past the key check; the database constraint settles it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections writing at once")
    from tickets import numbers

    barrier = threading.Barrier(2, timeout=10)
    drawn = []
    real_next_number = numbers.next_number

    def both_past_the_check(at=None):
        barrier.wait()  # both threads have looked for the key and found nothing
        drawn.append(1)
        return real_next_number(at)

    monkeypatch.setattr(actions.intake, "next_number", both_past_the_check)
    fields = dict(channel="api", kind="help", category=leaf(), content="并发重试")
    results, errors = [], []

    def submit():
        try:
            results.append(
                actions.create_ticket(actor=staff.operator, idempotency_key="race", **fields)
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].pk == results[1][0].pk
    assert Ticket.objects.filter(idempotency_key="race").count() == 1
    # Both drew a number (the barrier let them through together), so the second insert
    # really hit the constraint; the number it drew is a gap (tickets/numbers.py).
    assert drawn == [1, 1]
    assert DailyCounter.objects.get().last == 2
    assert results[0][0].number[-5:] in ("00001", "00002")


@pytest.mark.django_db(transaction=True)
def test_an_intake_does_not_wait_for_another_intakes_transaction(staff, monkeypatch):
    """The day's count commits on its own (tickets/numbers.py): a second intake takes its
    number while the first still holds its transaction open."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections writing at once")
    from tickets.actions import intake

    first_inside, let_first_finish = threading.Event(), threading.Event()
    real_announce = intake.announce

    def first_waits(ticket, *args, **kwargs):
        if ticket.content == "第一个":
            first_inside.set()  # its ticket written, its transaction open
            let_first_finish.wait(20)
        return real_announce(ticket, *args, **kwargs)

    monkeypatch.setattr(intake, "announce", first_waits)
    fields = dict(channel="api", kind="help", category=leaf())
    numbers = {}

    def submit(content):
        try:
            ticket, _ = actions.create_ticket(actor=staff.operator, content=content, **fields)
            numbers[content] = ticket.number
        finally:
            connection.close()

    first = threading.Thread(target=submit, args=["第一个"])
    first.start()
    try:
        assert first_inside.wait(10)
        second = threading.Thread(target=submit, args=["第二个"])
        second.start()
        second.join(5)
        assert not second.is_alive(), "the second intake waited for the first's transaction"
    finally:
        let_first_finish.set()
        first.join(20)
    assert {n[-5:] for n in numbers.values()} == {"00001", "00002"}
    assert Ticket.objects.count() == 2

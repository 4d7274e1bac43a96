"""The month of 东城区 that several scoring tests read (built through the actions)."""

import pytest

from scoring.models import ScoringPolicy
from tests.scoring.flows import (
    at,
    callback,
    dispatched,
    full,
    invalid_callback,
    new,
    replied,
    worked,
)
from tickets import actions
from tickets.sweep import sweep_deadlines

S1, S2, DEPT, DISTRICT = "110101001", "110101002", "110101-CGZF", "110101"


@pytest.fixture
def month(staff, make_user):
    ScoringPolicy.objects.create(period="2026-10", min_valid_callbacks=2, flag_bottom_n=1)
    s1, s2, dept = staff.street, staff.other_street, staff.dept
    t = {}
    # t1 satisfied in every way; a repeat of it is merged (never scored).
    t[1] = worked(dispatched(staff, at(12, 9), S1), s1, at(12, 9))
    repeat = new(staff, at(12, 11))
    actions.merge_ticket(actor=staff.operator, ticket=repeat, into=t[1], now=at(12, 11))
    # S1 whistles on t1 (CGZF and SCJG summoned): CGZF reports in on time, SCJG never.
    actions.whistle(
        actor=s1, ticket=t[1], departments=[DEPT, "110101-SCJG"], reason="需执法", now=at(12, 12)
    )
    actions.report_in(actor=dept, ticket=t[1], now=at(12, 13))
    t[1] = callback(staff, replied(t[1], s1, at(13, 9)), at(14))
    # t2 basically satisfied; S1 whistles CGZF again, which reports in 2 days late.
    t[2] = worked(dispatched(staff, at(12, 9, 1), S1), s1, at(12, 9))
    actions.whistle(actor=s1, ticket=t[2], departments=[DEPT], reason="需执法", now=at(12, 12))
    actions.report_in(actor=dept, ticket=t[2], now=at(15, 12))
    t[2] = callback(staff, replied(t[2], s1, at(15, 13)), at(16), sat="basically_satisfied")
    # t3 contacted, not solved, unsatisfied; the agent does not reopen it: counted.
    t[3] = full(staff, s1, S1, 12, 14, solved=False, sat="unsatisfied", reopen=False)
    # t4 caller never contacted, but solved; unsatisfied.
    t[4] = full(staff, s1, S1, 12, 14, contacted=False, sat="unsatisfied")
    # t5 nobody replies; past its deadline (7 working days from 10-12 → 10-21) the sweep
    # flags it overdue; the callback cannot reach the caller: volume yes, rates no.
    t[5] = worked(dispatched(staff, at(12, 9), S1), s1, at(12, 9))
    # t6 reopened: 1st callback "not solved" (not counted), handled again, 2nd counts.
    t[6] = full(staff, s1, S1, 12, 14, solved=False, sat="unsatisfied")
    t[6] = callback(staff, replied(t[6], s1, at(15)), at(16))
    # t7 unreasonable demand confirmed: excluded, although its callback is bad.
    t[7] = worked(dispatched(staff, at(12, 9), S1), s1, at(12, 9))
    actions.claim_unreasonable(actor=s1, ticket=t[7], reason="超出职责", now=at(12, 16))
    actions.review_claim(actor=staff.reviewer, ticket=t[7], approve=True, now=at(13))
    callback(staff, replied(t[7], s1, at(13, 11)), at(14), solved=False, sat="unsatisfied")
    # t8 unreasonable claim rejected (查否): counted; satisfied.
    t[8] = worked(dispatched(staff, at(12, 9), S1), s1, at(12, 9))
    actions.claim_unreasonable(actor=s1, ticket=t[8], reason="超出职责", now=at(12, 16))
    actions.review_claim(actor=staff.reviewer, ticket=t[8], approve=False, now=at(13))
    t[8] = callback(staff, replied(t[8], s1, at(13, 11)), at(14))
    # t9 appeal upheld: excluded after its (bad) callback.
    t[9] = full(staff, s1, S1, 12, 14, solved=False, sat="unsatisfied", reopen=False)
    actions.appeal(actor=s1, ticket=t[9], reason="有证据", now=at(15))
    actions.review_appeal(actor=staff.reviewer, ticket=t[9], approve=True, now=at(16))
    # An enquiry answered on the spot and an emergency transferred: never dispatched.
    actions.answer_ticket(actor=staff.operator, ticket=new(staff, at(12)), answer="政策是…")
    actions.transfer_ticket(actor=staff.operator, ticket=new(staff, at(12)), to="110")
    # t13 returned by S1, accepted and redispatched to S2: counts for S2 only.
    t[13] = dispatched(staff, at(12, 9), S1)
    actions.return_ticket(actor=s1, ticket=t[13], reason="不属本街道", now=at(12, 9, 30))
    t[13] = actions.review_return(
        actor=staff.dispatcher, ticket=t[13], accept=True, unit=S2, now=at(12, 10)
    )
    t[13] = callback(staff, replied(worked(t[13], s2, at(12, 10)), s2, at(13)), at(14))
    # S2: one more satisfied; one called back only in November (outside the period).
    t[14] = full(staff, s2, S2, 12, 14)
    t[18] = worked(dispatched(staff, at(20, 9), S2), s2, at(20, 9))
    t[18] = replied(t[18], s2, at(30))
    # The district department leads one: satisfied (1 valid: below the minimum of 2).
    t[15] = full(staff, dept, DEPT, 12, 14)
    # The district government leads one: not solved, basically satisfied, not reopened.
    t[16] = full(
        staff,
        staff.district,
        DISTRICT,
        12,
        14,
        solved=False,
        sat="basically_satisfied",
        reopen=False,
    )
    # The gas company: one, caller refused the callback.
    t[17] = dispatched(staff, at(12, 9), "C-GAS", category=None)
    t[17] = replied(worked(t[17], staff.gas, at(12, 9)), staff.gas, at(13))
    invalid_callback(staff, t[17], at(14), reason="refused")
    # Deadlines: t5 passes 10-21 unanswered.
    sweep_deadlines(now=at(23))
    invalid_callback(staff, t[5], at(23, 11))
    callback(staff, t[18], at(2, month=11))
    return t

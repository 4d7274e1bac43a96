"""Every write to a ticket, one function per verb, in a module per part of the lifecycle.

Each action takes keyword-only arguments with the acting user, runs in one transaction,
locks the ticket row, checks the lifecycle table (guards.check) and writes one
append-only TicketEvent. Views, serializers, commands and tasks call these; nothing else
sets a ticket's status.
"""

from .callback import record_callback
from .caller import ask_relay, relay, reveal_phone
from .exclusions import appeal, claim_unreasonable, review_appeal, review_claim
from .handling import (
    contact_caller,
    dispatch_ticket,
    reply_ticket,
    report_in,
    report_part,
    request_extension,
    return_ticket,
    review_extension,
    review_return,
    sign_ticket,
    whistle,
)
from .intake import answer_ticket, create_ticket, merge_ticket, transfer_ticket

__all__ = [
    "BY_STEP",
    "answer_ticket",
    "appeal",
    "ask_relay",
    "claim_unreasonable",
    "contact_caller",
    "create_ticket",
    "dispatch_ticket",
    "merge_ticket",
    "record_callback",
    "relay",
    "reply_ticket",
    "report_in",
    "report_part",
    "request_extension",
    "return_ticket",
    "reveal_phone",
    "review_appeal",
    "review_claim",
    "review_extension",
    "review_return",
    "sign_ticket",
    "transfer_ticket",
    "whistle",
]

# The API and pages look actions up by the lifecycle step's name.
BY_STEP = {
    "answer": answer_ticket,
    "transfer": transfer_ticket,
    "merge": merge_ticket,
    "dispatch": dispatch_ticket,
    "sign": sign_ticket,
    "contact": contact_caller,
    "whistle": whistle,
    "report-in": report_in,
    "report-part": report_part,
    "return": return_ticket,
    "review-return": review_return,
    "extend": request_extension,
    "review-extension": review_extension,
    "reply": reply_ticket,
    "callback": record_callback,
    "claim-unreasonable": claim_unreasonable,
    "review-claim": review_claim,
    "appeal": appeal,
    "review-appeal": review_appeal,
    "reveal-phone": reveal_phone,
    "ask-relay": ask_relay,
    "relay": relay,
}

"""Transactional outbox: later work written with the step, delivered by Celery from there.

    from tickets.outbox import enqueue
    enqueue("tickets.tasks.deliver_notifications", [kind, ticket_id, ...], kind="notify")

Call it inside the step's transaction. See delivery.py for how rows reach a worker.
"""

from .delivery import enqueue

__all__ = ["enqueue"]

from celery import shared_task

from .. import attempts
from .models import WebhookDelivery
from .services import SEND_TASK, post


@shared_task(name=SEND_TASK)
def deliver(delivery_ids):
    """Call each pending delivery once; failures are kept on the row and retried by `retry`."""
    return [attempts.attempt(WebhookDelivery, pk, post, select=("webhook",)) for pk in delivery_ids]


@shared_task(name="webhooks.retry")
def retry():
    return attempts.retry_due(WebhookDelivery, SEND_TASK)

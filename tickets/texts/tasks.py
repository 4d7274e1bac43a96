from celery import shared_task

from .. import attempts
from .models import TextMessage
from .services import SEND_TASK, send_one


@shared_task(name=SEND_TASK)
def send(message_ids):
    """Send each pending text once; failures are kept on the row and retried by `retry`."""
    return [attempts.attempt(TextMessage, pk, send_one) for pk in message_ids]


@shared_task(name="texts.retry")
def retry():
    return attempts.retry_due(TextMessage, SEND_TASK)

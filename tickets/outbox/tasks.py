from celery import shared_task

from . import delivery


@shared_task(name=delivery.DELIVER_TASK)
def deliver(message_id):
    return delivery.run_message(message_id)


@shared_task(name="outbox.relay")
def relay():
    handed = delivery.relay()
    delivery.purge_done()
    return handed

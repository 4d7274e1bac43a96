"""Brokers that misbehave, for the outbox and fault tests (never the shared Redis)."""

import socket
import threading
from contextlib import contextmanager

from hotline.celery import app

REFUSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def use_broker(url):
    """Point the project's Celery app at `url`, dropping pooled connections to the old one."""
    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    return previous


@contextmanager
def hung_listener():
    """A TCP listener that accepts connections and never answers: a hung Redis. Yields a URL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    accepted, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()

"""Fault tests run against the real services: PostgreSQL, Redis, real Celery workers."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from hotline.celery import app
from tickets.outbox import delivery

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _real_services(request):
    from django.conf import settings

    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL and Redis (DATABASE_URL and REDIS_URL)")
    delivery.reset_breaker()
    yield
    delivery.reset_breaker()


class Worker:
    """`celery -A hotline worker` as its own process, on the test database."""

    def __init__(self):
        self.name = f"fault-{os.getpid()}-{time.monotonic_ns()}@{socket.gethostname()}"
        db = connection.settings_dict
        env = dict(os.environ)
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hotline", "worker", "--pool", "solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", self.name,
             "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stdout.read())
            if app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise RuntimeError("the worker did not start within 60 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def start_worker():
    started = []

    def start():
        worker = Worker()
        started.append(worker)
        return worker

    app.control.purge()
    yield start
    for worker in started:
        worker.stop()

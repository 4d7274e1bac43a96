#!/usr/bin/env python
"""Intake in one process: milliseconds and statements a request, next to the bare endpoint.

    REDIS_URL=redis://127.0.0.1:6379/9 \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \
        .venv/bin/python scripts/bench/intake_inprocess.py [--requests 200]

Django's test client against the project's settings with the bare endpoint of
scripts/bench/bare_site.py: no HTTP server, so the figures are the application's own time.
Set REDIS_URL: without a broker Celery runs tasks in the request (the text is then sent
before the answer). Bodies as scripts/bench/intake.py draws them; the tickets stay.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "scripts.bench.bare_site"

from intake import random_body, token_and_bodies  # noqa: E402 - sets up Django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    token, streets, categories = token_and_bodies()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(3)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")

    def intake_body():
        return random_body(rng, streets, categories)

    def post(path, body):
        answer = client.post(path, json.dumps(body), content_type="application/json")
        assert answer.status_code == 201, answer.content

    endpoints = {
        "bare one-INSERT": ("/bench/bare-insert/", lambda: {"content": "x"}),
        "intake, POST /api/v1/tickets/": ("/api/v1/tickets/", intake_body),
    }
    print("| what | ms a request (median of 5 rounds) | statements |")
    print("|---|---|---|")
    for label, (path, body) in endpoints.items():
        for _ in range(30):  # warm: each process's first requests fill its caches
            post(path, body())
        with CaptureQueriesContext(connection) as captured:
            post(path, body())
        statements = len(captured.captured_queries)  # now: each request empties the log
        rounds = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(args.requests // 5):
                post(path, body())
            rounds.append((time.perf_counter() - started) / (args.requests // 5) * 1000)
        print(f"| {label} | {statistics.median(rounds):.1f} | {statements} |")


if __name__ == "__main__":
    main()

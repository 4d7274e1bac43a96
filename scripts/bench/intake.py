#!/usr/bin/env python
"""Intake throughput: POST /api/v1/tickets/ against a bare one-INSERT DRF endpoint.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \
        .venv/bin/python scripts/bench/intake.py [--seconds 10] [--clients 4]

Starts gunicorn (2 sync workers, the project's settings plus the bare endpoint of
scripts/bench/bare_site.py) on 127.0.0.1:18015, then alternates the two endpoints twice,
each for --seconds with --clients keep-alive clients, and prints requests a second (the
median of the two turns). Each intake names a street and a leaf category drawn at random,
as calls do. Tickets it logs stay in the bench database (today's numbers).
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PORT = 18015


def token_and_bodies():
    """A token for the bench operator, and the streets and leaf categories an intake body
    draws from (run before gunicorn): a call names one street and one fault of many, so the
    likely repeats it is answered with are a street's, not every ticket the bench logged."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from hotline.models import Category, Role, Unit, UnitType, User

    centre = Unit.objects.get(type=UnitType.CENTRE)
    user, _ = User.objects.get_or_create(
        username="bench-operator", defaults={"unit": centre, "role": Role.OPERATOR}
    )
    token, _ = Token.objects.get_or_create(user=user)
    streets = list(
        Unit.objects.filter(type=UnitType.STREET, active=True).values_list("code", "name")
    )
    leaves = Category.objects.filter(default_urgency__isnull=False, active=True)  # is_leaf
    categories = list(leaves.values_list("code", flat=True))
    return token.key, streets, categories


def random_body(rng, streets, categories) -> dict:
    """An intake of one street's complaint, as a call would log it."""
    code, name = rng.choice(streets)
    return {
        "kind": "complaint",
        "category": rng.choice(categories),
        "street": code,
        "address": name + "某小区",
        "content": "楼下餐馆夜间噪音扰民，希望尽快处理。",
        "caller_phone": f"139{rng.randrange(10**8):08d}",
    }


def load(path, token, body_for, seconds, clients):
    done, errors = [0], []
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        n = 0
        while time.perf_counter() < stop:
            conn.request("POST", path, json.dumps(body_for()), headers)
            response = conn.getresponse()
            response.read()
            if response.status != 201:
                errors.append(response.status)
            n += 1
        with lock:
            done[0] += n

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit(f"{path}: {len(errors)} answers were not 201, e.g. {errors[:3]}")
    return done[0] / (time.perf_counter() - began)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    token, streets, categories = token_and_bodies()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "scripts.bench.bare_site"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--chdir",
            str(ROOT),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "hotline.wsgi:application",
        ],
        env=env,
    )
    try:
        for _ in range(50):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        rng = random.Random(15)

        def intake_body():
            return random_body(rng, streets, categories)

        runs = {"bare": [], "intake": []}
        for _ in range(2):
            runs["bare"].append(
                load("/bench/bare-insert/", token, lambda: {"content": "x"}, args.seconds, 4)
            )
            runs["intake"].append(
                load("/api/v1/tickets/", token, intake_body, args.seconds, args.clients)
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(10)
    bare, intake = (statistics.median(runs[k]) for k in ("bare", "intake"))
    print("| what | req/s | floor | ratio |")
    print("|---|---|---|---|")
    print(
        f"| intake, POST /api/v1/tickets/ | {intake:.0f} | bare one-INSERT {bare:.0f} "
        f"| {intake / bare:.2f} |"
    )


if __name__ == "__main__":
    main()

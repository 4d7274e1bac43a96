#!/usr/bin/env python
"""Benchmark of the monthly computation: N synthetic counted callbacks → compute time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hl_bench .venv/bin/python \
        scripts/bench_scoring.py [--sizes 10000,100000,800000]

Migrates and seeds the directory if needed, fills period 2030-01 with N dispatched tickets
and one counted callback each (bulk_create, spread over every scored unit), times
compute_period (best of two) and deletes its rows afterwards. Not a test.
"""

import argparse
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from hotline.models import Category, Role, Unit, User  # noqa: E402
from hotline.seeding import seed_categories, seed_units  # noqa: E402
from scoring.compute import compute_period  # noqa: E402
from scoring.models import SCORED_TYPES, ScoreRun, UnitScore, WhistleScore  # noqa: E402
from tickets.models import Callback, Ticket  # noqa: E402

PERIOD = "2030-01"
START = datetime(2030, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
SATISFACTION = ["satisfied"] * 6 + ["basically_satisfied"] * 2 + ["unsatisfied"] * 2
BATCH = 5000


def clean():
    UnitScore.objects.filter(period=PERIOD).delete()
    WhistleScore.objects.filter(period=PERIOD).delete()
    ScoreRun.objects.filter(period=PERIOD).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM tickets_callback WHERE ticket_id IN "
            "(SELECT id FROM tickets_ticket WHERE number LIKE 'BENCH%%')"
        )
        cursor.execute("DELETE FROM tickets_ticket WHERE number LIKE 'BENCH%%'")


def fill(n, units, category, agent):
    rng = random.Random(n)
    made = 0
    while made < n:
        size = min(BATCH, n - made)
        tickets = []
        for i in range(made, made + size):
            unit = units[i % len(units)]
            at = START + timedelta(seconds=rng.randrange(28 * 86400))
            tickets.append(
                Ticket(
                    number=f"BENCH{i:09d}",
                    channel="phone",
                    received_at=at,
                    kind="complaint",
                    category=category,
                    content="bench",
                    urgency=3,
                    status="closed",
                    lead_unit_id=unit,
                    dispatched_at=at,
                    excluded=rng.random() < 0.02,
                    feedback_overdue=rng.random() < 0.05,
                )
            )
        Ticket.objects.bulk_create(tickets, batch_size=BATCH)
        Callback.objects.bulk_create(
            (
                Callback(
                    ticket=t,
                    agent=agent,
                    at=t.dispatched_at + timedelta(days=2),
                    valid=rng.random() < 0.9,
                    contacted=rng.random() < 0.95,
                    solved=rng.random() < 0.7,
                    satisfaction=rng.choice(SATISFACTION),
                    counted=True,
                    lead_unit_id=t.lead_unit_id,
                )
                for t in tickets
            ),
            batch_size=BATCH,
        )
        made += size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,800000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        seed_units()
        seed_categories()
    agent, _ = User.objects.get_or_create(
        username="bench-agent",
        defaults={"role": Role.CALLBACK_AGENT, "unit": Unit.objects.get(code="12345")},
    )
    units = list(Unit.objects.filter(type__in=SCORED_TYPES).values_list("id", flat=True))
    category = Category.objects.filter(default_urgency__isnull=False).order_by("code").first()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {len(units)} units")
    print(f"{'callbacks':>10} | {'fill (s)':>9} | {'compute (s)':>11} | {'rows':>5}")
    print(f"{'-' * 10}-+-{'-' * 9}-+-{'-' * 11}-+-{'-' * 5}")
    for n in sizes:
        clean()
        began = time.perf_counter()
        fill(n, units, category, agent)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticket") if connection.vendor == "postgresql" else None
            cursor.execute(
                "ANALYZE tickets_callback"
            ) if connection.vendor == "postgresql" else None
        filled = time.perf_counter() - began
        best = None
        for _ in range(2):
            began = time.perf_counter()
            compute_period(PERIOD)
            took = time.perf_counter() - began
            best = took if best is None else min(best, took)
        rows = UnitScore.objects.filter(period=PERIOD).count()
        print(f"{n:>10,} | {filled:>9.1f} | {best:>11.2f} | {rows:>5}", flush=True)
    clean()


if __name__ == "__main__":
    main()

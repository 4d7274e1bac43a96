"""Benchmark: inbox and list queries on a large ticket table. Prints a table; not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_bench \
        .venv/bin/python scripts/bench_lists.py --tickets 1000000

Fills the database named by DATABASE_URL (migrated, seeded with seed_units) with synthetic
dispatched tickets spread over the real streets, then times each list query the pages
and the API run, and says whether PostgreSQL used an index.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline.models import Category, Unit, UnitType, User  # noqa: E402
from tickets import selectors  # noqa: E402
from tickets.models import Status, Ticket  # noqa: E402


def fill(n, batch=20000):
    streets = list(Unit.objects.filter(type=UnitType.STREET).values_list("id", "district_id"))
    leaves = list(
        Category.objects.filter(default_urgency__isnull=False).values_list("id", flat=True)
    )
    now = timezone.now()
    statuses = [
        Status.DISPATCHED,
        Status.SIGNED,
        Status.IN_PROGRESS,
        Status.REPLIED,
        Status.CLOSED,
        Status.CLOSED,
        Status.CLOSED,
        Status.ANSWERED,
    ]
    rng = random.Random(1)
    start = Ticket.objects.count()
    for offset in range(0, n, batch):
        rows = []
        for i in range(offset, min(n, offset + batch)):
            sid, did = rng.choice(streets)
            at = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
            status = rng.choice(statuses)
            dispatched = status != Status.ANSWERED
            rows.append(
                Ticket(
                    number=f"B{start + i:011d}",
                    channel="phone",
                    received_at=at,
                    caller_phone=f"1{rng.randrange(3, 10)}{rng.randrange(10**8, 10**9)}",
                    district_id=did,
                    street_id=sid,
                    kind="complaint",
                    category_id=rng.choice(leaves),
                    content="bench",
                    urgency=3,
                    status=status,
                    lead_unit_id=sid if dispatched else None,
                    dispatched_at=at if dispatched else None,
                    feedback_deadline=at + timedelta(days=9) if dispatched else None,
                    sign_deadline=at + timedelta(hours=2) if dispatched else None,
                    contact_deadline=at + timedelta(hours=24) if dispatched else None,
                )
            )
        Ticket.objects.bulk_create(rows)
        print(f"  {min(n, offset + batch):>9,} tickets written", file=sys.stderr)
    with connection.cursor() as c:
        c.execute("ANALYZE")


def timed(label, qs, rows):
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as c:
        c.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in c.fetchall())
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        list(qs.all())  # a fresh clone: a sliced queryset caches its rows
        best = min(best, time.perf_counter() - t)
    uses_index = "Index" in plan or "Bitmap" in plan
    rows.append((label, f"{best * 1000:.1f}", "yes" if uses_index else "NO"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run this against PostgreSQL (set DATABASE_URL)")
    call_command("migrate", verbosity=0)
    call_command("seed_units", verbosity=0)
    have = Ticket.objects.count()
    if have < args.tickets:
        fill(args.tickets - have)
    street = Unit.objects.get(code="110105001")  # a 朝阳区 street
    centre = Unit.objects.get(code="12345")
    viewer, _ = User.objects.get_or_create(username="bench-centre", defaults={"unit": centre})
    district_viewer, _ = User.objects.get_or_create(
        username="bench-district", defaults={"unit": street.district}
    )
    street_viewer, _ = User.objects.get_or_create(
        username="bench-street", defaults={"unit": street}
    )
    sample = Ticket.objects.filter(street=street).first()
    rows = []
    timed("unit inbox, first page", selectors.unit_inbox(street)[:50], rows)
    timed("centre list, first page", selectors.list_tickets(viewer)[:50], rows)
    timed("district list, first page", selectors.list_tickets(district_viewer)[:50], rows)
    timed("street list, first page", selectors.list_tickets(street_viewer)[:50], rows)
    timed("dispatch queue", selectors.dispatch_queue()[:50], rows)
    timed("callback queue", selectors.callback_queue()[:50], rows)
    timed(
        "likely repeats",
        selectors.likely_repeats(
            phone=sample.caller_phone, street=street, category=sample.category
        ),
        rows,
    )
    timed(
        "sweep: feedback breaches",
        Ticket.objects.filter(
            feedback_deadline__lt=timezone.now(), replied_at__isnull=True, feedback_overdue=False
        )[:1000],
        rows,
    )
    total = Ticket.objects.count()
    print(f"\n{total:,} tickets on PostgreSQL {connection.pg_version // 10000}\n")
    print(f"{'query':<28} {'best of 5 (ms)':>15} {'index':>6}")
    for label, ms, idx in rows:
        print(f"{label:<28} {ms:>15} {idx:>6}")


if __name__ == "__main__":
    main()

"""Benchmark: search (SPEC §12) on a large ticket table. Prints a table; not a test.

    createdb -h 127.0.0.1 -U postgres hotline_search_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_search_bench \
        nice -n 10 .venv/bin/python scripts/bench_search.py --tickets 200000 --tickets 2000000

Loads tickets set-wise (INSERT … SELECT over generate_series, texts picked from a table of
20,000 ticket-like address/content pairs whose tokens Python cut once), then times what
`GET /api/v1/tickets/?q=` and the /search/ page run — the user's list narrowed by
TicketSearchFilter, paged by hotline.pagination.HitsPaginator: the capped count and the first
page of 50 with its prefetches — for a centre dispatcher and a street's staff. Each kind of
query runs 20 times with varied terms; p50 and p95 in milliseconds. With several --tickets,
it grows the table and measures at each size.
"""

import argparse
import os
import random
import statistics
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
from django.db.models import Max  # noqa: E402

from hotline.models import Category, Role, Unit, UnitType, User  # noqa: E402
from hotline.pagination import HitsPaginator  # noqa: E402
from hotline.textsearch import search_tokens  # noqa: E402
from tickets.demo import CONTENT, ESTATES, ROADS  # noqa: E402
from tickets.models import Ticket  # noqa: E402
from tickets.search.filters import search_list  # noqa: E402

TEXTS = 20_000
FOUR_CHAR = ["电梯故障", "占道经营", "房屋漏水", "噪音扰民", "违章停车", "垃圾清运", "供暖问题"]
# Leaf categories of the taxonomy plus the everyday words people search for.
EXTRA_LEAVES = ["噪音扰民", "楼上漏水", "停车难", "垃圾清运", "供暖问题", "违章停车"]


def make_texts(rng):
    leaves = list(Category.objects.filter(default_urgency__isnull=False).values_list("name"))
    leaves = [name for (name,) in leaves] + EXTRA_LEAVES
    templates = [t for group in CONTENT.values() for t in group]
    roads = [r for group in ROADS.values() for r in group]
    rows = []
    for i in range(TEXTS):
        address = f"{rng.choice(roads)}{rng.randrange(1, 300)}号{rng.choice(ESTATES)}"
        content = rng.choice(templates).format(place=address, leaf=rng.choice(leaves))
        rows.append((i, address, content, search_tokens(address, content)))
    return rows


def load_texts(rng):
    with connection.cursor() as c:
        c.execute("SELECT to_regclass('bench_texts')")
        if c.fetchone()[0]:
            return
        c.execute(
            "CREATE TABLE bench_texts (i int primary key, address text, content text, tok text)"
        )
        rows = make_texts(rng)
        c.executemany("INSERT INTO bench_texts VALUES (%s, %s, %s, %s)", rows)


def grow(to, batch=250_000):
    """Tickets set-wise up to `to`: every column the model has, defaults where not chosen."""
    # (%% is a literal % beside the query's parameters)
    chosen = {
        "id": None,
        "number": "'B' || lpad(g::text, 11, '0')",
        "channel": "'phone'",
        # in arrival order, as a real table fills: two million a year, the newest last
        "received_at": "now() - interval '365 days' + g * interval '15.768 seconds'",
        "caller_phone": "'1' || (3 + g %% 7)::text"
        " || lpad(((g * 7919) %% 100000000)::text, 9, '0')",
        "caller_name": "'张' || (g %% 500)::text",
        "address": "t.address",
        "content": "t.content",
        "search_tokens": "t.tok",
        "district_id": "s.district_id",
        "street_id": "s.id",
        "lead_unit_id": "CASE WHEN g %% 8 = 0 THEN NULL ELSE s.id END",
        "status": "CASE WHEN g %% 8 = 0 THEN 'answered' WHEN g %% 3 = 0 THEN 'in_progress'"
        " ELSE 'closed' END",
        "dispatched_at": "CASE WHEN g %% 8 = 0 THEN NULL"
        " ELSE now() - interval '365 days' + g * interval '15.768 seconds' END",
        "feedback_deadline": "CASE WHEN g %% 8 = 0 THEN NULL"
        " ELSE now() - interval '356 days' + g * interval '15.768 seconds' END",
        "kind": "'complaint'",
        "category_id": "c.id",
        "urgency": "3",
    }
    columns, values, params = [], [], []
    for f in Ticket._meta.concrete_fields:
        if f.attname == "id":
            continue
        columns.append(f'"{f.column}"')
        if f.attname in chosen:
            values.append(chosen[f.attname])
        else:
            values.append("%s")
            params.append(f.get_default())
    streets = list(Unit.objects.filter(type=UnitType.STREET).values_list("id", flat=True))
    leaves = list(Category.objects.filter(default_urgency__isnull=False).values_list("id"))
    with connection.cursor() as c:
        c.execute("CREATE TEMP TABLE IF NOT EXISTS bs (n int primary key, id int, district_id int)")
        c.execute("TRUNCATE bs")
        c.execute(
            "INSERT INTO bs SELECT row_number() OVER (ORDER BY id) - 1, id, district_id "
            f"FROM {Unit._meta.db_table} WHERE id = ANY(%s)",
            [streets],
        )
        c.execute("CREATE TEMP TABLE IF NOT EXISTS bc (n int primary key, id int)")
        c.execute("TRUNCATE bc")
        c.execute(
            "INSERT INTO bc SELECT row_number() OVER (ORDER BY id) - 1, id "
            f"FROM {Category._meta.db_table} WHERE id = ANY(%s)",
            [[pk for (pk,) in leaves]],
        )
        have = Ticket.objects.count()
        while have < to:
            n = min(batch, to - have)
            t = time.perf_counter()
            c.execute(
                f"INSERT INTO tickets_ticket ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM generate_series(%s::bigint, %s::bigint) g "
                f"JOIN bench_texts t ON t.i = (g * 104729) %% {TEXTS} "
                f"JOIN bs s ON s.n = (g * 31) %% {len(streets)} "
                f"JOIN bc c ON c.n = (g * 17) %% {len(leaves)}",
                [*params, have + 1, have + n],
            )
            have += n
            print(f"  {have:>10,} tickets ({time.perf_counter() - t:.0f} s)", file=sys.stderr)
        c.execute("VACUUM ANALYZE tickets_ticket")
        c.execute("ANALYZE")  # the units too, as autovacuum would (it may be off)


def searched(user, q, **params):
    """The queryset the /search/ page and its exports page through (the API's is built the
    same way): the user's list (selectors.list_tickets) narrowed by the search's filters."""
    found = search_list(user, {"q": [q], **{name: [value] for name, value in params.items()}})
    assert found.is_valid(), found.errors
    return found.qs


def timed(label, make_qs, terms, rows, now):
    runs, found, counted = [], 0, 0
    for term in terms:
        qs = make_qs(term)
        t = time.perf_counter()
        paginator = HitsPaginator(qs, 50)
        paginator.clock = lambda: now
        found += len(list(paginator.page(1)))
        runs.append((time.perf_counter() - t) * 1000)
        counted += paginator.count
    if not found:  # a scope that sees nothing would time nothing
        sys.exit(f"{label}: no query found a ticket")
    runs.sort()
    p95 = runs[max(0, int(round(0.95 * len(runs))) - 1)]
    # how full the first page was and how many hits were counted: both grow with the table
    rows.append((label, statistics.median(runs), p95, found / len(terms), counted / len(terms)))


def measure(rng):
    # the search sees what the user's unit and role see (tickets.selectors.visible_tickets)
    centre_user, _ = User.objects.update_or_create(
        username="bench-centre",
        defaults={"unit": Unit.objects.get(code="12345"), "role": Role.DISPATCHER},
    )
    street = Unit.objects.get(code="110105001")
    street_user, _ = User.objects.update_or_create(
        username="bench-street", defaults={"unit": street, "role": Role.UNIT_STAFF}
    )
    sample = list(
        Ticket.objects.order_by("?").values_list("number", "caller_phone", "address")[:20]
    )
    # Each size is searched at the moment its newest ticket arrived, as a live table is: the
    # paginator's newest-first windows end there (at 200,000 the newest is 328 days old).
    now = Ticket.objects.aggregate(newest=Max("received_at"))["newest"] + timedelta(minutes=1)
    rows = []
    centre = lambda q: searched(centre_user, q)  # noqa: E731
    timed("number", centre, [s[0] for s in sample], rows, now)
    timed("phone (full)", centre, [s[1] for s in sample], rows, now)
    timed("phone (last four)", centre, [s[1][-4:] for s in sample], rows, now)
    timed("噪音 (two characters)", centre, ["噪音"] * 20, rows, now)
    timed("four-character word", centre, [rng.choice(FOUR_CHAR) for _ in range(20)], rows, now)
    timed("address", centre, [s[2] for s in sample], rows, now)
    timed("噪音, a street's user", lambda q: searched(street_user, q), ["噪音"] * 20, rows, now)
    oldest = lambda q: searched(centre_user, q, sort="received_at")  # noqa: E731
    timed("噪音, oldest first", oldest, ["噪音"] * 20, rows, now)
    return rows


def export_timing(days=16):
    """CSV of the tickets of the last `days` days (≈ 88,000 at two million a year): the
    streamed export against PostgreSQL's own COPY of the same columns to the client."""
    from datetime import timedelta

    from django.utils import timezone

    from tickets import exports
    from tickets.selectors import list_tickets

    user = User.objects.get(username="bench-centre")
    qs = list_tickets(user).filter(received_at__gte=timezone.now() - timedelta(days=days))
    t = time.perf_counter()
    response = exports.csv_response(user, qs, "bench")
    size = sum(len(chunk) for chunk in response.streaming_content)
    ours = time.perf_counter() - t
    paths = [path for _h, path, _k, _w in exports._columns()]
    sql, params = qs.prefetch_related(None).values_list(*paths).query.sql_with_params()
    with connection.cursor() as c:
        inner = c.cursor.mogrify(sql, params).decode()
        sink = open(os.devnull, "w")  # noqa: SIM115
        t = time.perf_counter()
        c.cursor.copy_expert(f"COPY ({inner}) TO STDOUT WITH CSV HEADER", sink)
        copy = time.perf_counter() - t
    rows = qs.count()
    print(f"\ncsv export of {rows:,} tickets ({size / 1e6:.0f} MB): {ours:.1f} s streamed; ")
    print(f"COPY … TO STDOUT of the same rows: {copy:.1f} s ({ours / copy:.1f}×)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, action="append", default=[])
    parser.add_argument("--export", action="store_true", help="also time the CSV export")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("run this against PostgreSQL (set DATABASE_URL)")
    call_command("migrate", verbosity=0)
    call_command("seed_units", verbosity=0)
    rng = random.Random(3)
    load_texts(rng)
    results = {}
    for size in sorted(args.tickets or [200_000]):
        grow(size)
        results[size] = measure(rng)
    sizes = sorted(results)
    print(f"\nsearch on PostgreSQL {connection.pg_version // 10000}: first page of 50 + count")
    print("(p50 / p95 ms, 20 runs each)\n")
    print(f"{'query':<24}" + "".join(f"{f'{s:,} tickets':>22}" for s in sizes))
    for i, (label, *_) in enumerate(results[sizes[0]]):
        cells = "".join(f"{f'{results[s][i][1]:.1f} / {results[s][i][2]:.1f}':>22}" for s in sizes)
        print(f"{label:<24}{cells}")
    print("\n(mean rows on the first page / mean count, capped at 1,000)\n")
    for i, (label, *_) in enumerate(results[sizes[0]]):
        cells = "".join(f"{f'{results[s][i][3]:.0f} / {results[s][i][4]:.0f}':>22}" for s in sizes)
        print(f"{label:<24}{cells}")
    if args.export:
        export_timing()


if __name__ == "__main__":
    main()

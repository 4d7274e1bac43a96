"""Benchmark: /dashboard/ server time with many published months. Prints a table; not a test.

    createdb -h 127.0.0.1 -U postgres hotline_h12_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_h12_bench \\
        nice -n 10 .venv/bin/python scripts/bench_dashboard.py --months 24

Migrates the database named by DATABASE_URL, seeds the unit directory, then writes, in a few
set-based INSERT … SELECT statements, `--months` published periods of score rows for every
scored unit (~500), whistle rows and the stored summaries (city + 16 districts) the
dashboard reads. It then times the dashboard in-process (Django's test client: the view,
its queries and the template, no network) for a city leader and a district leader, and
counts its queries. The dashboard never reads the ticket table, so tickets are not needed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hotline.models import Role, Unit, User  # noqa: E402
from scoring import periods  # noqa: E402

FILL = """
-- one published run per period
INSERT INTO scoring_scorerun (period, period_start, period_end, started_at, finished_at,
    status, error, weights, published, published_at, override_reason)
SELECT to_char(p, 'YYYY-MM'), p, p + interval '1 month', now(), now(), 'done', '', '{}',
    true, now(), ''
FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS p;

-- every scored unit, every period: figures drawn from a hash of (unit, period)
INSERT INTO scoring_unitscore (run_id, period, unit_id, "group", volume, valid_callbacks,
    contacted, solved, satisfied, basically_satisfied, excluded, overdue, response_rate,
    resolution_rate, satisfaction_rate, composite, composite_low, composite_high, flagged,
    not_distinguishable)
SELECT r.id, r.period, u.id, u.type, v.volume, v.valid, v.valid * 95 / 100, v.valid * 80 / 100,
    v.valid * 70 / 100, v.valid * 20 / 100, 0, v.volume / 50, 0.95, 0.80, 0.88,
    v.composite, v.composite - 3, LEAST(v.composite + 3, 100), false, false
FROM scoring_scorerun r
CROSS JOIN hotline_unit u
CROSS JOIN LATERAL (
    SELECT 20 + abs(hashtext(u.code || r.period)) %% 2000 AS volume,
           abs(hashtext(r.period || u.code)) %% 600 AS valid,
           70 + (abs(hashtext(u.code || 'c' || r.period)) %% 3000) / 100.0 AS composite
) v
WHERE u.type IN ('district', 'street', 'department', 'company');

-- ranks and their change, per period and group, below the minimum left unranked
UPDATE scoring_unitscore s SET rank = ranked.rank
FROM (
    SELECT id, rank() OVER (PARTITION BY period, "group" ORDER BY composite DESC, volume DESC)
        AS rank
    FROM scoring_unitscore WHERE valid_callbacks >= 10
) ranked
WHERE s.id = ranked.id;
UPDATE scoring_unitscore s SET rank_change = prev.rank - s.rank
FROM scoring_unitscore prev
WHERE prev.unit_id = s.unit_id AND s.rank IS NOT NULL AND prev.rank IS NOT NULL
  AND prev.period = to_char(to_date(s.period, 'YYYY-MM') - interval '1 month', 'YYYY-MM');

INSERT INTO scoring_whistlescore (run_id, period, unit_id, whistles, summons_sent,
    summons_received, reported_on_time, reported_late, not_reported)
SELECT s.run_id, s.period, s.unit_id, s.volume / 40, s.volume / 50, s.volume / 60,
    s.volume / 70, s.volume / 400, s.volume / 800
FROM scoring_unitscore s WHERE s."group" IN ('street', 'department');

-- the stored summaries: one per district and one for the city
INSERT INTO scoring_periodsummary (run_id, period, unit_id, contacts, answered, dispatched,
    valid_callbacks, response_rate, resolution_rate, satisfaction_rate, composite, overdue,
    returns, whistles, category_mix, candidates, computed_at)
SELECT s.run_id, s.period, s.unit_id, s.volume * 2, s.volume / 2, s.volume, s.valid_callbacks,
    0.95, 0.80, 0.88, s.composite, s.overdue, s.volume / 30, s.volume / 40, %(mix)s::jsonb,
    %(candidates)s::jsonb, now()
FROM scoring_unitscore s WHERE s."group" = 'district';
INSERT INTO scoring_periodsummary (run_id, period, unit_id, contacts, answered, dispatched,
    valid_callbacks, response_rate, resolution_rate, satisfaction_rate, composite, overdue,
    returns, whistles, category_mix, candidates, computed_at)
SELECT min(s.run_id), s.period, NULL, sum(s.volume) * 2, sum(s.volume) / 2, sum(s.volume),
    sum(s.valid_callbacks), 0.95, 0.80, 0.88, avg(s.composite), sum(s.overdue),
    sum(s.volume) / 30, sum(s.volume) / 40, %(mix)s::jsonb, %(candidates)s::jsonb, now()
FROM scoring_unitscore s WHERE s."group" = 'district' GROUP BY s.period;
"""

MIX = (
    "["
    + ",".join(
        f'{{"code": "C{i}", "name": "分类{i}", "count": {1000 - i * 50}}}' for i in range(15)
    )
    + "]"
)
CANDIDATES = (
    "["
    + ",".join(
        f'{{"category": "C{i}", "name": "分类{i}", "district": "", "district_name": "",'
        f' "reason": "rising", "score": {50 - i}, "now": {300 - i}, "series": [1, 2, 3, 4]}}'
        for i in range(12)
    )
    + "]"
)


def fill(months):
    last = "2026-10"
    first = periods.shift(last, 1 - months)
    with connection.cursor() as cursor:
        for table in ("periodsummary", "whistlescore", "unitscore", "scorerun"):
            cursor.execute(f"DELETE FROM scoring_{table}")
        started = time.perf_counter()
        cursor.execute(
            FILL,
            {"first": f"{first}-01", "last": f"{last}-01", "mix": MIX, "candidates": CANDIDATES},
        )
        cursor.execute("ANALYZE")
    took = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM scoring_unitscore")
        rows = cursor.fetchone()[0]
    return last, rows, took


def measure(user, url, runs):
    client = Client()
    client.force_login(user)
    client.get(url)  # warm: session, template and URL caches
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    size = len(response.content)
    return statistics.median(times), statistics.median(cpu), len(ctx.captured_queries), size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(type="district").exists():
        call_command("seed_units", verbosity=0)
    period, rows, took = fill(args.months)
    centre = Unit.objects.get(type="centre")
    dongcheng = Unit.objects.get(code="110101")
    city_leader, _ = User.objects.get_or_create(
        username="bench-leader", defaults={"role": Role.LEADER, "unit": centre}
    )
    district_leader, _ = User.objects.get_or_create(
        username="bench-leader-110101", defaults={"role": Role.LEADER, "unit": dongcheng}
    )
    print(f"{args.months} published months, {rows} score rows, filled in {took:.1f} s (set-based)")
    print()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| page | median ms (wall) | median ms (Django CPU) | queries | KB |")
    print("|---|---|---|---|---|")
    cases = [
        ("city leader, opens (last published)", city_leader, "/dashboard/"),
        ("city leader, streets", city_leader, f"/dashboard/?period={period}&group=street"),
        (
            "city leader, streets, page 5",
            city_leader,
            f"/dashboard/?period={period}&group=street&page=5",
        ),
        ("city leader, departments", city_leader, f"/dashboard/?period={period}&group=department"),
        ("district leader (东城)", district_leader, "/dashboard/"),
    ]
    for name, user, url in cases:
        median, cpu, queries, size = measure(user, url, args.runs)
        print(f"| {name} | {median:.0f} | {cpu:.0f} | {queries} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
